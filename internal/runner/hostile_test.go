//go:build linux

package runner

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A hostile HTTP/1.1 server: raw TCP, one goroutine per connection, and in
// each mode one way of answering wrong. Every answer carries the number of
// the request it answers in its Content-Type ("application/json; seq=7"),
// every unasked-for answer "text/plain; stray", so that the test sees which
// request a Result was credited with.
//
// The test's Source hands out request n only once the server has finished
// with every request before it (written all it will write for them, or
// closed): what the server sent for earlier requests is then on the
// client's side of loopback before request n is sent, and the verdicts do
// not depend on scheduling.

// hconn is one request's view of its connection.
type hconn struct {
	c   net.Conn
	br  *bufio.Reader
	seq int
	srv *hostile
	fin bool
}

// tag is the Content-Type that names the request answered.
func (h *hconn) tag() string { return "application/json; seq=" + strconv.Itoa(h.seq) }

// write writes s, with "{tag}" replaced by the request's tag.
func (h *hconn) write(s string) { _, _ = io.WriteString(h.c, strings.ReplaceAll(s, "{tag}", h.tag())) }

// finish tells the test that the server will write nothing more the next
// request must see first.
func (h *hconn) finish() {
	if !h.fin {
		h.fin = true
		h.srv.finish()
	}
}

// hold keeps the connection open, reading and dropping, until the client
// closes it.
func (h *hconn) hold() {
	h.finish()
	_, _ = io.Copy(io.Discard, h.c)
}

// hostile is the server of one mode.
type hostile struct {
	ln     net.Listener
	answer func(h *hconn) (keep bool)

	mu       sync.Mutex
	received map[int]int // request number → times read in full
	finished int
	changed  chan struct{} // closed and replaced at every finish
}

func startHostile(t *testing.T, answer func(h *hconn) bool) *hostile {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &hostile{ln: ln, answer: answer, received: map[int]int{}, changed: make(chan struct{})}
	var wg sync.WaitGroup
	conns := map[net.Conn]bool{}
	var cmu sync.Mutex
	t.Cleanup(func() {
		_ = ln.Close()
		cmu.Lock()
		for c := range conns {
			_ = c.Close()
		}
		cmu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			cmu.Lock()
			conns[c] = true
			cmu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				s.serve(c)
			}()
		}
	}()
	return s
}

func (s *hostile) url() string { return "http://" + s.ln.Addr().String() }

// serve reads requests from c and answers each as the mode says.
func (s *hostile) serve(c net.Conn) {
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, req.Body)
		seq, err := strconv.Atoi(req.URL.Path[strings.LastIndexByte(req.URL.Path, '/')+1:])
		if err != nil {
			return
		}
		s.mu.Lock()
		s.received[seq]++
		s.mu.Unlock()
		h := &hconn{c: c, br: br, seq: seq, srv: s}
		keep := s.answer(h)
		if !keep {
			_ = c.Close() // before the next request is let go: it must find the connection closed
		}
		h.finish()
		if !keep {
			return
		}
	}
}

