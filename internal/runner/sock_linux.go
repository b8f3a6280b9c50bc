//go:build linux

package runner

import (
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// sock is a worker's connection read through Go's netpoller with raw system
// calls (rawIO): the netpoller still waits for readiness and still honours
// the deadlines (the per-request timeout and the run's cancellation), but a
// read or write does not take the runtime's blocking-syscall path. The
// callbacks the netpoller calls are made once per connection.
type sock struct {
	c   net.Conn
	raw syscall.RawConn
	fd  int // c's descriptor, for the peek between requests
	io  rawIO

	// The call in progress.
	p     []byte
	n     int
	errno syscall.Errno

	readFn, writeFn func(fd uintptr) bool
}

var _ conn = (*sock)(nil)

// newSock returns c as a conn: a sock, or a plainConn when c has no file
// descriptor.
func newSock(c net.Conn) conn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return plainConn{c}
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return plainConn{c}
	}
	s := &sock{c: c, raw: raw, fd: -1}
	if err := raw.Control(func(fd uintptr) { s.fd = int(fd) }); err != nil {
		return plainConn{c}
	}
	s.readFn = func(fd uintptr) bool {
		n, e := s.io.read(int(fd), s.p)
		if e == unix.EAGAIN {
			return false // let the netpoller wait for data
		}
		s.n, s.errno = n, e
		return true
	}
	s.writeFn = func(fd uintptr) bool {
		n, e := s.io.write(int(fd), s.p[s.n:])
		s.n += n
		if e == unix.EAGAIN {
			return false // let the netpoller wait for room
		}
		s.errno = e
		return true
	}
	return s
}

// Read implements io.Reader.
func (s *sock) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	s.p, s.n, s.errno = p, 0, 0
	if err := s.raw.Read(s.readFn); err != nil {
		return 0, err // a deadline or a closed connection
	}
	switch {
	case s.errno != 0:
		return 0, os.NewSyscallError("read", s.errno)
	case s.n == 0:
		return 0, io.EOF
	}
	return s.n, nil
}

// Write implements io.Writer.
func (s *sock) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	s.p, s.n, s.errno = p, 0, 0
	err := s.raw.Write(s.writeFn)
	if err == nil && s.errno != 0 {
		err = os.NewSyscallError("write", s.errno)
	}
	return s.n, err
}

// SetDeadline sets the connection's read and write deadline.
func (s *sock) SetDeadline(t time.Time) error { return s.c.SetDeadline(t) }

// Close closes the connection.
func (s *sock) Close() error { return s.c.Close() }

// idle peeks at the socket between two requests. The peek never waits, so
// it need not go through the netpoller: one system call on the descriptor,
// which stays open while the worker holds the connection.
func (s *sock) idle() waiting { return s.io.peek(s.fd) }

// answered: a netpoller connection is timed when read.
func (s *sock) answered(time.Time) (time.Duration, bool) { return 0, false }

// peekConn reports what waits on c between two requests (see rawIO.peek).
func peekConn(c syscall.Conn) waiting {
	raw, err := c.SyscallConn()
	if err != nil {
		return nothingWaiting
	}
	var s rawIO
	w := nothingWaiting
	if err := raw.Control(func(fd uintptr) { w = s.peek(int(fd)) }); err != nil {
		return peerGone
	}
	return w
}
