package runner

import (
	"context"
	"errors"
	"net"
	"net/http/httptrace"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// The net/http engine's view of its connections: which one a request got
// (httptrace's GotConn), whether it may be reused, and whether a byte of
// the request was written on it.

// countConn is a connection of the net/http engine that counts the bytes
// written on it, so that a request whose connection failed under it can be
// known to have sent nothing.
type countConn struct {
	net.Conn
	written atomic.Int64
	// given counts the requests net/http gave the connection; returned,
	// those whose RoundTrip has returned since.
	given, returned atomic.Int64
}

// countingDialer returns d's DialContext with every connection a countConn.
func countingDialer(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countConn{Conn: c}, nil
	}
}

// Write implements net.Conn, counting what was written.
func (c *countConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.written.Add(int64(n))
	return n, err
}

// SyscallConn gives the descriptor of the connection beneath, for the peek.
func (c *countConn) SyscallConn() (syscall.RawConn, error) {
	if sc, ok := c.Conn.(syscall.Conn); ok {
		return sc.SyscallConn()
	}
	return nil, errors.ErrUnsupported
}

// netConn is what a worker knows of the connection net/http gave its
// request in flight.
type netConn struct {
	w       *worker
	conn    net.Conn // as net/http gave it; nil before GotConn
	written int64    // what had been written on it when it was given
	trace   *httptrace.ClientTrace
}

// gotConn checks a kept connection before net/http writes on it: one the
// server closed, or one holding bytes nobody asked for (counted as
// Summary.Unsolicited), is closed, so that net/http, having written
// nothing, sends the request on a new one. Only plain HTTP/1.1 connections
// are checked: bytes waiting on a TLS or HTTP/2 connection may be the
// protocol's own.
//
// net/http hands a connection on a moment before it hands the answer it
// just read on it to that answer's request; a close in between would fail
// that request although its answer came. So the close waits (a bounded
// spin) until every request given the connection before has returned.
func (nc *netConn) gotConn(info httptrace.GotConnInfo) {
	nc.conn = info.Conn
	cc, ok := info.Conn.(*countConn)
	if !ok {
		return
	}
	nc.written = cc.written.Load()
	before := cc.given.Add(1) - 1
	if !info.Reused || !nc.w.r.transport.checkReuse {
		return
	}
	state := peekConn(cc)
	if state == nothingWaiting {
		return
	}
	for start := time.Now(); cc.returned.Load() < before && time.Since(start) < handOver; {
		runtime.Gosched()
	}
	if state == strayBytes {
		nc.w.r.unsolicited.Add(1)
	}
	_ = cc.Close()
}

// handOver bounds the wait of gotConn for net/http to hand an answer over.
const handOver = 10 * time.Millisecond

// returned records that the request net/http last gave a connection to
// has returned from RoundTrip.
func (nc *netConn) returned() {
	if cc, ok := nc.conn.(*countConn); ok {
		cc.returned.Add(1)
	}
}

// sentNothing reports whether the request that just failed wrote nothing
// on the connection net/http last gave it. net/http retries a request on
// another connection only when it wrote nothing on the one before, so
// then no byte of the request reached the target.
func (nc *netConn) sentNothing() bool {
	cc, ok := nc.conn.(*countConn)
	return ok && cc.written.Load() == nc.written
}
