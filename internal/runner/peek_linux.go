package runner

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// peerClosed reports whether the peer of an idle connection has closed it
// (or reset it, or sent bytes nobody asked for), by peeking at the socket
// without blocking: one system call, nothing consumed.
func peerClosed(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	closed := false
	var b [1]byte
	_ = rc.Read(func(fd uintptr) bool {
		n, _, err := unix.Recvfrom(int(fd), b[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
		switch {
		case err == unix.EAGAIN || err == unix.EINTR:
			closed = false // alive and quiet: the usual case
		case err != nil, n == 0, n > 0:
			closed = true // reset, EOF, or stray bytes
		}
		return true // never wait for readiness
	})
	return closed
}
