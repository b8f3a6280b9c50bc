package runner

import (
	"net"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// peeker tells whether the peer of an idle connection has closed it (or
// reset it, or sent bytes nobody asked for), by peeking at the socket without
// blocking: one system call, nothing consumed, no allocation.
type peeker struct {
	raw    syscall.RawConn
	fn     func(fd uintptr) bool // made once, so a peek allocates nothing
	b      [1]byte
	closed bool
}

// newPeeker returns a peeker for c, or nil when c has no file descriptor.
func newPeeker(c net.Conn) *peeker {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	p := &peeker{raw: raw}
	p.fn = func(fd uintptr) bool {
		_, _, errno := unix.Syscall6(unix.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&p.b[0])), 1,
			unix.MSG_PEEK|unix.MSG_DONTWAIT, 0, 0)
		switch errno {
		case unix.EAGAIN, unix.EINTR:
			p.closed = false // alive and quiet: the usual case
		default:
			p.closed = true // a reset, or no error: EOF or stray bytes
		}
		return true // never wait for readiness
	}
	return p
}

// peerClosed reports whether the connection is no longer fit to send on.
func (p *peeker) peerClosed() bool {
	if p == nil {
		return false
	}
	p.closed = false
	if err := p.raw.Read(p.fn); err != nil {
		return true
	}
	return p.closed
}
