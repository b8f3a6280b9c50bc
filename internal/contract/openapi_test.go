package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// publishedFile is Bandwidth's last published description, in the shared
// folder beside the repository.
var publishedFile = filepath.Join("..", "..", "..", "shared", "ref", "bandwidth-webrtc-openapi-2.0.0.yml")

// threeShapes are the error bodies API-FACTS.md says a checker must accept.
var threeShapes = []string{
	`{"error": "Participant not found", "requestId": "12af78d1-5f88-4917-925d-17c1ac8fda7a"}`,
	`{"message": "Unauthorized"}`,
	`{"code": 500, "message": "boom"}`,
}

// TestDefaultEmbedded guards the embedded document: it parses, validates and
// documents what SPEC section 4 lists.
func TestDefaultEmbedded(t *testing.T) {
	_, err := defaultContract()
	require.NoError(t, err, "the embedded openapi.yaml must load; Default panics otherwise")
	k := Default()
	assert.Equal(t, "204 400 401 403 404 409 500", k.Documented.String())
	assert.Equal(t, "204 400 401 403 404 409 500", k.DocumentedText())
	assert.Equal(t, "embedded openapi.yaml", k.Source)
	assert.Same(t, k.outcomeOf(404), Default().outcomeOf(404), "copies share the compiled schemas")
	assert.NotSame(t, k, Default(), "each call returns its own copy")
}

// TestErrorBodySchemas judges error bodies against the embedded and the
// published documents, status by status.
func TestErrorBodySchemas(t *testing.T) {
	contracts := map[string]*Contract{"default": Default()}
	if _, err := os.Stat(publishedFile); err == nil {
		k, err := Load(publishedFile)
		require.NoError(t, err)
		contracts["published"] = k
	} else {
		t.Logf("published description not found at %s; judging the embedded document only", publishedFile)
	}
	for name, k := range contracts {
		for _, status := range []int{400, 401, 403, 404, 409, 500, 502, 418} {
			for _, body := range threeShapes {
				assert.True(t, k.errorBodyOK(status, []byte(body)), "%s: %d %s: the three shapes are always accepted", name, status, body)
			}
			for _, body := range []string{`"Internal error"`, `[]`, `[{"error":"x"}]`, `42`, `null`, `not json`, ``} {
				assert.False(t, k.errorBodyOK(status, []byte(body)), "%s: %d %s", name, status, body)
			}
		}
		// A field the status's schema names must have its type.
		for _, status := range []int{400, 404, 409, 500} {
			assert.False(t, k.errorBodyOK(status, []byte(`{"error": 5}`)), "%s: %d", name, status)
		}
		for _, status := range []int{401, 403} {
			assert.False(t, k.errorBodyOK(status, []byte(`{"message": ["x"]}`)), "%s: %d", name, status)
		}
	}
	// The project's document requires the field that names each shape; the
	// published one marks no field required, so any object passes there.
	for _, body := range []string{`{}`, `{"detail":"x"}`, `{"requestId":"r"}`, `{"code": 500}`} {
		assert.False(t, Default().errorBodyOK(409, []byte(body)), body)
		if k := contracts["published"]; k != nil {
			assert.True(t, k.errorBodyOK(409, []byte(body)), "published: %s", body)
		}
	}
}

func (k *Contract) errorBodyOK(status int, body []byte) bool {
	return k.outcomeOf(status).body.check(body)
}

// TestLoadPublished reads the statuses and shapes of the published document.
func TestLoadPublished(t *testing.T) {
	if _, err := os.Stat(publishedFile); err != nil {
		t.Skipf("published OpenAPI description not found at %s: %v", publishedFile, err)
	}
	k, err := Load(publishedFile)
	require.NoError(t, err)
	assert.Equal(t, "204 400 401 403 404 409 500", k.Documented.String())
	assert.Equal(t, publishedFile, k.Source)
	assert.Equal(t, "{message}", k.outcomeOf(401).body.shapes)
	assert.Equal(t, "{error, requestId}", k.outcomeOf(404).body.shapes)
	assert.Equal(t, "{error, requestId} or {message}", k.outcomeOf(502).body.shapes, "an undocumented status: any documented error shape")
	r := resp(401, "application/json", `{"message":["x"]}`)
	msg := k.Message(CheckErrorBody, BadAuth, NewStatusSet(401), &r)
	assert.True(t, strings.HasPrefix(msg, `got 401 with body "{\"message\":[\"x\"]}"; an error body is a JSON object {message} (`), msg)
}

