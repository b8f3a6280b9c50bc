//go:build linux

package runner

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// deferredConn is a worker's connection whose reads wait on the deferred
// reads of its run rather than on Go's netpoller.
type deferredConn struct {
	r    *deferredReads
	fd   int
	co   *coroutine // the worker's, when it runs as a coroutine; else it waits on wake
	wake chan struct{}
	werr error // why the last wake ended the wait; written before the wake is sent

	// Under r.mu.
	waiting, armed, inR, inW, closed bool
	deadline                         int64 // the table's nanoseconds; 0 for none

	active atomic.Bool // a request is on the connection (written, answer not all read)
	fresh  bool        // a request was just written: wait before the first read
	io     rawIO       // with the kernel's receive timestamps
}

var _ conn = (*deferredConn)(nil)

// dial connects to addr with a socket the deferred reads read, for a worker
// that is the coroutine co (nil: a goroutine). When ctx is cancelled the
// connection's deadline moves into the past, which ends any wait in
// progress; stop unregisters that hook.
func (r *deferredReads) dial(ctx context.Context, addr string, deadline time.Time, co *coroutine) (c conn, stop func() bool, err error) {
	opErr := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Err: err} }
	ta, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return nil, nil, opErr(err)
	}
	family, sa := unix.AF_INET, unix.Sockaddr(nil)
	if ip4 := ta.IP.To4(); ip4 != nil {
		sa = &unix.SockaddrInet4{Port: ta.Port, Addr: [4]byte(ip4)}
	} else {
		family = unix.AF_INET6
		sa6 := &unix.SockaddrInet6{Port: ta.Port, Addr: [16]byte(ta.IP.To16())}
		if ta.Zone != "" {
			if ifi, err := net.InterfaceByName(ta.Zone); err == nil {
				sa6.ZoneId = uint32(ifi.Index)
			}
		}
		sa = sa6
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, opErr(os.NewSyscallError("socket", err))
	}
	_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1)
	_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, 30)
	_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, 30)
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		r.stamps.Store(false)
	}
	dc := &deferredConn{r: r, fd: fd, co: co, wake: make(chan struct{}, 1), io: rawIO{stamps: true}}
	r.mu.Lock()
	r.conns[fd] = dc
	r.mu.Unlock()
	_ = dc.SetDeadline(deadline)
	stop = context.AfterFunc(ctx, func() { _ = dc.SetDeadline(aLongTimeAgo) })
	dc.active.Store(true)
	err = unix.Connect(fd, sa)
	if errors.Is(err, unix.EINPROGRESS) {
		if err = r.await(dc, true); err == nil {
			var soerr int
			if soerr, err = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); err == nil && soerr != 0 {
				err = syscall.Errno(soerr)
			}
		}
	}
	if err != nil {
		stop()
		_ = dc.Close()
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		var errno syscall.Errno
		if errors.As(err, &errno) {
			err = os.NewSyscallError("connect", errno)
		}
		return nil, nil, &net.OpError{Op: "dial", Net: "tcp", Addr: ta, Err: err}
	}
	return dc, stop, nil
}

// SetDeadline sets the deadline of every wait; one in the past ends the wait
// in progress.
func (c *deferredConn) SetDeadline(t time.Time) error {
	r := c.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if t.IsZero() {
		c.deadline = 0
		return nil
	}
	c.deadline = max(int64(t.Sub(r.epoch)), 1)
	if c.waiting && r.now() >= c.deadline {
		r.wakeLocked(c, os.ErrDeadlineExceeded)
	}
	return nil
}

// Close closes the socket; the kernel takes it out of both epoll sets.
func (c *deferredConn) Close() error {
	r := c.r
	r.mu.Lock()
	if c.closed {
		r.mu.Unlock()
		return net.ErrClosed
	}
	c.closed = true
	delete(r.conns, c.fd)
	r.setArmedLocked(c, false) // closing the socket takes it out of wfd
	if c.waiting {
		r.wakeLocked(c, net.ErrClosed)
	}
	r.mu.Unlock()
	return unix.Close(c.fd)
}

// Write writes p whole; a full send buffer waits on the deferred reads.
func (c *deferredConn) Write(p []byte) (int, error) {
	c.active.Store(true)
	written := 0
	for {
		n, e := c.io.write(c.fd, p[written:])
		written += n
		switch e {
		case 0:
			c.fresh = true
			return written, nil
		case unix.EAGAIN:
			if err := c.r.await(c, true); err != nil {
				return written, err
			}
		default:
			return written, os.NewSyscallError("write", e)
		}
	}
}

// Read reads what has arrived, waiting on the deferred reads when nothing
// has. The kernel's timestamp of the data read is kept for answered.
func (c *deferredConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if c.fresh {
		// An answer does not come back within a system call's time: wait
		// for the poll rather than try a read that would find nothing.
		c.fresh = false
		if err := c.r.await(c, false); err != nil {
			return 0, err
		}
	}
	for {
		n, e := c.io.read(c.fd, p)
		switch {
		case e == unix.EAGAIN:
			if err := c.r.await(c, false); err != nil {
				return 0, err
			}
		case e != 0:
			return 0, os.NewSyscallError("read", e)
		case n == 0:
			return 0, io.EOF
		default:
			return n, nil
		}
	}
}

// answered marks the end of a request (its answer is read) and returns when
// the last data read arrived, as an offset from start: the kernel's
// timestamp moved onto the monotonic clock. ok is false when the kernel gave
// no timestamp.
func (c *deferredConn) answered(start time.Time) (at time.Duration, ok bool) {
	c.active.Store(false)
	if c.io.rx == 0 {
		return 0, false
	}
	now := time.Now()
	age := now.UnixNano() - c.io.rx
	c.io.rx = 0
	return now.Sub(start) - time.Duration(max(age, 0)), true
}

// idle reports what waits on the connection between two requests.
func (c *deferredConn) idle() waiting { return c.io.peek(c.fd) }
