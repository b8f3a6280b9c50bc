package contract

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Fixture ids of testWorld.
const (
	sessA  = "11111111-1111-4111-8111-111111111111"
	sessB  = "22222222-2222-4222-8222-222222222222"
	pubA1  = "a1111111-1111-4111-8111-111111111111"
	pubA2  = "a2222222-1111-4111-8111-111111111111"
	subA3  = "a3333333-1111-4111-8111-111111111111"
	pubB1  = "b1111111-2222-4222-8222-222222222222"
	nobody = "0f0f0f0f-0000-4000-8000-000000000000"
)

// testWorld is two seated sessions: A with two publishers and a subscriber,
// B with one publisher.
func testWorld() *World {
	return &World{Account: "9900000", Aliases: []string{"microphone1", "camera1"}, Sessions: []Session{
		{ID: sessA, Participants: []string{pubA1, pubA2, subA3}, Publishers: []string{pubA1, pubA2}},
		{ID: sessB, Participants: []string{pubB1}, Publishers: []string{pubB1}},
	}}
}

// draftA is a request to add subA3 to session A with body.
func draftA(body string) Draft {
	d := Draft{Account: "9900000", Session: sessA, Participant: subA3, ContentType: "application/json"}
	if body != "" {
		d.Body = []byte(body)
	}
	return d
}

