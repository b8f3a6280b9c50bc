package runner

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sendOne sends req through a one-worker runner with the client of cc and
// returns the recorded Result.
func sendOne(t *testing.T, cc ClientConfig, req *Request, maxBody int) Result {
	t.Helper()
	rs := sendMany(t, cc, []*Request{req}, maxBody)
	return rs[0]
}

// sendMany sends reqs in order on one worker, so on one kept-alive connection.
func sendMany(t *testing.T, cc ClientConfig, reqs []*Request, maxBody int) []Result {
	t.Helper()
	return sendManyReading(t, cc, false, reqs, maxBody)
}

// readModes are the two ways the lean engine waits for an answer: Go's
// netpoller, or the open model's deferred reads (here with no scheduler
// polling them, so every wait is armed to wake the process).
var readModes = []struct {
	name     string
	deferred bool
}{{"netpoller", false}, {"deferred", true}}

// sendManyReading is sendMany with the read mode chosen.
func sendManyReading(t *testing.T, cc ClientConfig, deferred bool, reqs []*Request, maxBody int) []Result {
	t.Helper()
	client, err := NewClient(cc)
	require.NoError(t, err)
	rec := &collect{}
	rn, err := New(Config{
		Model: Closed, Concurrency: 1, Requests: 1, MaxBodyBytes: maxBody,
		Client:   client,
		Source:   SourceFunc(func(n uint64) *Request { return reqs[n] }),
		Recorder: rec,
	})
	require.NoError(t, err)
	if deferred {
		d, err := newDeferredReads()
		if err != nil {
			t.Skip(err)
		}
		d.sleep(-1)
		rn.deferred = d
		defer d.close()
	}
	rn.start = time.Now()
	w := rn.newWorker(0)
	defer w.close()
	for i := range reqs {
		w.do(context.Background(), rn.hitFor(uint64(i), 0))
	}
	return rec.all
}

// engines are the two ways a plain-HTTP request can go.
var engines = []struct {
	name     string
	cc       ClientConfig
	deferred bool
}{
	{"lean", ClientConfig{Timeout: 5 * time.Second}, false},
	{"lean-deferred", ClientConfig{Timeout: 5 * time.Second}, true},
	{"nethttp", ClientConfig{Timeout: 5 * time.Second, Engine: EngineNetHTTP}, false},
}

// TestEnginesAgree: for each response shape, the lean engine records what
// net/http records.
func TestEnginesAgree(t *testing.T) {
	big := strings.Repeat("x", 3000)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		status  int
		ctype   string
		body    string
		bodyLen int64
		retry   time.Duration
	}{
		{"no content", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }, 204, "", "", 0, 0},
		{"error body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"error":"bad","requestId":"r1"}`)
		}, 400, "application/json", `{"error":"bad","requestId":"r1"}`, 32, 0},
		{"chunked", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(409)
			_, _ = io.WriteString(w, `{"message":`)
			w.(http.Flusher).Flush() // forces chunked encoding
			_, _ = io.WriteString(w, `"taken"}`)
		}, 409, "application/json; charset=utf-8", `{"message":"taken"}`, 19, 0},
		{"body past the bound", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(500)
			_, _ = io.WriteString(w, big)
		}, 500, "text/plain", big[:1024], 3000, 0},
		{"chunked past the bound", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			w.(http.Flusher).Flush()
			_, _ = io.WriteString(w, big)
		}, 500, "", big[:1024], 3000, 0},
		{"shedding", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(429)
		}, 429, "", "", 0, 7 * time.Second},
		{"connection close", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Connection", "close")
			w.WriteHeader(204)
		}, 204, "", "", 0, 0},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(tt.handler)
		for _, e := range engines {
			t.Run(tt.name+"/"+e.name, func(t *testing.T) {
				req := &Request{Method: "PUT", URL: srv.URL + "/v1/x", Header: map[string][]string{"Content-Type": {"application/json"}},
					Body: []byte(`{}`)}
				// Twice, so that the second goes on the kept connection (or a new one after close).
				for i, r := range sendManyReading(t, e.cc, e.deferred, []*Request{req, req}, 1024) {
					require.Equal(t, ErrNone, r.Err, "request %d: %s", i, r.ErrText)
					assert.Equal(t, tt.status, r.Response.Status, "request %d", i)
					assert.Equal(t, tt.ctype, r.Response.ContentType, "request %d", i)
					assert.Equal(t, tt.body, string(r.Response.Body), "request %d", i)
					assert.Equal(t, tt.bodyLen, r.Response.BodyLen, "request %d", i)
					assert.Equal(t, tt.retry, r.RetryAfter, "request %d", i)
				}
			})
		}
		srv.Close()
	}
}

