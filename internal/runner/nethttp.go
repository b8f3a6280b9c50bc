package runner

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
)

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
	size := w.body.max
	if resp.ContentLength >= 0 {
		size = int(min(resp.ContentLength, int64(size)))
	}
	buf := w.body.room(size)[:size]
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