// TestClassify: each body or path, the statuses the contract allows for it,
// where that comes from, and why.
func TestClassify(t *testing.T) {
	huge := `{"sessionId":"` + sessA + `","x":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	tests := []struct {
		name   string
		d      Draft
		want   []int
		source Source
		why    string // a part of Expectation.Why
	}{
		{"no body", draftA(""), []int{204}, Published, "valid"},
		{"empty object", draftA(`{}`), []int{204}, Published, "valid"},
		{"whole session", draftA(`{"sessionId":"` + sessA + `"}`), []int{204}, Published, "valid"},
		{"publishers with aliases", draftA(`{"participants":[{"participantId":"` + pubA1 + `","streamAliases":["camera1"]},{"participantId":"` + pubA2 + `"}]}`), []int{204}, Published, "valid"},
		{"participants repeated: the schema asks no unique items", draftA(`{"participants":[{"participantId":"` + pubA1 + `"},{"participantId":"` + pubA1 + `"}]}`), []int{204}, Published, "valid"},
		{"participantId a number", draftA(`{"participants":[{"participantId":42}]}`), []int{400}, Published, "/participants/0/participantId: value must be a string"},
		{"participantId missing", draftA(`{"participants":[{"streamAliases":["camera1"]}]}`), []int{400}, Published, "participantId"},
		{"aliases repeated", draftA(`{"participants":[{"participantId":"` + pubA1 + `","streamAliases":["camera1","camera1"]}]}`), []int{400}, Published, "duplicate items"},
		{"sessionId null", draftA(`{"sessionId":null}`), []int{400}, Published, "nullable"},
		{"streamAliases null", draftA(`{"participants":[{"participantId":"` + pubA1 + `","streamAliases":null}]}`), []int{400}, Published, "nullable"},
		{"body null", draftA(`null`), []int{400}, Published, "the body"},
		{"body an array", draftA(`[]`), []int{400}, Published, "object"},
		{"a number past float64", draftA(`{"sessionId":1e400}`), []int{400}, Published, "sessionId"},
		{"deep nesting where a string belongs", draftA(`{"sessionId":[[[[[[["deep"]]]]]]]}`), []int{400}, Published, "string"},
		{"not JSON", draftA(`{"sessionId":`), []int{400}, Published, "not JSON"},
		{"participants null: the description reads it as absent", draftA(`{"participants":null}`), []int{204, 400}, Undecided, "null"},
		{"participants null and a bad sessionId", draftA(`{"participants":null,"sessionId":5}`), []int{400}, Published, "sessionId"},
		{"another session's id", draftA(`{"sessionId":"` + sessB + `"}`), []int{400}, Project, "differs from the session in the path"},
		{"empty sessionId", draftA(`{"sessionId":""}`), []int{204}, Project, "absent"},
		{"a subscription to nobody", draftA(`{"participants":[{"participantId":"` + nobody + `"}]}`), []int{204, 400, 404}, Undecided, "not in the session"},
		{"a subscription to another session's publisher", draftA(`{"participants":[{"participantId":"` + pubB1 + `"}]}`), []int{204, 400, 404}, Undecided, "not in the session"},
		{"an alias nobody publishes", draftA(`{"participants":[{"participantId":"` + pubA1 + `","streamAliases":["screen9"]}]}`), []int{204, 400}, Undecided, "undefined"},
		{"an unknown property", draftA(`{"sessionId":"` + sessA + `","extra":true}`), []int{204, 400}, Undecided, `"extra"`},
		{"an unknown property in an entry", draftA(`{"participants":[{"participantId":"` + pubA1 + `","x":1}]}`), []int{204, 400}, Undecided, `participants[].x`},
		{"an unknown property does not save a wrong type", draftA(`{"sessionId":7,"extra":true}`), []int{400}, Published, "sessionId"},
		{"a name given twice, both readings valid", draftA(`{"sessionId":"` + sessA + `","sessionId":""}`), []int{204, 400}, Undecided, "twice"},
		{"a name given twice, one reading invalid", draftA(`{"sessionId":"` + sessA + `","sessionId":5}`), []int{204, 400}, Undecided, "twice"},
		{"a name given twice, both invalid", draftA(`{"sessionId":5,"sessionId":6}`), []int{400}, Published, "sessionId"},
		{"a lone surrogate", draftA(`{"participants":[{"participantId":"` + pubA1 + `","streamAliases":["\ud800"]}]}`), []int{204, 400}, Undecided, "surrogate"},
		{"21 subscriptions", draftA(`{"participants":[` + strings.Repeat(`{"participantId":"`+pubA1+`"},`, 20) + `{"participantId":"` + pubA1 + `"}]}`), []int{204, 400}, Undecided, "seats"},
		{"over the body limit", draftA(huge), []int{400}, Project, "limit"},
		{"text/plain", func() Draft { d := draftA(`{}`); d.ContentType = "text/plain"; return d }(), []int{400}, Project, "application/json"},

		{"unknown session", Draft{Account: "9900000", Session: nobody, Participant: subA3}, []int{404}, Published, "does not exist"},
		{"unknown participant", Draft{Account: "9900000", Session: sessA, Participant: nobody}, []int{404}, Published, "does not exist"},
		{"a session id of no format", Draft{Account: "9900000", Session: "12345", Participant: subA3}, []int{400, 404}, Undecided, "no UUID"},
		{"a participant of another session", Draft{Account: "9900000", Session: sessA, Participant: pubB1}, []int{409}, Project, "another session"},
		{"another session's id for a participant of A", Draft{Account: "9900000", Session: sessB, Participant: subA3}, []int{409}, Project, "another session"},
		{"another account", Draft{Account: "9900001", Session: sessA, Participant: subA3, Body: []byte(`{"sessionId":5}`), ContentType: "application/json"}, []int{401, 403}, Published, "account"},
		{"an account of no format", Draft{Account: "abc", Session: sessA, Participant: subA3}, []int{400, 401, 403, 404}, Undecided, "account"},
		{"a body problem and a path problem", Draft{Account: "9900000", Session: nobody, Participant: subA3, Body: []byte(`{"sessionId":5}`), ContentType: "application/json"}, []int{400, 404}, Undecided, "first"},
	}
	k, w := Default(), testWorld()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := k.Classify(tt.d, w)
			assert.Equal(t, tt.want, e.Expect.Codes())
			assert.Equal(t, tt.source, e.Source, e.Why)
			assert.Contains(t, e.Why, tt.why)
		})
	}
}

// TestClassifyUnderThePublishedDocument: the project's choices are not held
// against another document; its schema decides the rest as the project's.
func TestClassifyUnderThePublishedDocument(t *testing.T) {
	if _, err := os.Stat(publishedFile); err != nil {
		t.Skipf("published description not found at %s", publishedFile)
	}
	pub, err := Load(publishedFile)
	require.NoError(t, err)
	require.True(t, pub.HasRequestSchema())
	w := testWorld()
	all := pub.Documented.Codes()
	for body, want := range map[string][]int{
		`{"participants":[{"participantId":42}]}`: {400},
		`{}`:                                  {204},
		`{"sessionId":"` + sessB + `"}`:       all, // the project's session_id_mismatch
		`{"participants":null}`:               {204, 400},
		`{"sessionId":"` + sessA + `","x":1}`: {204, 400},
	} {
		e := pub.Classify(draftA(body), w)
		assert.Equal(t, want, e.Expect.Codes(), "%s: %s", body, e.Why)
	}
	e := pub.Classify(Draft{Account: "9900000", Session: sessA, Participant: pubB1}, w)
	assert.Equal(t, all, e.Expect.Codes(), "409 for a participant of another session is the project's reading")
	assert.Contains(t, e.Why, "judged on its documented statuses only")
}

// TestCheckBody lists every problem, or the first.
func TestCheckBody(t *testing.T) {
	k := Default()
	v := decodeStd(t, []byte(`{"sessionId":null,"participants":[{"participantId":42},{"streamAliases":["a","a"]}]}`))
	all := k.CheckBody(v, true)
	var got []string
	for _, p := range all {
		got = append(got, strings.Join(p.Pointer, "/")+" "+p.Keyword)
	}
	assert.ElementsMatch(t, []string{"sessionId nullable", "participants/0/participantId type",
		"participants/1/streamAliases uniqueItems", "participants/1/participantId required"}, got)
	assert.Len(t, k.CheckBody(v, false), 1)
	assert.Nil(t, k.CheckBody(decodeStd(t, []byte(`{"sessionId":"s"}`)), true))
	assert.Equal(t, "the body: value must be an object", k.CheckBody([]any{}, false)[0].String())
}
