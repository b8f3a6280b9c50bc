package runner

import (
	"bufio"
	"context"
	"io"
	"net"
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
	last     time.Time     // when its last response was read
	deadline time.Time     // the deadline set on it, reused while later than a request's own
	io       io.ReadWriter // c itself, or its raw system-call reader and writer (sock)
}

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
	err := w.exchange(ctx, wr, deadline, res)
	if err == nil {
		return nil
	}
	w.closeConn()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// exchange writes wr on the worker's connection, dialled if need be, and
// reads its response into res.
func (w *worker) exchange(ctx context.Context, wr *wire, deadline time.Time, res *Result) error {
	lc := w.lc
	if lc != nil && lc.addr != wr.addr {
		w.closeConn()
		lc = nil
	}
	if lc == nil {
		var err error
		if lc, err = w.dial(ctx, wr.addr, deadline); err != nil {
			return err
		}
	}
	if lc.deadline.Before(deadline) {
		// Setting a deadline costs a runtime timer update; one set a little
		// past the timeout serves the requests of the next timeout/64, so
		// that a request times out between 1 and 65/64 timeouts after it
		// was sent.
		d := deadline.Add(w.r.timeout / 64)
		if err := lc.c.SetDeadline(d); err != nil {
			return err
		}
		lc.deadline = d
	}
	if ctx.Err() != nil { // a cancel before SetDeadline was overwritten by it
		return ctx.Err()
	}
	if _, err := lc.io.Write(wr.bytes); err != nil {
		return err
	}
	m := &w.msg
	if err := readResponse(lc.br, wr.head, &w.body, m); err != nil {
		return err
	}
	res.Response = Response{Status: m.status, ContentType: m.contentType, Body: m.body, BodyLen: m.bodyLen}
	res.RetryAfter = m.retryAfter
	if tc, ok := lc.c.(*deferredConn); ok {
		// Read when the scheduler woke; arrived when the kernel says.
		tc.idle()
		if at, ok := tc.received(w.r.start); ok {
			res.Done = at
		}
	}
	// lc.last is set by the caller, with the response's end.
	if m.close {
		w.closeConn()
	}
	return nil
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

// peerClosed reports whether the server has closed the idle connection, when
// the platform can tell without blocking; elsewhere a connection closed while
// idle shows as a transport error of the next request.
func (lc *leanConn) peerClosed() bool {
	if s, ok := lc.io.(interface{ peerClosed() bool }); ok {
		return s.peerClosed()
	}
	return false
}
