//go:build linux

package runner

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWorkerKindsAgree runs one open-model schedule with the workers as
// goroutines and as coroutines of the scheduler, over plain HTTP (the lean
// engine, deferred reads) and TLS (net/http), and checks that every request
// gets the answer its path asks for, both ways. The TLS server answers only
// once a later plain request has arrived: a coroutine that sent its TLS
// request on the scheduler's thread, rather than handing it to a goroutine,
// would stop the schedule until its answer, and get a 504.
func TestWorkerKindsAgree(t *testing.T) {
	big := strings.Repeat("x", 3000)
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/204", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.HandleFunc("/v1/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"error":"bad"}`)
	})
	mux.HandleFunc("/v1/chunked", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(409)
		_, _ = io.WriteString(w, "ab")
		w.(http.Flusher).Flush()
		_, _ = io.WriteString(w, big)
	})
	mux.HandleFunc("/v1/shed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(429)
	})
	mux.HandleFunc("/v1/close", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		w.WriteHeader(204)
	})
	var plainSeen atomic.Int64 // requests the plain server received
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plainSeen.Add(1)
		mux.ServeHTTP(w, r)
	}))
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen := plainSeen.Load()
		for deadline := time.Now().Add(3 * time.Second); plainSeen.Load() == seen; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				w.WriteHeader(504) // the schedule stopped while this request was out
				return
			}
		}
		w.WriteHeader(204)
	}))
	defer tlsSrv.Close()

	type want struct {
		status  int
		body    string
		bodyLen int64
		retry   time.Duration
	}
	paths := []struct {
		path string
		want want
	}{
		{"204", want{204, "", 0, 0}},
		{"json", want{400, `{"error":"bad"}`, 15, 0}},
		{"chunked", want{409, ("ab" + big)[:1024], 3002, 0}},
		{"shed", want{429, "", 0, 7 * time.Second}},
		{"close", want{204, "", 0, 0}},
	}
	const n = 60
	reqs := make([]*Request, n)
	wants := make([]want, n)
	for i := range reqs {
		p := paths[i%len(paths)]
		url, w := fmt.Sprintf("%s/v1/%s", plain.URL, p.path), p.want
		if i%6 == 5 && i < n-6 { // plain requests follow each TLS one
			url, w = tlsSrv.URL+"/v1/tls", want{204, "", 0, 0}
		}
		reqs[i], wants[i] = &Request{Method: "PUT", URL: url, Body: []byte(`{}`)}, w
	}
	for _, kind := range []workerKind{goroutineWorkers, coroutineWorkers} {
		client, err := NewClient(ClientConfig{Timeout: 5 * time.Second, HTTP2: HTTP2Off, InsecureSkipVerify: true})
		require.NoError(t, err)
		rec := &collect{}
		rn, err := New(Config{
			Model: Open, Pacer: Constant{PerSecond: 2000}, Requests: n, MaxInFlight: 4, MaxBodyBytes: 1024,
			Client: client, Recorder: rec, Source: SourceFunc(func(i uint64) *Request { return reqs[i] }),
		})
		require.NoError(t, err)
		rn.workers = kind
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		sum, err := rn.Run(ctx)
		cancel()
		require.NoError(t, err)
		require.False(t, sum.Interrupted)
		rs := rec.sorted()
		require.Len(t, rs, n, "%v: every request recorded once", kind)
		assert.Equal(t, uint64(n), sum.Sent)
		for i, r := range rs {
			w := wants[i]
			require.Equal(t, ErrNone, r.Err, "%v request %d (%s): %s", kind, i, reqs[i].URL, r.ErrText)
			assert.Equal(t, w.status, r.Response.Status, "%v request %d", kind, i)
			assert.Equal(t, w.body, string(r.Response.Body), "%v request %d", kind, i)
			assert.Equal(t, w.bodyLen, r.Response.BodyLen, "%v request %d", kind, i)
			assert.Equal(t, w.retry, r.RetryAfter, "%v request %d", kind, i)
			assert.GreaterOrEqual(t, r.Done, r.Sent, "%v request %d", kind, i)
		}
	}
}

// TestHoldBelow: the scheduler sleeps holding the processor only while no
// waiting worker depends on the poller goroutine to be woken, and never
// when the process serves the target itself.
func TestHoldBelow(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		w.WriteHeader(204)
	}))
	defer srv.Close()
	defer close(release)
	d, err := newDeferredReads()
	require.NoError(t, err)
	defer d.close()
	assert.Equal(t, farSleep, d.holdBelow(), "nothing waits")

	d.sleep(-1) // a far sleep: a worker that waits now is armed
	c, stop, err := d.dial(context.Background(), srv.URL[len("http://"):], time.Now().Add(5*time.Second), nil)
	require.NoError(t, err)
	defer stop()
	defer c.Close()
	_, err = io.WriteString(c, "PUT /v1/x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
	require.NoError(t, err)
	read := make(chan error, 1)
	go func() {
		buf := make([]byte, 256)
		_, err := c.Read(buf)
		read <- err
	}()
	require.Eventually(t, func() bool { return d.holdBelow() == 0 }, 5*time.Second, time.Millisecond,
		"a worker waits on an armed socket")
	release <- struct{}{}
	require.NoError(t, <-read)
	assert.Equal(t, farSleep, d.holdBelow(), "the worker was woken: nothing waits")

	rn := &Runner{deferred: d, cfg: Config{ServesTarget: true}}
	assert.Equal(t, time.Duration(0), rn.holdBelow(), "a process that serves the target never holds")
}