// TestLeanRequestBytes: what the lean engine writes is a well-formed
// request that net/http's server reads back intact.
func TestLeanRequestBytes(t *testing.T) {
	var got atomic.Pointer[http.Request]
	var body atomic.Pointer[string]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s := string(b)
		got.Store(r)
		body.Store(&s)
		w.WriteHeader(204)
	}))
	defer srv.Close()
	for _, tt := range []struct {
		name, method, body string
		nilBody            bool
		wantLen            int64
	}{
		{"body", "PUT", `{"sessionId":"s"}`, false, 17},
		{"no body PUT", "PUT", "", true, 0},
		{"no body DELETE", "DELETE", "", true, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := &Request{Method: tt.method, URL: srv.URL + "/v1/accounts/1/sessions/s?x=1",
				Header: map[string][]string{"Authorization": {"Basic YTpi"}, "User-Agent": {"wrtcbench/1"}, "X-Two": {"a", "b"}}}
			if !tt.nilBody {
				req.Body = []byte(tt.body)
			}
			r := sendOne(t, engines[0].cc, req, 1024)
			require.Equal(t, ErrNone, r.Err, r.ErrText)
			sr := got.Load()
			assert.Equal(t, tt.method, sr.Method)
			assert.Equal(t, "/v1/accounts/1/sessions/s?x=1", sr.RequestURI)
			assert.Equal(t, strings.TrimPrefix(srv.URL, "http://"), sr.Host)
			assert.Equal(t, "Basic YTpi", sr.Header.Get("Authorization"))
			assert.Equal(t, []string{"a", "b"}, sr.Header["X-Two"])
			assert.Equal(t, tt.wantLen, sr.ContentLength)
			assert.Equal(t, tt.body, *body.Load())
		})
	}
}

// TestLeanRejectsHeaderInjection: a header value with a line break is
// refused, not sent.
func TestLeanRejectsHeaderInjection(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	defer srv.Close()
	req := &Request{Method: "PUT", URL: srv.URL + "/v1/x", Header: map[string][]string{"X-Bad": {"a\r\nX-Injected: 1"}}}
	r := sendOne(t, engines[0].cc, req, 1024)
	assert.Equal(t, ErrOther, r.Err)
	assert.Contains(t, r.ErrText, "invalid header field value")
}

// rawServer answers each connection with script(conn) on loopback.
func rawServer(t *testing.T, script func(c net.Conn, br *bufio.Reader)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				script(c, bufio.NewReader(c))
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// readRequest reads one request head and its Content-Length body.
func readRequest(br *bufio.Reader) error {
	req, err := http.ReadRequest(br)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, req.Body)
	return err
}

