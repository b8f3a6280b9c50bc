package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
)

// worker sends one request at a time and records its Result. Each worker
// owns its body buffer, its Result and (with the lean engine) its
// connection, so the hot path shares nothing but atomic counters.
type worker struct {
	r   *Runner
	id  int
	buf []byte
	res Result

	// The lean engine's state.
	lc          *leanConn
	br          *bufio.Reader
	contentType string // the last Content-Type read, reused while it repeats
}

// initialBody is the size a worker's body buffer starts at; it grows, up to
// MaxBodyBytes, when a body needs more. 256 workers with 64 KiB each would
// otherwise keep 16 MiB live for bodies that are mostly empty.
const initialBody = 4 << 10

func (r *Runner) newWorker(id int) *worker {
	return &worker{r: r, id: id, buf: make([]byte, min(initialBody, r.cfg.MaxBodyBytes))}
}

// room returns the worker's body buffer, grown to hold at least n bytes
// (at most MaxBodyBytes), its contents kept.
func (w *worker) room(n int) []byte {
	n = min(n, w.r.cfg.MaxBodyBytes)
	if n > len(w.buf) {
		nb := make([]byte, min(max(n, 2*len(w.buf)), w.r.cfg.MaxBodyBytes))
		copy(nb, w.buf)
		w.buf = nb
	}
	return w.buf
}

// close releases the worker's connection.
func (w *worker) close() { w.closeConn() }

// maxDrain is how much of a body beyond the kept bound a worker reads (and
// discards) to keep the connection reusable; past it the connection is closed.
const maxDrain = 4 << 20

// do sends the request of h and records the result.
func (w *worker) do(ctx context.Context, h hit) {
	r := w.r
	req := h.req
	res := &w.res
	*res = Result{Seq: h.seq, Req: req, Scheduled: h.scheduled, Warmup: h.scheduled < r.cfg.Warmup}

	var wr *wire
	if r.transport != nil {
		wr = r.transport.wireFor(req)
	}
	n := r.inFlight.Add(1)
	for m := r.maxInFlight.Load(); n > m && !r.maxInFlight.CompareAndSwap(m, n); m = r.maxInFlight.Load() {
	}
	r.sent.Add(1)
	sent := time.Now()
	res.Sent = sent.Sub(r.start)
	var err error
	if wr != nil && wr.lean {
		err = w.roundTripLean(ctx, wr, res, sent)
	} else {
		err = w.roundTrip(ctx, req, res)
	}
	end := time.Now()
	switch {
	case res.Done == 0:
		res.Done = end.Sub(r.start)
	case res.Done < res.Sent: // a deferred read's kernel timestamp, off by a clock step
		res.Done = res.Sent
	}
	if w.lc != nil {
		w.lc.last = end
	}
	r.inFlight.Add(-1)

	if err != nil {
		res.Err = Classify(ctx, err)
		res.ErrText = err.Error()
	} else {
		r.completed.Add(1)
	}
	r.cfg.Recorder.Record(w.id, res)
}

// roundTrip sends req with net/http and reads the response into
// res.Response, keeping at most MaxBodyBytes of the body and counting the
// rest.
func (w *worker) roundTrip(ctx context.Context, req *Request, res *Result) error {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	t := w.r.transport
	if t != nil {
		// The client's Do adds a redirect loop and a timer of its own; the
		// transport sends the same request, and ctx carries the timeout.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.r.timeout)
		defer cancel()
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		return err
	}
	if req.Header != nil { // NewRequest's own is empty, not nil, as RoundTrip needs
		hr.Header = req.Header
	}
	var resp *http.Response
	if t != nil && hr.URL.User == nil { // the client sets Authorization from user info
		resp, err = t.std.RoundTrip(hr)
	} else {
		resp, err = w.r.cfg.Client.Do(hr)
	}
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	res.Response.Status = resp.StatusCode
	res.Response.ContentType = resp.Header.Get("Content-Type")
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		res.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	size := w.r.cfg.MaxBodyBytes
	if resp.ContentLength >= 0 {
		size = int(min(resp.ContentLength, int64(size)))
	}
	buf := w.room(size)[:size]
	n, err := io.ReadFull(resp.Body, buf)
	res.Response.Body = buf[:n]
	res.Response.BodyLen = int64(n)
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return nil // the whole body fit
	case err != nil:
		return err
	}
	rest, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	res.Response.BodyLen += rest
	return err
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
// It returns 0 when the header is absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