// TestLoadRangesAndDefault: a range documents every status in it; "default"
// documents none but gives its schema and media type to the rest; an exact
// code wins over a range.
func TestLoadRangesAndDefault(t *testing.T) {
	k, err := Load(filepath.Join("testdata", "ranges.yaml"))
	require.NoError(t, err, "the operation is found by its path, without an operationId")
	assert.Equal(t, "204 4XX", k.DocumentedText())
	for _, code := range []int{204, 400, 404, 418, 499} {
		assert.True(t, k.Documented.Has(code), code)
	}
	for _, code := range []int{200, 500, 503} {
		assert.False(t, k.Documented.Has(code), code)
	}
	tests := []struct {
		name   string
		resp   Response
		failed []Check
	}{
		{"400 has its own schema", resp(400, "application/json", `{"error":"x"}`), nil},
		{"400 is not the range's", resp(400, "application/problem+json", `{"title":"x"}`), []Check{CheckContentType, CheckErrorBody}},
		{"404 takes the range", resp(404, "application/problem+json; charset=utf-8", `{"title":"gone"}`), nil},
		{"404 with the wrong shape", resp(404, "application/problem+json", `{"error":"gone"}`), []Check{CheckErrorBody}},
		{"404 with the wrong media type", resp(404, "application/json", `{"title":"gone"}`), []Check{CheckContentType}},
		{"500 takes default", resp(500, "application/json", `{"message":"boom"}`), []Check{CheckStatusDocumented, CheckNoServerError}},
		{"500 default's shape", resp(500, "application/json", `{"title":"boom"}`), []Check{CheckStatusDocumented, CheckNoServerError, CheckErrorBody}},
		{"204", Response{Status: 204}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expect := NewStatusSet(tt.resp.Status)
			v := k.Judge(expect, &tt.resp)
			for _, c := range Checks() {
				if c == CheckStatusExpected {
					continue
				}
				assert.Equal(t, contains(tt.failed, c), v.FailedCheck(c), "check %s", c)
			}
		})
	}
	r := resp(404, "application/json", `{"error":"gone"}`)
	assert.Equal(t, `got 404 with Content-Type "application/json"; a body must be application/problem+json`,
		k.Message(CheckContentType, UnknownSession, NewStatusSet(404), &r))
	assert.Contains(t, k.Message(CheckErrorBody, UnknownSession, NewStatusSet(404), &r), "an error body is a JSON object {status, title} (")
	r = resp(500, "application/json", `{}`)
	assert.Equal(t, "got 500; expected for no_body: 204; documented: 204 4XX",
		k.Message(CheckStatusDocumented, NoBody, NewStatusSet(204), &r))
}

func contains(cs []Check, c Check) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// TestLoadNoErrorSchemas: an operation that documents no error body is judged
// by the embedded document's three shapes.
func TestLoadNoErrorSchemas(t *testing.T) {
	k, err := Load(filepath.Join("testdata", "no-schemas.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "204 404", k.Documented.String())
	for _, body := range threeShapes {
		assert.True(t, k.errorBodyOK(404, []byte(body)), body)
	}
	assert.False(t, k.errorBodyOK(404, []byte(`{"detail":"x"}`)))
	assert.True(t, k.outcomeOf(404).accepts("application/json"), "no media type documented: application/json")
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		file string
		want string
		is   error
	}{
		{"other-operation.yaml", "no Add Participant to Session operation", ErrNoOperation},
		{"invalid.yaml", "not a valid OpenAPI document", nil},
		{"remote-ref.yaml", "only local files are read", nil},
		{"missing.yaml", "no such file", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			_, err := Load(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), path, "the error names the file")
			if tt.is != nil {
				assert.True(t, errors.Is(err, tt.is))
			}
		})
	}
}

func TestIsAddParticipantPath(t *testing.T) {
	for p, want := range map[string]bool{
		"/accounts/{accountId}/sessions/{sessionId}/participants/{participantId}": true,
		"/v1/accounts/{a}/sessions/{s}/participants/{p}":                          true,
		"/sessions/{s}/participants/{p}":                                          true,
		"/accounts/{a}/sessions/{s}/participants/{p}/subscriptions":               false,
		"/accounts/{a}/sessions/{s}/participants":                                 false,
		"/accounts/{a}/sessions/fixed/participants/{p}":                           false,
	} {
		assert.Equal(t, want, isAddParticipantPath(p), p)
	}
}

