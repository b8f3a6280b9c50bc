package runner

import (
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sock reads and writes a worker's socket with raw system calls through the
// connection's syscall.RawConn: the runtime's poller still waits for
// readiness and still honours the deadlines (the per-request timeout and
// the run's cancellation), but a read or write of a non-blocking socket does
// not go through the runtime's blocking-syscall path, which on a mostly idle
// generator wakes the runtime's monitor thread on every call: two context
// switches per request, a third of the CPU a request cost at 5,000/s. The
// closures are made once per connection, so nothing is allocated per call.
type sock struct {
	c   net.Conn
	raw syscall.RawConn

	p      []byte // the buffer of the call in progress
	n      int
	errno  syscall.Errno
	readFn func(fd uintptr) bool
	sendFn func(fd uintptr) bool
	peekFn func(fd uintptr) bool
	peekB  [1]byte
}

// newSock returns the raw reader and writer of c, or a plain one when c has
// no file descriptor.
func newSock(c net.Conn) io.ReadWriter {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return c
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return c
	}
	s := &sock{c: c, raw: raw}
	s.readFn = func(fd uintptr) bool {
		for {
			n, _, e := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&s.p[0])), uintptr(len(s.p)))
			switch e {
			case unix.EINTR:
				continue
			case unix.EAGAIN:
				return false // let the poller wait for data
			}
			s.n, s.errno = int(n), e
			return true
		}
	}
	s.sendFn = func(fd uintptr) bool {
		for len(s.p) > 0 {
			n, _, e := unix.RawSyscall(unix.SYS_WRITE, fd, uintptr(unsafe.Pointer(&s.p[0])), uintptr(len(s.p)))
			switch e {
			case 0:
				s.n += int(n)
				s.p = s.p[n:]
			case unix.EINTR:
			case unix.EAGAIN:
				return false // let the poller wait for room
			default:
				s.errno = e
				return true
			}
		}
		return true
	}
	s.peekFn = func(fd uintptr) bool {
		_, _, e := unix.RawSyscall6(unix.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&s.peekB[0])), 1,
			unix.MSG_PEEK|unix.MSG_DONTWAIT, 0, 0)
		s.errno = e // EAGAIN: alive and quiet; anything else: reset, EOF or stray bytes
		return true // never wait
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
	err := s.raw.Write(s.sendFn)
	if err == nil && s.errno != 0 {
		err = os.NewSyscallError("write", s.errno)
	}
	return s.n, err
}

// peerClosed reports whether the peer of an idle connection has closed it
// (or reset it, or sent bytes nobody asked for), by peeking at the socket
// without blocking: one system call, nothing consumed.
func (s *sock) peerClosed() bool {
	s.errno = 0
	if err := s.raw.Read(s.peekFn); err != nil {
		return true
	}
	return s.errno != unix.EAGAIN
}