func (s *hostile) finish() {
	s.mu.Lock()
	s.finished++
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// waitFinished waits until the server has finished n requests. It gives up
// after a while, so that a client that lost a request fails the test rather
// than hangs it.
func (s *hostile) waitFinished(n int) {
	give := time.NewTimer(10 * time.Second)
	defer give.Stop()
	for {
		s.mu.Lock()
		done, ch := s.finished >= n, s.changed
		s.mu.Unlock()
		if done {
			return
		}
		select {
		case <-ch:
		case <-give.C:
			return
		}
	}
}

// waitFinishedDriving is waitFinished for a scheduler whose workers are its
// coroutines: it calls drive every 200 µs while it waits.
func (s *hostile) waitFinishedDriving(n int, drive func()) {
	give := time.Now().Add(10 * time.Second)
	for time.Now().Before(give) {
		s.mu.Lock()
		done := s.finished >= n
		s.mu.Unlock()
		if done {
			return
		}
		drive()
		time.Sleep(200 * time.Microsecond)
	}
}

// hostileEngines are the engines every mode goes through: the lean one with
// its open model's workers as goroutines and as coroutines of the
// scheduler, and net/http.
var hostileEngines = []struct {
	name    string
	engine  Engine
	workers workerKind
}{{"lean", EngineAuto, goroutineWorkers}, {"lean-co", EngineAuto, coroutineWorkers}, {"nethttp", EngineNetHTTP, autoWorkers}}

// runHostile runs n requests against srv with one engine and one model and
// returns the Summary and the Results in request order.
func runHostile(t *testing.T, srv *hostile, engine Engine, workers workerKind, model Model, n int, timeout time.Duration) (Summary, []Result) {
	t.Helper()
	client, err := NewClient(ClientConfig{Timeout: timeout, Engine: engine, HTTP2: HTTP2Off})
	require.NoError(t, err)
	reqs := make([]*Request, n)
	for i := range reqs {
		reqs[i] = &Request{Method: "PUT", URL: fmt.Sprintf("%s/v1/x/%d", srv.url(), i), Body: []byte(`{}`),
			Header: map[string][]string{"Content-Type": {"application/json"}}}
	}
	rec := &collect{}
	var rn *Runner
	cfg := Config{
		Model: model, Requests: uint64(n), MaxBodyBytes: 1024, Client: client, Recorder: rec,
		Source: SourceFunc(func(i uint64) *Request {
			if rn.coroutines() {
				// The scheduler waits here, in place of its sleep: it
				// hands on the answers that come meanwhile.
				srv.waitFinishedDriving(int(i), func() {
					rn.deferred.sleep(-1)
					rn.deferred.runReady()
				})
			} else {
				srv.waitFinished(int(i))
			}
			return reqs[i]
		}),
	}
	if model == Open {
		cfg.Pacer, cfg.MaxInFlight = Constant{PerSecond: 2000}, 4
	} else {
		cfg.Concurrency = 2
	}
	rn, err = New(cfg)
	require.NoError(t, err)
	rn.workers = workers
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sum, err := rn.Run(ctx)
	require.NoError(t, err)
	require.False(t, sum.Interrupted, "the run ended by itself, not after a minute")
	return sum, rec.sorted()
}

// TestHostileServer runs every mode of the hostile server through both
// engines and both load models, and checks the documented verdict of every
// request, the accounting, that the server received each request exactly
// once, and that no request is credited with an answer meant for another.
func TestHostileServer(t *testing.T) {
	quietNetHTTPLog(t)
	for _, m := range hostileModes {
		for _, e := range hostileEngines {
			for _, model := range []Model{Closed, Open} {
				if model == Closed && e.workers == coroutineWorkers {
					continue // the closed model's workers are goroutines
				}
				t.Run(m.name+"/"+e.name+"/"+string(model), func(t *testing.T) {
					n, timeout := 40, 5*time.Second
					switch {
					case m.slow:
						n, timeout = 4, 150*time.Millisecond
					case m.heavy:
						n = 6
					}
					srv := startHostile(t, m.answer)
					sum, rs := runHostile(t, srv, e.engine, e.workers, model, n, timeout)
					want := m.want
					if e.engine == EngineNetHTTP && m.netHTTP != nil {
						want = *m.netHTTP
					}
					checkHostile(t, m, e.engine, want, srv, sum, rs, n)
				})
			}
		}
	}
}

func checkHostile(t *testing.T, m hostileMode, engine Engine, want outcome, srv *hostile, sum Summary, rs []Result, n int) {
	t.Helper()
	// The accounting.
	require.Len(t, rs, n, "every request is recorded once")
	assert.Equal(t, uint64(n), sum.Scheduled)
	assert.Equal(t, sum.Scheduled, sum.Sent+sum.Dropped)
	var completed, failed int
	for i, r := range rs {
		require.Equal(t, uint64(i), r.Seq, "request %d recorded once", i)
		if r.Err == ErrNone {
			completed++
		} else {
			failed++
		}
	}
	assert.Equal(t, int(sum.Sent), completed+failed)

	// What the server received: each request at most once, none credited
	// with an answer that never reached the server, and (but for net/http
	// against unasked-for bytes) every request.
	srv.mu.Lock()
	received := maps.Clone(srv.received)
	srv.mu.Unlock()
	for seq, times := range received {
		assert.Equal(t, 1, times, "request %d reached the server %d times", seq, times)
	}
	for _, r := range rs {
		if received[int(r.Seq)] == 0 {
			assert.NotEqual(t, ErrNone, r.Err, "request %d is credited with an answer but never reached the server", r.Seq)
		}
	}
	if !m.readAhead || engine != EngineNetHTTP {
		assert.Len(t, received, n, "the server received every request sent")
	}

	// The verdict of each request.
	credited := 0
	for _, r := range rs {
		own := "application/json; seq=" + strconv.FormatUint(r.Seq, 10)
		if m.readAhead && engine == EngineNetHTTP &&
			(r.Err == ErrMalformed || r.Err == ErrOther || r.Err == ErrNone && r.Response.ContentType != own) {
			// net/http read unasked-for bytes as this request's answer, or
			// broke the connection under it (Summary.Unsolicited).
			credited++
			continue
		}
		if !assert.Equal(t, want.err, r.Err, "request %d: %s", r.Seq, r.ErrText) || r.Err != ErrNone {
			continue
		}
		assert.Equal(t, own, r.Response.ContentType, "request %d was credited with an answer meant for another", r.Seq)
		assert.Equal(t, want.status, r.Response.Status, "request %d", r.Seq)
		assert.Equal(t, want.announced, r.Response.Announced, "request %d", r.Seq)
		assert.Equal(t, want.retry, r.RetryAfter, "request %d", r.Seq)
		assert.Equal(t, want.body, string(r.Response.Body), "request %d", r.Seq)
	}
	if credited > 0 {
		t.Logf("net/http: %d of %d requests credited with unasked-for bytes, or failed on them", credited, n)
	}
	if m.unsolicited && engine != EngineNetHTTP {
		assert.NotZero(t, sum.Unsolicited, "the lean engine counts the unasked-for answers")
	}
	if !m.unsolicited {
		assert.Zero(t, sum.Unsolicited)
	}
}

// quietNetHTTPLog drops what net/http logs through the standard logger
// ("Unsolicited response received on idle HTTP channel") while t runs.
func quietNetHTTPLog(t *testing.T) {
	w := log.Writer()
	log.SetOutput(io.Discard)
	t.Cleanup(func() { log.SetOutput(w) })
}

// TestCancelEndsHostileRun: whatever the target does, a cancelled run
// returns promptly on both engines and models, every request in flight
// recorded as canceled. The timeout is an hour, so only the cancel can end
// the requests.
func TestCancelEndsHostileRun(t *testing.T) {
	quietNetHTTPLog(t)
	holds := []struct {
		name   string
		answer func(h *hconn) bool
	}{
		{"never answers", func(h *hconn) bool { h.hold(); return false }},
		{"head a byte at a time", func(h *hconn) bool {
			h.finish()
			for {
				if _, err := h.c.Write([]byte("H")); err != nil {
					return false
				}
				time.Sleep(10 * time.Millisecond)
			}
		}},
		{"101 and hold", func(h *hconn) bool {
			h.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
			h.hold()
			return false
		}},
	}
	for _, hd := range holds {
		for _, e := range hostileEngines {
			for _, model := range []Model{Closed, Open} {
				if model == Closed && e.workers == coroutineWorkers {
					continue
				}
				t.Run(hd.name+"/"+e.name+"/"+string(model), func(t *testing.T) {
					srv := startHostile(t, hd.answer)
					client, err := NewClient(ClientConfig{Timeout: time.Hour, Engine: e.engine, HTTP2: HTTP2Off})
					require.NoError(t, err)
					req := &Request{Method: "PUT", URL: srv.url() + "/v1/x/0", Body: []byte(`{}`)}
					rec := &collect{}
					cfg := Config{Model: model, Duration: time.Hour, Client: client, Recorder: rec,
						Source: SourceFunc(func(uint64) *Request { return req })}
					if model == Open {
						cfg.Pacer, cfg.MaxInFlight = Constant{PerSecond: 100}, 4
					} else {
						cfg.Concurrency = 2
					}
					rn, err := New(cfg)
					require.NoError(t, err)
					rn.workers = e.workers
					ctx, cancel := context.WithCancel(context.Background())
					go func() {
						srv.waitFinished(1) // a request is in the server's hands
						cancel()
					}()
					start := time.Now()
					sum, err := rn.Run(ctx)
					require.NoError(t, err)
					assert.Less(t, time.Since(start), 5*time.Second, "the cancel ended the run")
					assert.True(t, sum.Interrupted)
					require.Len(t, rec.all, int(sum.Sent), "every request sent is recorded")
					for _, r := range rec.all {
						if r.Err != ErrMalformed { // a 101 is refused before the cancel
							assert.Equal(t, ErrCanceled, r.Err, r.ErrText)
						}
					}
				})
			}
		}
	}
}
