package refserver

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// env is a reference server on a loopback httptest listener plus helpers
// that create fixtures through the API itself.
type env struct {
	t    testing.TB
	rs   *Server
	srv  *httptest.Server
	base string // .../v1/accounts/9900000
}

func newEnv(t testing.TB, cfg Config) *env {
	t.Helper()
	rs, err := New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(rs)
	t.Cleanup(srv.Close)
	return &env{t: t, rs: rs, srv: srv, base: srv.URL + "/v1/accounts/" + DefaultAccount}
}

// request is one call; the zero value of each field means the usual thing.
type request struct {
	method, path string // path relative to e.base unless it starts with "/"
	body         string
	contentType  string // "" with a body: application/json; "-": none
	noAuth       bool
	user, pass   string // "": the defaults
}

// response is a fully read answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) url(path string) string {
	if strings.HasPrefix(path, "/") {
		return e.srv.URL + path
	}
	return e.base + "/" + path
}

func (e *env) do(rq request) response {
	e.t.Helper()
	var body io.Reader
	if rq.body != "" {
		body = strings.NewReader(rq.body)
	}
	req, err := http.NewRequest(rq.method, e.url(rq.path), body)
	require.NoError(e.t, err)
	switch {
	case rq.contentType == "-":
	case rq.contentType != "":
		req.Header.Set("Content-Type", rq.contentType)
	case rq.body != "":
		req.Header.Set("Content-Type", "application/json")
	}
	if !rq.noAuth {
		user, pass := DefaultUsername, DefaultPassword
		if rq.user != "" {
			user, pass = rq.user, rq.pass
		}
		req.SetBasicAuth(user, pass)
	}
	resp, err := e.srv.Client().Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func (e *env) session() string {
	e.t.Helper()
	r := e.do(request{method: "POST", path: "sessions", body: `{"tag":"test"}`})
	require.Equal(e.t, 200, r.status, string(r.body))
	var v struct{ ID, Tag string }
	require.NoError(e.t, json.Unmarshal(r.body, &v))
	return v.ID
}

func (e *env) participant() string {
	e.t.Helper()
	r := e.do(request{method: "POST", path: "participants",
		body: `{"publishPermissions":["AUDIO","VIDEO"],"tag":"p","deviceApiVersion":"V3","callbackUrl":"https://example.com/cb"}`})
	require.Equal(e.t, 200, r.status, string(r.body))
	var v struct {
		Participant struct{ ID string }
		Token       string
	}
	require.NoError(e.t, json.Unmarshal(r.body, &v))
	require.NotEmpty(e.t, v.Token)
	return v.Participant.ID
}

// seat adds p to s with no body and requires 204.
func (e *env) seat(s, p string) {
	e.t.Helper()
	r := e.do(request{method: "PUT", path: "sessions/" + s + "/participants/" + p})
	require.Equal(e.t, 204, r.status, string(r.body))
}

// subs returns the parsed GET subscriptions answer, or nil for 204.
func (e *env) subs(s, p string) *subscriptions {
	e.t.Helper()
	r := e.do(request{method: "GET", path: "sessions/" + s + "/participants/" + p + "/subscriptions"})
	if r.status == 204 {
		return nil
	}
	require.Equal(e.t, 200, r.status, string(r.body))
	var v subscriptions
	require.NoError(e.t, json.Unmarshal(r.body, &v))
	return &v
}

// requireErrorBody checks the documented {"error", "requestId"} shape.
func requireErrorBody(t *testing.T, r response) {
	t.Helper()
	require.Equal(t, "application/json", r.header.Get("Content-Type"))
	var v map[string]any
	require.NoError(t, json.Unmarshal(r.body, &v), string(r.body))
	require.NotEmpty(t, v["error"], string(r.body))
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, v["requestId"])
}