func TestLeanTransportFailures(t *testing.T) {
	tests := []struct {
		name   string
		script func(c net.Conn, br *bufio.Reader)
		want   ErrKind
	}{
		{"closed before answering", func(c net.Conn, br *bufio.Reader) { _ = readRequest(br) }, ErrEOF},
		{"closed mid-body", func(c net.Conn, br *bufio.Reader) {
			_ = readRequest(br)
			_, _ = io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 50\r\n\r\n{\"err")
		}, ErrEOF},
		{"not HTTP", func(c net.Conn, br *bufio.Reader) {
			_ = readRequest(br)
			_, _ = io.WriteString(c, "SSH-2.0-OpenSSH\r\n")
		}, ErrMalformed},
		{"never answers", func(c net.Conn, br *bufio.Reader) {
			_ = readRequest(br)
			_, _ = br.ReadByte() // until the client gives up
		}, ErrTimeout},
	}
	for _, m := range readModes {
		for _, tt := range tests {
			t.Run(m.name+"/"+tt.name, func(t *testing.T) {
				url := rawServer(t, tt.script)
				cc := ClientConfig{Timeout: 300 * time.Millisecond}
				r := sendManyReading(t, cc, m.deferred, []*Request{{Method: "PUT", URL: url + "/v1/x", Body: []byte("{}")}}, 1024)[0]
				assert.Equal(t, tt.want, r.Err, r.ErrText)
			})
		}
		t.Run(m.name+"/refused", func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			url := "http://" + ln.Addr().String()
			require.NoError(t, ln.Close())
			r := sendManyReading(t, ClientConfig{}, m.deferred, []*Request{{Method: "PUT", URL: url + "/v1/x"}}, 1024)[0]
			assert.Equal(t, ErrRefused, r.Err, r.ErrText)
		})
	}
}

// TestLeanInterimAndStaleConnection: a 100 Continue before the answer is
// skipped, and a kept connection the server closed while idle is found out
// before the next request is written and replaced, without failing it and
// without sending anything twice.
func TestLeanInterimAndStaleConnection(t *testing.T) {
	var conns, requests atomic.Int32
	closed := make(chan struct{}, 3)
	url := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		conns.Add(1)
		if readRequest(br) != nil {
			return
		}
		requests.Add(1)
		_, _ = io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
		_ = c.Close() // the next request finds the connection gone
		closed <- struct{}{}
	})
	req := &Request{Method: "PUT", URL: url + "/v1/x", Body: []byte("{}")}
	client, err := NewClient(ClientConfig{})
	require.NoError(t, err)
	rec := &collect{}
	rn, err := New(Config{
		Model: Closed, Concurrency: 1, Requests: 1,
		Client: client,
		Source: SourceFunc(func(uint64) *Request { return req }), Recorder: rec,
	})
	require.NoError(t, err)
	rn.start = time.Now()
	w := rn.newWorker(0)
	defer w.close()
	for i := range 3 {
		w.do(context.Background(), rn.hitFor(uint64(i), 0))
		<-closed // the server's close is done before the next request goes out
	}
	for i, r := range rec.all {
		assert.Equal(t, ErrNone, r.Err, "request %d: %s", i, r.ErrText)
		assert.Equal(t, 204, r.Response.Status, "request %d", i)
	}
	assert.Equal(t, int32(3), conns.Load(), "one connection per request")
	assert.Equal(t, int32(3), requests.Load(), "nothing was sent twice")
}

// TestLeanDoesNotResendAfterFailure: a server that reads the second request
// and closes without answering, or resets the connection, gets that failure
// recorded (EOF, reset), not the request again; the third request goes out
// on a new connection.
func TestLeanDoesNotResendAfterFailure(t *testing.T) {
	failures := []struct {
		name string
		fail func(c net.Conn)
		want ErrKind
	}{
		{"close", func(net.Conn) {}, ErrEOF},
		{"reset", func(c net.Conn) { _ = c.(*net.TCPConn).SetLinger(0) }, ErrReset},
	}
	for _, m := range readModes {
		for _, f := range failures {
			t.Run(m.name+"/"+f.name, func(t *testing.T) {
				var seen atomic.Int32
				url := rawServer(t, func(c net.Conn, br *bufio.Reader) {
					for readRequest(br) == nil {
						if seen.Add(1) == 2 {
							f.fail(c) // then the deferred Close ends the connection
							return
						}
						_, _ = io.WriteString(c, "HTTP/1.1 204 No Content\r\n\r\n")
					}
				})
				req := &Request{Method: "PUT", URL: url + "/v1/x", Body: []byte("{}")}
				rs := sendManyReading(t, ClientConfig{}, m.deferred, []*Request{req, req, req}, 1024)
				assert.Equal(t, ErrNone, rs[0].Err)
				assert.Equal(t, f.want, rs[1].Err, rs[1].ErrText)
				assert.Equal(t, ErrNone, rs[2].Err)
				assert.Equal(t, int32(3), seen.Load(), "each request reached the target once")
			})
		}
	}
}

