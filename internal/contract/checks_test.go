package contract

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJudge(t *testing.T) {
	k := Default()
	js := "application/json"
	tests := []struct {
		name   string
		expect StatusSet
		resp   Response
		failed []Check
		skip   []Check // checks that must not apply
	}{
		{"204 as expected", NewStatusSet(204), Response{Status: 204}, nil, []Check{CheckErrorBody}},
		{"204 with a body", NewStatusSet(204), Response{Status: 204, Body: []byte("{}"), BodyLen: 2, ContentType: js},
			[]Check{CheckContentType}, nil},
		{"204 announcing a body", NewStatusSet(204), Response{Status: 204, Announced: true},
			[]Check{CheckContentType}, nil}, // a Content-Length: 46 the engine rightly did not read
		{"400 as expected", NewStatusSet(400), resp(400, js, `{"error":"bad body","requestId":"r1"}`), nil, nil},
		{"401 message shape", NewStatusSet(401), resp(401, js, `{"message":"Unauthorized"}`), nil, nil},
		{"500 code shape", NewStatusSet(204), resp(500, js, `{"code":500,"message":"boom"}`),
			[]Check{CheckStatusExpected, CheckNoServerError}, nil},
		{"200 undocumented", NewStatusSet(204), resp(200, js, `{}`),
			[]Check{CheckStatusDocumented, CheckStatusExpected}, []Check{CheckErrorBody}},
		{"error body not JSON", NewStatusSet(400), resp(400, "text/plain", "bad"),
			[]Check{CheckContentType, CheckErrorBody}, nil},
		{"error body wrong type", NewStatusSet(404), resp(404, js, `{"error":42}`), []Check{CheckErrorBody}, nil},
		{"error body array", NewStatusSet(404), resp(404, js, `[]`), []Check{CheckErrorBody}, nil},
		{"error body no known field", NewStatusSet(409), resp(409, js, `{"detail":"x"}`), []Check{CheckErrorBody}, nil},
		{"charset parameter", NewStatusSet(400), resp(400, "application/json; charset=utf-8", `{"error":"x"}`), nil, nil},
		{"429 is shedding", NewStatusSet(204), resp(429, js, `{"message":"slow down"}`), nil,
			[]Check{CheckStatusExpected, CheckStatusDocumented, CheckNoServerError, CheckErrorBody}},
		{"429 when expected", NewStatusSet(429), resp(429, js, `{"message":"slow down"}`), []Check{CheckStatusDocumented}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := k.Judge(tt.expect, &tt.resp)
			assert.True(t, v.Applies(CheckTransport))
			for _, c := range Checks() {
				want := false
				for _, f := range tt.failed {
					want = want || f == c
				}
				assert.Equal(t, want, v.FailedCheck(c), "check %s", c)
			}
			for _, c := range tt.skip {
				assert.False(t, v.Applies(c), "check %s must not apply", c)
			}
		})
	}
}

func resp(status int, ct, body string) Response {
	return Response{Status: status, ContentType: ct, Body: []byte(body), BodyLen: int64(len(body))}
}

func TestMessageNamesBothSets(t *testing.T) {
	k := Default()
	r := resp(200, "application/json", "{}")
	got := k.Message(CheckStatusExpected, MalformedJSON, NewStatusSet(400), &r)
	assert.Equal(t, "got 200; expected for malformed_json: 400; documented: 204 400 401 403 404 409 500", got)
}

// TestMessage204WithBody: a 204 fails content_type for a body it sent, or
// for one its head announced (which the engines rightly do not read).
func TestMessage204WithBody(t *testing.T) {
	k := Default()
	sent := resp(204, "application/json", "{}")
	assert.Equal(t, "got 204 with a body of 2 bytes; a 204 has no body", k.Message(CheckContentType, MalformedJSON, NewStatusSet(204), &sent))
	announced := Response{Status: 204, Announced: true}
	assert.Contains(t, k.Message(CheckContentType, MalformedJSON, NewStatusSet(204), &announced), "announced a body")
}

