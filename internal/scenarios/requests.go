package scenarios

import (
	"encoding/base64"
	"net/http"
	"net/url"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// UserAgent is sent with every request.
const UserAgent = "wrtcbench/1"

// renderer turns the drafts of the case builders (package contract) into
// runner Requests: the URL of the operation, and headers for each pair of
// credentials and Content-Type, made once and shared by every request that
// uses them.
type renderer struct {
	base, user, pass string
	headers          map[headerKey]map[string][]string
}

type headerKey struct {
	auth contract.Auth
	ct   string
}

func newRenderer(base, user, pass string) *renderer {
	return &renderer{base: base, user: user, pass: pass, headers: map[headerKey]map[string][]string{}}
}

// request renders d as the PUT of Add Participant to Session.
func (rd *renderer) request(d contract.Draft) *runner.Request {
	return &runner.Request{Method: http.MethodPut, URL: rd.url(d), Header: rd.header(d.Auth, d.ContentType), Body: d.Body}
}

// url returns the operation's URL for the draft's ids, each path segment
// escaped, or as the draft encoded it (Draft.Segments).
func (rd *renderer) url(d contract.Draft) string {
	seg := func(i int, id string) string {
		if d.Segments[i] != "" {
			return d.Segments[i]
		}
		return url.PathEscape(id)
	}
	return rd.base + "/accounts/" + seg(0, d.Account) + "/sessions/" + seg(1, d.Session) +
		"/participants/" + seg(2, d.Participant)
}

// header returns the shared headers for credentials auth and Content-Type ct.
func (rd *renderer) header(auth contract.Auth, ct string) map[string][]string {
	k := headerKey{auth, ct}
	if h, ok := rd.headers[k]; ok {
		return h
	}
	h := map[string][]string{"User-Agent": {UserAgent}}
	switch auth {
	case contract.AuthValid:
		h["Authorization"] = []string{basicAuth(rd.user, rd.pass)}
	case contract.AuthWrongPassword:
		h["Authorization"] = []string{basicAuth(rd.user, wrongPassword)}
	}
	if ct != "" {
		h["Content-Type"] = []string{ct}
	}
	rd.headers[k] = h
	return h
}

// wrongPassword is the password of bad_auth's requests.
const wrongPassword = "wrong-password-wrtcbench"

// basicAuth returns the value of a Basic Authorization header.
func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}