func TestMediaType(t *testing.T) {
	o := &outcome{media: []string{"application/json", "text/*"}}
	for ct, want := range map[string]bool{
		"application/json":                true,
		"Application/JSON; charset=UTF-8": true,
		" application/json ;q=1":          true,
		"text/plain":                      true,
		"application/problem+json":        false,
		"":                                false,
		"application/jsonx":               false,
	} {
		assert.Equal(t, want, o.accepts(ct), ct)
	}
	assert.Equal(t, "application/json or text/*", o.mediaText())
}

// TestJudgeConcurrent judges from many goroutines at once; run with -race.
func TestJudgeConcurrent(t *testing.T) {
	for _, k := range []*Contract{Default(), mustLoad(t, filepath.Join("testdata", "ranges.yaml"))} {
		bodies := []Response{
			resp(400, "application/json", `{"error":"x","requestId":"r"}`),
			resp(404, "application/json", `{"error":5}`),
			resp(401, "application/json", `{"message":"Unauthorized"}`),
			resp(500, "text/plain", `oops`),
			{Status: 204},
		}
		want := make([]Verdicts, len(bodies))
		for i := range bodies {
			want[i] = k.Judge(NewStatusSet(204), &bodies[i])
		}
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 200 {
					j := (g + i) % len(bodies)
					r := bodies[j]
					if got := k.Judge(NewStatusSet(204), &r); got != want[j] {
						t.Errorf("goroutine %d: %d: got %+v, want %+v", g, bodies[j].Status, got, want[j])
						return
					}
				}
			})
		}
		wg.Wait()
	}
}

func mustLoad(t *testing.T, path string) *Contract {
	t.Helper()
	k, err := Load(path)
	require.NoError(t, err)
	return k
}

// TestJudge204NoAlloc: the success path, most of a load run, allocates nothing.
func TestJudge204NoAlloc(t *testing.T) {
	k := Default()
	expect := NewStatusSet(204)
	r := Response{Status: 204}
	assert.Zero(t, testing.AllocsPerRun(1000, func() { k.Judge(expect, &r) }))
	r401 := resp(401, "application/json; charset=utf-8", `{"message":"Unauthorized"}`)
	assert.Zero(t, testing.AllocsPerRun(1000, func() { k.Judge(NewStatusSet(401), &Response{Status: 401, ContentType: r401.ContentType}) }),
		"a bodiless 401 allocates nothing either")
}

// BenchmarkJudge measures the checker's cost per response: the success path,
// an error with a body that must be decoded and validated, and a 401.
func BenchmarkJudge(b *testing.B) {
	k := Default()
	body400, _ := json.Marshal(map[string]string{"error": "participants: want an array", "requestId": "0b6f7f0e-3f0c-4b8e-9a55-2d5d8c1f4a11"})
	cases := []struct {
		name   string
		expect StatusSet
		resp   Response
	}{
		{"204", NewStatusSet(204), Response{Status: 204}},
		{"400_body", NewStatusSet(400), resp(400, "application/json", string(body400))},
		{"401", NewStatusSet(401), resp(401, "application/json", `{"message":"Unauthorized"}`)},
		{"400_bad_body", NewStatusSet(400), resp(400, "text/plain; charset=utf-8", "400 Bad Request: something went wrong\n")},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if v := k.Judge(c.expect, &c.resp); c.name != "400_bad_body" && !v.OK() {
					b.Fatal(strings.TrimSpace(k.Message(CheckErrorBody, "x", c.expect, &c.resp)))
				}
			}
		})
	}
}

// BenchmarkLoopbackRequest is the yardstick for BenchmarkJudge: one PUT with
// a small body to a loopback server answering 400 with an error body, over a
// kept-alive connection.
func BenchmarkLoopbackRequest(b *testing.B) {
	body := []byte(`{"error":"participants: want an array","requestId":"0b6f7f0e-3f0c-4b8e-9a55-2d5d8c1f4a11"}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	client := srv.Client()
	req := []byte(`{"sessionId":"s","participants":{"participantId":"p"}}`)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Do(mustRequest(b, srv.URL, req))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
}

func mustRequest(b *testing.B, url string, body []byte) *http.Request {
	r, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	return r
}