// TestLeanCancel: cancelling the run ends a request in flight at once, and
// it is recorded as canceled.
func TestLeanCancel(t *testing.T) {
	url := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		_ = readRequest(br)
		_, _ = br.ReadByte()
	})
	client, err := NewClient(ClientConfig{})
	require.NoError(t, err)
	rec := &collect{}
	req := &Request{Method: "PUT", URL: url + "/v1/x"}
	rn, err := New(Config{
		Model: Closed, Concurrency: 2, Duration: time.Hour,
		Client: client,
		Source: SourceFunc(func(uint64) *Request { return req }), Recorder: rec,
	})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	sum, err := rn.Run(ctx)
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 5*time.Second, "DefaultTimeout is 10s: the cancel, not the timeout, ended the requests")
	assert.True(t, sum.Interrupted)
	require.Len(t, rec.all, 2)
	for _, r := range rec.all {
		assert.Equal(t, ErrCanceled, r.Err, r.ErrText)
	}
}

func TestNewClientEngines(t *testing.T) {
	for _, tt := range []struct {
		cc   ClientConfig
		url  string
		lean bool
	}{
		{ClientConfig{}, "http://127.0.0.1:1/v1", true},
		{ClientConfig{HTTP2: HTTP2Off}, "http://127.0.0.1:1/v1", true},
		{ClientConfig{HTTP2: HTTP2On}, "http://127.0.0.1:1/v1", false}, // h2c is net/http's
		{ClientConfig{}, "https://127.0.0.1:1/v1", false},              // TLS is net/http's
		{ClientConfig{Engine: EngineNetHTTP}, "http://127.0.0.1:1/v1", false},
	} {
		c, err := NewClient(tt.cc)
		require.NoError(t, err)
		tr := c.Transport.(*Transport)
		assert.Equal(t, tt.lean, tr.wireFor(&Request{Method: "PUT", URL: tt.url}).lean, "%+v %s", tt.cc, tt.url)
	}
	_, err := NewClient(ClientConfig{Engine: "fast"})
	assert.ErrorContains(t, err, "engine")
}

// TestBodyBufferGrows: a worker's body buffer starts small and grows, up to
// MaxBodyBytes, for a body that needs it, on both engines and both framings.
func TestBodyBufferGrows(t *testing.T) {
	body := strings.Repeat("y", 3*initialBody)
	for _, chunked := range []bool{false, true} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			if chunked {
				w.(http.Flusher).Flush()
			}
			_, _ = io.WriteString(w, body)
		}))
		for _, e := range engines {
			req := &Request{Method: "PUT", URL: srv.URL + "/v1/x"}
			for _, max := range []int{2 * initialBody, 4 * initialBody} {
				r := sendOne(t, e.cc, req, max)
				require.Equal(t, ErrNone, r.Err, r.ErrText)
				want := body[:min(len(body), max)]
				assert.Equal(t, want, string(r.Response.Body), "%s chunked=%v max=%d", e.name, chunked, max)
				assert.Equal(t, int64(len(body)), r.Response.BodyLen, "%s chunked=%v max=%d", e.name, chunked, max)
			}
		}
		srv.Close()
	}
}
