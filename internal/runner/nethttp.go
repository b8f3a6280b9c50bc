package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// The net/http engine: TLS, HTTP/2, h2c, and everything with
// EngineNetHTTP. It holds net/http to the lean engine's reading of a
// response (http1.go): the same head limit (MaxHeadBytes), a status of
// three digits from 100, no 101 or other final 1xx, a body that ends where
// its framing says (a short one is an error, not "the body fit"), a 204 or
// 304 that announces a body flagged and its connection closed, and a kept
// HTTP/1.1 connection checked before reuse.

// roundTrip sends req with net/http and reads the response into
// res.Response, keeping at most MaxBodyBytes of the body and counting the
// rest.
func (w *worker) roundTrip(ctx context.Context, req *Request, res *Result) error {
	t := w.r.transport
	if t != nil {
		// The client's Do adds a redirect loop and a timer of its own; the
		// transport sends the same request, and ctx carries the timeout,
		// the body's read included.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.r.timeout)
		defer cancel()
		if w.nc.trace == nil {
			w.nc.w = w
			w.nc.trace = &httptrace.ClientTrace{GotConn: w.nc.gotConn}
		}
		ctx = httptrace.WithClientTrace(ctx, w.nc.trace)
	}
	var resp *http.Response
	for attempt := 0; ; attempt++ {
		w.nc.conn = nil
		var body io.Reader
		if req.Body != nil {
			body = bytes.NewReader(req.Body)
		}
		hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
		if err != nil {
			return err
		}
		if req.Header != nil { // NewRequest's own is empty, not nil, as RoundTrip needs
			hr.Header = req.Header
		}
		if t != nil && hr.URL.User == nil { // the client sets Authorization from user info
			resp, err = t.std.RoundTrip(hr)
			w.nc.returned()
		} else {
			resp, err = w.r.cfg.Client.Do(hr)
		}
		if err == nil {
			break
		}
		if attempt < 2 && ctx.Err() == nil && w.nc.sentNothing() {
			// net/http gave up on a kept connection that was closed
			// under this request before a byte of it was written (it
			// resends only idempotent requests, and a PUT is not one):
			// nothing reached the target, so send it on a new one.
			continue
		}
		return strictError(err)
	}
	defer resp.Body.Close()
	if err := checkHead(resp); err != nil {
		return err // Close ends a 101's connection, which net/http handed over as the body
	}
	res.Response.Status = resp.StatusCode
	res.Response.ContentType = resp.Header.Get("Content-Type")
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		res.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	if resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusNotModified {
		// net/http reads no body after them, whatever the head says.
		if announced(resp) {
			res.Response.Announced = true
			if w.nc.conn != nil && resp.ProtoMajor == 1 {
				_ = w.nc.conn.Close() // its bytes may follow: not to be reused
			}
		}
		return nil
	}
	return strictError(w.readBody(resp.Body, resp.ContentLength, res))
}

// readBody reads a response body into res: up to MaxBodyBytes kept, up to
// maxDrain more counted. It ends at the body's io.EOF; any other error, an
// io.ErrUnexpectedEOF from a body cut short included, is the answer's.
func (w *worker) readBody(body io.Reader, length int64, res *Result) error {
	size := w.body.max
	if length >= 0 {
		size = int(min(length, int64(size)))
	}
	buf := w.body.room(size)[:size]
	n := 0
	var err error
	for n < len(buf) && err == nil {
		var k int
		k, err = body.Read(buf[n:])
		n += k
	}
	res.Response.Body = buf[:n]
	res.Response.BodyLen = int64(n)
	switch {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return err
	}
	rest, err := io.Copy(io.Discard, io.LimitReader(body, w.body.drain))
	res.Response.BodyLen += rest
	return err // past the drain the body is cut: Close ends the connection
}

// checkHead refuses what net/http takes but RFC 9110 and the lean engine
// do not: a field name that is not a token (space before the colon), a
// status that is not three digits from 100 (net/http reads "+04" as 4), a
// control character in the reason, and a final 1xx (a 101, whose body
// net/http hands over as the raw connection, outside any deadline).
func checkHead(resp *http.Response) error {
	for k := range resp.Header {
		if !validToken(k) { // net/http keeps "Name : value" as the field "Name " (go.dev/issue/34540)
			return fmt.Errorf("%w: header field %q", errMalformed, k)
		}
	}
	s := resp.Status
	if s == "" { // a RoundTripper other than net/http's may leave it empty
		s = strconv.Itoa(resp.StatusCode)
	}
	ok := len(s) >= 3 && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && resp.StatusCode >= 100 &&
		(len(s) == 3 || s[3] == ' ' && validValue([]byte(s[4:])))
	switch {
	case !ok:
		return fmt.Errorf("%w: status %q", errMalformed, s)
	case resp.StatusCode < 200:
		return fmt.Errorf("%w: a final %s to a request that asked for no upgrade", errMalformed, s)
	}
	return nil
}

// announced reports whether resp's head announced a body: a Content-Length
// above 0, or chunked coding.
func announced(resp *http.Response) bool {
	if n, err := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); err == nil && n > 0 {
		return true
	}
	for _, te := range resp.TransferEncoding {
		if strings.EqualFold(te, "chunked") {
			return true
		}
	}
	return false
}

// netHTTPMalformed are the messages of the errors net/http gives for a
// response that breaks HTTP/1.1's syntax or framing; net/http exports no
// type for most of them.
var netHTTPMalformed = []string{
	"malformed HTTP", "bad Content-Length", "invalid empty Content-Length",
	"multiple Content-Length", "transfer encoding", "chunked line", "chunk length",
	"chunked encoding", "header line too long",
}

// strictError marks net/http's errors for a broken response or a head too
// large with errMalformed or errHeadTooLarge, as the lean engine's are.
func strictError(err error) error {
	if err == nil {
		return nil
	}
	var pe textproto.ProtocolError
	msg := err.Error()
	switch {
	case strings.Contains(msg, "server response headers exceeded"):
		return fmt.Errorf("%w: %w", errHeadTooLarge, err)
	case errors.As(err, &pe):
		return fmt.Errorf("%w: %w", errMalformed, err)
	}
	for _, m := range netHTTPMalformed {
		if strings.Contains(msg, m) {
			return fmt.Errorf("%w: %w", errMalformed, err)
		}
	}
	return err
}

// maxRetryAfter is the longest Retry-After kept: 2^31 seconds, the value
// RFC 9111 (section 1.2.2) has a cache take for a delta-seconds too large
// to represent. A longer one saturates rather than wraps.
const maxRetryAfter = time.Duration(1<<31) * time.Second

// parseRetryAfter reads a Retry-After header: delay-seconds (digits only)
// or an HTTP date. It returns 0 when the header is absent or unreadable,
// and at most maxRetryAfter.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, ok := parseDigits([]byte(v)); ok {
		return time.Duration(min(s, int64(maxRetryAfter/time.Second))) * time.Second
	}
	if digitsOnly(v) {
		return maxRetryAfter // more digits than parseDigits takes
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}

// digitsOnly reports whether v is all decimal digits.
func digitsOnly(v string) bool {
	for i := range len(v) {
		if !isDigit(v[i]) {
			return false
		}
	}
	return v != ""
}
