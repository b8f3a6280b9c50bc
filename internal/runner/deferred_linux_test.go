//go:build linux

package runner

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDeferredReadTimedByKernel: an answer read long after it arrived is
// timed from its arrival. The server's write returns only once loopback has
// delivered the bytes, so they arrived before the server says so; the test
// reads 50 ms after that. (The kernel switches its receive stamps on a moment
// after the first socket asks for them, so the first answers of a run may go
// unstamped: those are timed when read. The test tries a few.)
func TestDeferredReadTimedByKernel(t *testing.T) {
	written := make(chan time.Time, 1)
	url := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		for readRequest(br) == nil {
			_, _ = io.WriteString(c, "HTTP/1.1 204 No Content\r\n\r\n")
			written <- time.Now()
		}
	})
	d, err := newDeferredReads()
	require.NoError(t, err)
	defer d.close()
	d.sleep(-1)
	start := time.Now()
	c, stop, err := d.dial(context.Background(), url[len("http://"):], time.Now().Add(5*time.Second), nil)
	require.NoError(t, err)
	defer stop()
	defer c.Close()
	buf := make([]byte, 256)
	for range 10 {
		_, err = io.WriteString(c, "PUT /v1/x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
		require.NoError(t, err)
		at := <-written
		time.Sleep(50 * time.Millisecond)
		n, err := c.Read(buf)
		require.NoError(t, err)
		require.Contains(t, string(buf[:n]), "204")
		read := time.Since(start)
		got, ok := c.answered(start)
		if !ok {
			continue
		}
		assert.LessOrEqual(t, got, at.Sub(start), "arrived no later than the server's write returned")
		assert.GreaterOrEqual(t, read-got, 50*time.Millisecond, "timed from arrival, not from the read")
		return
	}
	t.Fatal("the kernel stamped none of 10 answers")
}

// deferredRun runs an open-model Config against url with the lean engine,
// and checks on every record that the run reads through the deferred reads.
func deferredRun(t *testing.T, ctx context.Context, url string, pacer Pacer, d, timeout time.Duration) (Summary, []Result, []time.Duration) {
	t.Helper()
	client, err := NewClient(ClientConfig{Timeout: timeout})
	require.NoError(t, err)
	req := &Request{Method: "PUT", URL: url + "/v1/x", Body: []byte("{}")}
	var (
		mu       sync.Mutex
		all      []Result
		recorded []time.Duration
		rn       *Runner
		deferred = true
	)
	rec := recorderFunc(func(_ int, r *Result) {
		mu.Lock()
		defer mu.Unlock()
		all = append(all, *r)
		recorded = append(recorded, time.Since(rn.start))
		deferred = deferred && rn.deferred != nil
	})
	rn, err = New(Config{
		Model: Open, Pacer: pacer, Duration: d, MaxInFlight: 64,
		Client: client,
		Source: SourceFunc(func(uint64) *Request { return req }), Recorder: rec,
	})
	require.NoError(t, err)
	sum, err := rn.Run(ctx)
	require.NoError(t, err)
	assert.True(t, deferred, "the open model's lean engine reads through the deferred reads")
	return sum, all, recorded
}

// TestDeferredReadsOpenModel: at a rate where every answer is read when the
// scheduler wakes, every request is answered and timed within its own span.
func TestDeferredReadsOpenModel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	defer srv.Close()
	sum, all, _ := deferredRun(t, context.Background(), srv.URL, Constant{PerSecond: 2000}, 100*time.Millisecond, 5*time.Second)
	assert.Equal(t, uint64(200), sum.Sent)
	require.Len(t, all, 200)
	for _, r := range all {
		require.Equal(t, ErrNone, r.Err, r.ErrText)
		assert.Equal(t, 204, r.Response.Status)
		assert.GreaterOrEqual(t, r.Done, r.Sent)
		assert.GreaterOrEqual(t, r.Sent, r.Scheduled)
	}
}

// TestDeferredReadsWakeWhenNoSendIsDue: at 2 requests a second, an answer
// that takes 20 ms is read when it arrives, not when the scheduler next
// wakes, 500 ms later.
func TestDeferredReadsWakeWhenNoSendIsDue(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
		w.WriteHeader(204)
	}))
	defer srv.Close()
	sum, all, recorded := deferredRun(t, context.Background(), srv.URL, Constant{PerSecond: 2}, time.Second, 5*time.Second)
	assert.Equal(t, uint64(2), sum.Sent)
	require.Len(t, all, 2)
	for _, r := range all {
		require.Equal(t, ErrNone, r.Err, r.ErrText)
		assert.GreaterOrEqual(t, r.Done-r.Sent, 20*time.Millisecond, "the server took 20 ms")
	}
	assert.Less(t, recorded[0], 450*time.Millisecond, "the first answer was read before the second request was due")
}

// TestDeferredReadsTimeOutAndCancel: a target that never answers times every
// request out, whether the scheduler is still sending or done; a cancel ends
// the waits at once.
func TestDeferredReadsTimeOutAndCancel(t *testing.T) {
	url := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		_, _ = br.ReadByte()
		_, _ = io.Copy(io.Discard, br)
	})
	t.Run("timeout", func(t *testing.T) {
		sum, all, _ := deferredRun(t, context.Background(), url, Constant{PerSecond: 1000}, 50*time.Millisecond, 200*time.Millisecond)
		assert.Equal(t, uint64(50), sum.Sent)
		require.Len(t, all, 50)
		for _, r := range all {
			assert.Equal(t, ErrTimeout, r.Err, r.ErrText)
			assert.GreaterOrEqual(t, r.Done-r.Sent, 200*time.Millisecond)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		begin := time.Now()
		sum, all, _ := deferredRun(t, ctx, url, Constant{PerSecond: 1000}, time.Hour, time.Hour)
		assert.Less(t, time.Since(begin), 30*time.Second, "the cancel, not a timeout, ended the run")
		assert.True(t, sum.Interrupted)
		require.Len(t, all, int(sum.Sent))
		for _, r := range all {
			assert.Equal(t, ErrCanceled, r.Err, r.ErrText)
		}
	})
}
