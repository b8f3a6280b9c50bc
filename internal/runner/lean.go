package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// The lean HTTP/1.1 engine. Each worker owns at most one kept-alive
// connection and sends one request at a time on it: the pre-rendered bytes
// of the request in one write, then the response read straight from the
// socket on the worker's own goroutine. There is no connection pool to lock,
// no per-request goroutine, context, timer or header map, and in the steady
// state no allocation; the per-request timeout is the connection's deadline.
// net/http costs about twice the CPU per request on a small loopback
// exchange (bench/README.md has the profiles).

// leanConn is a worker's connection: a net.Conn read through Go's netpoller,
// or (open model, Linux) a deferredConn read through the deferred reads.
type leanConn struct {
	c interface {
		SetDeadline(time.Time) error
		Close() error
	}
	addr     string
	br       *bufio.Reader
	stop     func() bool   // unregisters the cancel hook
	used     bool          // a response has been read on it before
	last     time.Time     // when its last response was read
	deadline time.Time     // the deadline set on it, reused while later than a request's own
	io       io.ReadWriter // c itself, or its raw system-call reader and writer (sock)
	close    bool          // the server asked to close it, or the body was left unread
}

// maxHeadLine bounds a line of a response head; the bufio.Reader's size.
const maxHeadLine = 8 << 10

// maxHeadLines bounds the number of lines of a response head.
const maxHeadLines = 200

// errMalformed marks a response the engine cannot read as HTTP/1.1.
var errMalformed = errors.New("malformed HTTP response")

// aLongTimeAgo is a deadline in the past: it fails every pending I/O at once.
var aLongTimeAgo = time.Unix(1, 0)

// idlePeek is how long a kept connection must have sat idle before it is
// peeked at for a close: servers close kept connections on an idle timeout
// (seconds), or say "Connection: close" with the last response, which the
// engine honours; a connection used a moment ago is not worth a system call
// per request when the load runs back to back.
const idlePeek = time.Millisecond

