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
// socket on the worker's own goroutine (http1.go parses it). There is no
// connection pool to lock, no per-request goroutine, context, timer or
// header map, and in the steady state no allocation; the per-request timeout
// is the connection's deadline. net/http costs about twice the CPU per
// request on a small loopback exchange (bench/README.md has the profiles).

// conn is what the lean engine needs of a worker's connection: a socket
// read through Go's netpoller (sock; plainConn where raw system calls are
// not to be had) or, in the open model on Linux, through the deferred reads
// (deferredConn).
type conn interface {
	io.ReadWriter
	// SetDeadline sets the deadline of every read and write; one in the
	// past ends those in progress.
	SetDeadline(t time.Time) error
	Close() error
	// idle reports what waits on the connection between two requests,
	// without blocking and without consuming it.
	idle() waiting
	// answered marks the request on the connection answered, and returns
	// when its last bytes arrived, as an offset from start, when the
	// kernel stamped them (ok); otherwise the answer is timed when read.
	answered(start time.Time) (at time.Duration, ok bool)
}

// waiting is what sits on a kept connection between two requests.
type waiting uint8

const (
	nothingWaiting waiting = iota // alive and quiet: reusable
	peerGone                      // closed or reset by the server
	strayBytes                    // bytes nobody asked for
)

// plainConn is a net.Conn as a conn: it cannot tell what waits on it, and
// its answers are timed when read.
type plainConn struct{ net.Conn }

func (plainConn) idle() waiting                            { return nothingWaiting }
func (plainConn) answered(time.Time) (time.Duration, bool) { return 0, false }

// leanConn is a worker's connection and what the engine knows of it.
type leanConn struct {
	c        conn
	addr     string
	br       *bufio.Reader
	stop     func() bool // unregisters the cancel hook
	deadline time.Time   // the deadline set on it, reused while later than a request's own
	close    bool        // the server asked to close it, or the body was left unread
}

// aLongTimeAgo is a deadline in the past: it fails every pending I/O at once.
var aLongTimeAgo = time.Unix(1, 0)

// roundTripLean sends the rendered request wr and reads its response into
// res. Nothing is ever sent twice, and nothing is read as an answer that
// was there before the request: before a kept connection is reused it is
// checked (buffered bytes, then one non-blocking peek at the socket), and a
// connection the server closed while it sat idle is replaced, one holding
// bytes nobody asked for is counted (Summary.Unsolicited) and replaced.
// Every failure after the write — a reset, an EOF, a timeout, a broken
// response — is the target's answer, and recorded. (net/http resends a PUT
// on a closed kept connection only when nothing was written either.)
func (w *worker) roundTripLean(ctx context.Context, wr *wire, res *Result, now time.Time) error {
	if wr.err != nil {
		return wr.err
	}
	if lc := w.lc; lc != nil {
		state := strayBytes
		if lc.br.Buffered() == 0 {
			state = lc.c.idle()
		}
		switch state {
		case strayBytes:
			w.r.unsolicited.Add(1)
			w.closeConn()
		case peerGone:
			w.closeConn()
		}
	}
	err := w.exchange(ctx, wr, now.Add(w.r.timeout), res)
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
	if _, err := lc.c.Write(wr.bytes); err != nil {
		return err
	}
	m := &w.msg
	if err := readResponse(lc.br, wr.head, &w.body, m); err != nil {
		return err
	}
	res.Response = Response{Status: m.status, ContentType: m.contentType, Body: m.body, BodyLen: m.bodyLen,
		Announced: m.announced}
	res.RetryAfter = m.retryAfter
	// Read when the scheduler woke (deferred reads); arrived when the
	// kernel says.
	if at, ok := lc.c.answered(w.r.start); ok {
		res.Done = at
	}
	if m.close {
		w.closeConn()
	}
	return nil
}

// dial opens the worker's connection to addr. When ctx is cancelled the
// connection's deadline is moved into the past, which ends any read or
// write in progress.
func (w *worker) dial(ctx context.Context, addr string, deadline time.Time) (*leanConn, error) {
	var (
		c    conn
		stop func() bool
	)
	if d := w.r.deferred; d != nil {
		var err error
		if c, stop, err = d.dial(ctx, addr, deadline, w.co); err != nil {
			return nil, err
		}
	} else {
		d := net.Dialer{Deadline: deadline, KeepAlive: 30 * time.Second}
		nc, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		c = newSock(nc)
		stop = context.AfterFunc(ctx, func() { _ = nc.SetDeadline(aLongTimeAgo) })
	}
	if w.br == nil {
		w.br = bufio.NewReaderSize(c, readBufSize)
	} else {
		w.br.Reset(c)
	}
	w.lc = &leanConn{c: c, addr: addr, br: w.br, stop: stop}
	return w.lc, nil
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