func TestCatalogue(t *testing.T) {
	c, ok := LookupCase(ForeignAccount)
	assert.True(t, ok)
	assert.Equal(t, "401 403", c.Expect.String())
	_, ok = LookupCase("nope")
	assert.False(t, ok)
	seen := map[string]bool{}
	for _, c := range Cases() {
		assert.False(t, seen[c.Name], "%s is in the table twice", c.Name)
		seen[c.Name] = true
		assert.False(t, c.Expect.Empty(), c.Name)
		assert.NotEmpty(t, c.Summary, c.Name)
		assert.NotEmpty(t, c.Basis, "%s: say where its expectation comes from", c.Name)
		assert.NotNil(t, c.Build, "%s has no builder", c.Name)
		if c.Needs.Sessions > 0 || c.Needs.Seated {
			assert.NotEmpty(t, c.Needs.Why, "%s: say what its sessions and seats are for", c.Name)
		}
	}
}

// TestConformanceDocNamesEveryCase checks docs/conformance.md's table of
// cases against the catalogue: every case, its expected statuses and the
// source of its expectation, and no case the catalogue lacks.
func TestConformanceDocNamesEveryCase(t *testing.T) {
	doc, err := os.ReadFile("../../docs/conformance.md")
	require.NoError(t, err)
	rows := map[string][]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 7 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[1]), "`")
		rows[name] = []string{strings.TrimSpace(cells[4]), strings.TrimSpace(cells[5])}
	}
	for _, c := range Cases() {
		row, ok := rows[c.Name]
		if !assert.True(t, ok, "docs/conformance.md has no row for %s", c.Name) {
			continue
		}
		assert.Equal(t, strings.ReplaceAll(c.Expect.String(), " ", " or "), row[0], "%s: expected statuses", c.Name)
		assert.Equal(t, c.Source.String(), row[1], "%s: source", c.Name)
		delete(rows, c.Name)
	}
	assert.Empty(t, rows, "docs/conformance.md names cases the catalogue does not have")
}

func TestStatusSet(t *testing.T) {
	s := NewStatusSet(599, 100, 204, 99, 600)
	assert.Equal(t, []int{100, 204, 599}, s.Codes(), "out-of-range codes are ignored")
	assert.True(t, s.Has(204))
	assert.False(t, s.Has(205))
	assert.True(t, StatusSet{}.Empty())
}

func TestParseCheck(t *testing.T) {
	for _, c := range Checks() {
		got, ok := ParseCheck(c.String())
		assert.True(t, ok)
		assert.Equal(t, c, got)
	}
	_, ok := ParseCheck("status")
	assert.False(t, ok)
}

// TestAdapt: against another document, a case is held to its expectation
// only where the document supports it.
func TestAdapt(t *testing.T) {
	narrow, err := Load("testdata/ranges.yaml") // documents 204 and 4XX: no 5xx, no 409 of its own
	require.NoError(t, err)
	mix := func(name string, expect ...int) MixCase {
		m, ok := NewMixCase(name, 1, NewStatusSet(expect...))
		require.True(t, ok)
		return m
	}
	tests := []struct {
		name    string
		k       *Contract
		m       MixCase
		relaxed bool
	}{
		{"published expectation the document documents", narrow, mix(UnknownSession), false},
		{"the project's choice is not the document's", narrow, mix(SessionIDMismatch), true},
		{"the project's choice, even under the embedded document's rules", Default(), mix(ParticipantInOtherSession), true},
		{"a scenario's own expect is kept", narrow, mix(SessionIDMismatch, 400), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.k.Adapt(tt.m)
			assert.Equal(t, tt.relaxed, got.Relaxed != "", got.Relaxed)
			if tt.relaxed {
				assert.Equal(t, tt.k.Documented, got.Expect, "judged on the documented statuses")
				assert.Contains(t, got.Relaxed, tt.k.Source)
			} else {
				assert.Equal(t, tt.m.Expect, got.Expect)
			}
		})
	}
}