// roundTripLean sends the rendered request wr and reads its response into
// res. Nothing is ever sent twice: a kept connection the server has closed
// while it sat idle is found out before the request is written (see
// peerClosed) and replaced, and every failure after the write — a reset, an
// EOF, a timeout, a broken response — is the target's answer, and recorded.
// (net/http resends a PUT on a closed kept connection only when nothing was
// written either.)
func (w *worker) roundTripLean(ctx context.Context, wr *wire, res *Result, now time.Time) error {
	if wr.err != nil {
		return wr.err
	}
	deadline := now.Add(w.r.timeout)
	if lc := w.lc; lc != nil && (lc.br.Buffered() > 0 || (now.Sub(lc.last) > idlePeek && lc.peerClosed())) {
		w.closeConn() // closed while idle, or unasked-for bytes: not reusable
	}
	_, _, err := w.exchange(ctx, wr, deadline, res)
	if err == nil {
		return nil
	}
	w.closeConn()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// exchange does one attempt of roundTripLean. reused says whether the
// connection had served a request before, started whether any byte of the
// response was read.
func (w *worker) exchange(ctx context.Context, wr *wire, deadline time.Time, res *Result) (reused, started bool, err error) {
	lc := w.lc
	if lc != nil && lc.addr != wr.addr {
		w.closeConn()
		lc = nil
	}
	if lc == nil {
		if lc, err = w.dial(ctx, wr.addr, deadline); err != nil {
			return false, false, err
		}
	}
	reused = lc.used
	if lc.deadline.Before(deadline) {
		// Setting a deadline costs a runtime timer update; one set a little
		// past the timeout serves the requests of the next timeout/64, so
		// that a request times out between 1 and 65/64 timeouts after it
		// was sent.
		d := deadline.Add(w.r.timeout / 64)
		if err := lc.c.SetDeadline(d); err != nil {
			return reused, false, err
		}
		lc.deadline = d
	}
	if ctx.Err() != nil { // a cancel before SetDeadline was overwritten by it
		return reused, false, ctx.Err()
	}
	if _, err := lc.io.Write(wr.bytes); err != nil {
		return reused, false, err
	}
	started, err = w.readResponse(lc, wr.head, res)
	if err != nil {
		return reused, started, err
	}
	if tc, ok := lc.c.(*deferredConn); ok {
		// Read when the scheduler woke; arrived when the kernel says.
		tc.idle()
		if at, ok := tc.received(w.r.start); ok {
			res.Done = at
		}
	}
	lc.used = true // lc.last is set by the caller, with the response's end
	if lc.close {
		w.closeConn()
	}
	return reused, true, nil
}

// dial opens the worker's connection to addr. When ctx is cancelled the
// connection's deadline is moved into the past, which ends any read or
// write in progress.
func (w *worker) dial(ctx context.Context, addr string, deadline time.Time) (*leanConn, error) {
	if d := w.r.deferred; d != nil {
		tc, stop, err := d.dial(ctx, addr, deadline)
		if err != nil {
			return nil, err
		}
		if w.br == nil {
			w.br = bufio.NewReaderSize(tc, maxHeadLine)
		} else {
			w.br.Reset(tc)
		}
		w.lc = &leanConn{c: tc, io: tc, addr: addr, br: w.br, stop: stop}
		return w.lc, nil
	}
	d := net.Dialer{Deadline: deadline, KeepAlive: 30 * time.Second}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	rw := newSock(c)
	if w.br == nil {
		w.br = bufio.NewReaderSize(rw, maxHeadLine)
	} else {
		w.br.Reset(rw)
	}
	lc := &leanConn{c: c, io: rw, addr: addr, br: w.br}
	lc.stop = context.AfterFunc(ctx, func() { _ = c.SetDeadline(aLongTimeAgo) })
	w.lc = lc
	return lc, nil
}

// closeConn closes the worker's connection, if it has one.
func (w *worker) closeConn() {
	if w.lc == nil {
		return
	}
	w.lc.stop()
	_ = w.lc.c.Close()
	w.lc = nil
}

// readResponse reads one response (skipping 1xx interim responses) into
// res: status, Content-Type, Retry-After and the body up to MaxBodyBytes,
// counting the rest. It reports whether any byte of a response was read.
func (w *worker) readResponse(lc *leanConn, head bool, res *Result) (started bool, err error) {
	br := lc.br
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			if len(line) > 0 || started {
				return true, unexpected(err)
			}
			return false, err
		}
		started = true
		status, http11, err := parseStatusLine(line)
		if err != nil {
			return true, err
		}
		res.Response.Status = status
		h, err := w.readHeader(br, status, res)
		if err != nil {
			return true, err
		}
		if status >= 100 && status < 200 && status != 101 {
			continue // 100 Continue and the like: the real response follows
		}
		lc.close = h.close || (!http11 && !h.keepAlive)
		switch {
		case head, status == 204, status == 304, status < 200:
			res.Response.Body = w.buf[:0]
			return true, nil
		case h.chunked:
			return true, w.readChunked(lc, res)
		case h.length >= 0:
			return true, w.readBody(lc, res, h.length)
		default:
			lc.close = true // the body ends when the server closes
			return true, w.readBody(lc, res, -1)
		}
	}
}

// header is what the engine keeps of a response head.
type header struct {
	length           int64 // Content-Length; -1 when absent
	chunked          bool
	close, keepAlive bool // Connection: close / keep-alive
}

// readHeader reads header lines up to the blank line that ends the head.
func (w *worker) readHeader(br *bufio.Reader, status int, res *Result) (header, error) {
	h := header{length: -1}
	for range maxHeadLines {
		line, err := br.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				return h, fmt.Errorf("%w: a header line is longer than %d bytes", errMalformed, maxHeadLine)
			}
			return h, unexpected(err)
		}
		line = trimCRLF(line)
		if len(line) == 0 {
			return h, nil
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return h, fmt.Errorf("%w: header line %q", errMalformed, line)
		}
		name, value := line[:colon], bytes.Trim(line[colon+1:], " \t")
		switch {
		case asciiEqualFold(name, "content-length"):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 || (h.length >= 0 && n != h.length) {
				return h, fmt.Errorf("%w: Content-Length %q", errMalformed, value)
			}
			h.length = n
		case asciiEqualFold(name, "transfer-encoding"):
			h.chunked = hasToken(value, "chunked")
		case asciiEqualFold(name, "connection"):
			h.close = h.close || hasToken(value, "close")
			h.keepAlive = h.keepAlive || hasToken(value, "keep-alive")
		case asciiEqualFold(name, "content-type"):
			if string(value) != w.contentType { // no allocation when it repeats
				w.contentType = string(value)
			}
			res.Response.ContentType = w.contentType
		case asciiEqualFold(name, "retry-after"):
			if status == 429 || status == 503 {
				res.RetryAfter = parseRetryAfter(string(value), time.Now())
			}
		}
	}
	return h, fmt.Errorf("%w: more than %d header lines", errMalformed, maxHeadLines)
}

