package runner

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Transport is the http.RoundTripper of a client made by NewClient. As a
// RoundTripper it is net/http's own Transport; the runner's workers use it
// to decide, per request, whether the lean HTTP/1.1 engine may send it, and
// to render each Request once into the bytes that engine writes.
type Transport struct {
	std        *http.Transport
	lean       bool
	checkReuse bool // net/http's kept connections are plain HTTP/1.1: check them before reuse

	wires  sync.Map // *Request → *wire
	nwires atomic.Int64
}

var _ http.RoundTripper = (*Transport)(nil)

// maxWires bounds how many rendered requests a Transport keeps. A plan has
// a few thousand distinct requests; a Source that makes a new Request for
// every call would otherwise grow the cache without end. Past the bound a
// request is rendered again each time it is sent.
const maxWires = 1 << 16

func newTransport(std *http.Transport, lean, checkReuse bool) *Transport {
	return &Transport{std: std, lean: lean, checkReuse: checkReuse}
}

// RoundTrip implements http.RoundTripper with net/http's Transport.
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) { return t.std.RoundTrip(r) }

// CloseIdleConnections closes net/http's idle connections.
func (t *Transport) CloseIdleConnections() { t.std.CloseIdleConnections() }

// wire is a Request rendered for the lean engine.
type wire struct {
	addr  string // host:port to dial
	bytes []byte // the request head and body, as written
	head  bool   // a HEAD request: its response has no body
	err   error  // why the request cannot be sent
	lean  bool   // whether the lean engine sends it; if not, net/http does
}

// wireFor returns req rendered, from the cache when it was rendered before.
func (t *Transport) wireFor(req *Request) *wire {
	if v, ok := t.wires.Load(req); ok {
		return v.(*wire)
	}
	w := t.render(req)
	if t.nwires.Load() < maxWires {
		if _, loaded := t.wires.LoadOrStore(req, w); !loaded {
			t.nwires.Add(1)
		}
	}
	return w
}

// render writes req as HTTP/1.1: the request line, Host, the headers in
// sorted order, Content-Length, and the body. Like net/http, it sends
// Content-Length: 0 for a PUT, POST or PATCH without a body, takes the
// Authorization from the URL's user info when the headers have none, and
// refuses header fields that could split the request.
func (t *Transport) render(req *Request) *wire {
	w := &wire{}
	if !t.lean {
		return w
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		w.err, w.lean = err, true
		return w
	}
	if u.Scheme != "http" {
		return w // TLS goes through net/http
	}
	w.lean = true
	if !validToken(req.Method) {
		w.err = fmt.Errorf("invalid method %q", req.Method)
		return w
	}
	w.head = req.Method == http.MethodHead
	host := u.Host
	w.addr = host
	if u.Port() == "" {
		w.addr = net.JoinHostPort(u.Hostname(), "80")
	}
	if hv := req.Header["Host"]; len(hv) > 0 {
		host = hv[0]
	}
	b := make([]byte, 0, 256+len(req.Body))
	b = append(b, req.Method...)
	b = append(b, ' ')
	b = append(b, u.RequestURI()...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\n"...)
	keys := make([]string, 0, len(req.Header))
	for k := range req.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Host", "Content-Length", "Transfer-Encoding", "Connection":
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	hasAuth := false
	for _, k := range keys {
		if !validToken(k) {
			w.err = fmt.Errorf("invalid header field name %q", k)
			return w
		}
		if http.CanonicalHeaderKey(k) == "Authorization" {
			hasAuth = true
		}
		for _, v := range req.Header[k] {
			if !validFieldValue(v) {
				w.err = fmt.Errorf("invalid header field value for %q", k)
				return w
			}
			b = append(b, k...)
			b = append(b, ": "...)
			b = append(b, strings.TrimSpace(v)...)
			b = append(b, "\r\n"...)
		}
	}
	if u.User != nil && !hasAuth {
		pass, _ := u.User.Password()
		b = append(b, "Authorization: Basic "...)
		b = append(b, base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+pass))...)
		b = append(b, "\r\n"...)
	}
	switch {
	case req.Body != nil,
		req.Method == http.MethodPut, req.Method == http.MethodPost, req.Method == http.MethodPatch:
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, int64(len(req.Body)), 10)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	b = append(b, req.Body...)
	w.bytes = b
	return w
}

// validToken reports whether s is an HTTP token (RFC 9110 section 5.6.2),
// as a method or a header field name must be.
func validToken[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	for i := range len(s) {
		if !tokenChars[s[i]] {
			return false
		}
	}
	return true
}

// tokenChars marks the bytes a token may hold.
var tokenChars = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", byte(c)) >= 0
	}
	return t
}()

// validFieldValue reports whether v may be sent as a header field value: no
// control character but tab, so that no value can end the head early.
func validFieldValue(v string) bool {
	for i := range len(v) {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