// readBody reads a body of n bytes (until EOF when n < 0): up to
// MaxBodyBytes kept, up to maxDrain more read and counted; past that the connection is
// closed rather than drained.
func (w *worker) readBody(lc *leanConn, res *Result, n int64) error {
	keep := w.r.cfg.MaxBodyBytes
	if n >= 0 {
		keep = int(min(n, int64(keep)))
	}
	got, err := io.ReadFull(lc.br, w.room(keep)[:keep])
	res.Response.Body = w.buf[:got]
	res.Response.BodyLen = int64(got)
	if n < 0 {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil
		}
		if err != nil {
			return err
		}
		rest, err := io.Copy(io.Discard, io.LimitReader(lc.br, maxDrain))
		res.Response.BodyLen += rest
		if rest == maxDrain {
			lc.close = true
		}
		return err
	}
	if err != nil {
		return unexpected(err)
	}
	left := n - int64(got)
	if left == 0 {
		return nil
	}
	if left > maxDrain {
		lc.close = true
		left = maxDrain
	}
	rest, err := lc.br.Discard(int(left))
	res.Response.BodyLen += int64(rest)
	return unexpected(err)
}

// readChunked reads a chunked body (RFC 9112 section 7.1) like readBody.
func (w *worker) readChunked(lc *leanConn, res *Result) error {
	br := lc.br
	kept, total := 0, int64(0)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return unexpected(err)
		}
		line = trimCRLF(line)
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i] // chunk extensions
		}
		size, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 64)
		if err != nil || size < 0 {
			return fmt.Errorf("%w: chunk size %q", errMalformed, line)
		}
		if size == 0 {
			break
		}
		if total+size > int64(w.r.cfg.MaxBodyBytes)+maxDrain {
			lc.close = true
			res.Response.Body, res.Response.BodyLen = w.buf[:kept], total
			return nil
		}
		take := int(min(size, int64(w.r.cfg.MaxBodyBytes-kept)))
		w.room(kept + take)
		if _, err := io.ReadFull(br, w.buf[kept:kept+take]); err != nil {
			return unexpected(err)
		}
		kept += take
		if _, err := br.Discard(int(size) - take); err != nil {
			return unexpected(err)
		}
		total += size
		if err := expectCRLF(br); err != nil {
			return err
		}
	}
	for range maxHeadLines { // trailers, up to the blank line
		line, err := br.ReadSlice('\n')
		if err != nil {
			return unexpected(err)
		}
		if len(trimCRLF(line)) == 0 {
			res.Response.Body, res.Response.BodyLen = w.buf[:kept], total
			return nil
		}
	}
	return fmt.Errorf("%w: too many trailer lines", errMalformed)
}

// expectCRLF reads the line end after a chunk's data.
func expectCRLF(br *bufio.Reader) error {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return unexpected(err)
	}
	if len(trimCRLF(line)) != 0 {
		return fmt.Errorf("%w: chunk data longer than its size", errMalformed)
	}
	return nil
}

// parseStatusLine reads "HTTP/1.x NNN reason".
func parseStatusLine(line []byte) (status int, http11 bool, err error) {
	line = trimCRLF(line)
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' ||
		(len(line) > 12 && line[12] != ' ') {
		return 0, false, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return 0, false, fmt.Errorf("%w: status line %q", errMalformed, line)
		}
		status = status*10 + int(c-'0')
	}
	if status < 100 {
		return 0, false, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	return status, line[7] != '0', nil
}

// unexpected turns an EOF in the middle of a response into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func trimCRLF(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// asciiEqualFold reports whether b equals the lower-case ASCII s, ignoring case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// hasToken reports whether the comma-separated list v holds the lower-case
// token t, ignoring case.
func hasToken(v []byte, t string) bool {
	for len(v) > 0 {
		var item []byte
		item, v, _ = bytes.Cut(v, []byte(","))
		if asciiEqualFold(bytes.Trim(item, " \t"), t) {
			return true
		}
	}
	return false
}

// peerClosed reports whether the server has closed the idle connection, when
// the platform can tell without blocking; elsewhere a connection closed while
// idle shows as a transport error of the next request.
func (lc *leanConn) peerClosed() bool {
	if s, ok := lc.io.(interface{ peerClosed() bool }); ok {
		return s.peerClosed()
	}
	return false
}
