//go:build linux

package runner

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawIO makes a socket's reads, writes and peeks as raw system calls on its
// non-blocking descriptor. They never block, so they need not go through
// the runtime's blocking-syscall path, which on a mostly idle generator
// wakes the runtime's monitor thread on every call: two context switches per
// request, a third of the CPU a request cost at 5,000/s. Waiting for
// readiness is the caller's: Go's netpoller (sock) or the deferred reads
// (deferredConn). A rawIO's buffers are made once per connection, so
// nothing is allocated per call.
type rawIO struct {
	stamps bool  // read with recvmsg and keep the kernel's receive timestamp (SO_TIMESTAMPNS)
	rx     int64 // wall-clock nanoseconds the kernel stamped the last data read with; 0 if none

	iov   unix.Iovec
	msg   unix.Msghdr
	oob   [64]byte
	peekB [1]byte
}

// read reads once into p (not empty): n > 0 bytes read; n == 0 with errno 0
// the peer's end of stream; errno EAGAIN nothing yet.
func (s *rawIO) read(fd int, p []byte) (n int, errno syscall.Errno) {
	for {
		var r uintptr
		if s.stamps {
			s.iov.Base = &p[0]
			s.iov.SetLen(len(p))
			s.msg.Iov, s.msg.Iovlen = &s.iov, 1
			s.msg.Control = &s.oob[0]
			s.msg.SetControllen(len(s.oob))
			r, _, errno = unix.RawSyscall(unix.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&s.msg)), unix.MSG_DONTWAIT)
			if errno == 0 && r > 0 {
				if ts, ok := rxStamp(s.oob[:s.msg.Controllen]); ok {
					s.rx = ts
				}
			}
		} else {
			r, _, errno = unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
		}
		switch errno {
		case 0:
			return int(r), 0
		case unix.EINTR:
			continue
		}
		return 0, errno
	}
}

// write writes as much of p as the send buffer takes: n bytes written, and
// errno EAGAIN when the buffer filled before the end of p.
func (s *rawIO) write(fd int, p []byte) (n int, errno syscall.Errno) {
	for n < len(p) {
		r, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&p[n])), uintptr(len(p)-n))
		switch e {
		case 0:
			n += int(r)
		case unix.EINTR:
		default:
			return n, e
		}
	}
	return n, 0
}

// peek reports what waits on the socket between two requests, without
// blocking and without consuming it: one system call.
func (s *rawIO) peek(fd int) waiting {
	for {
		r, _, e := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(&s.peekB[0])), 1,
			unix.MSG_PEEK|unix.MSG_DONTWAIT, 0, 0)
		switch {
		case e == unix.EAGAIN:
			return nothingWaiting
		case e == unix.EINTR:
			continue
		case e == 0 && r > 0:
			return strayBytes
		}
		return peerGone // end of stream, reset, or another error: not reusable
	}
}

// rxStamp returns the SO_TIMESTAMPNS receive time in the control messages
// oob, in wall-clock nanoseconds.
func rxStamp(oob []byte) (int64, bool) {
	for len(oob) >= unix.SizeofCmsghdr {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		l := int(h.Len)
		if l < unix.SizeofCmsghdr || l > len(oob) {
			return 0, false
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_TIMESTAMPNS &&
			l >= unix.CmsgLen(int(unsafe.Sizeof(unix.Timespec{}))) {
			ts := (*unix.Timespec)(unsafe.Pointer(&oob[unix.CmsgLen(0)]))
			return ts.Nano(), true
		}
		oob = oob[min(unix.CmsgSpace(l-unix.CmsgLen(0)), len(oob)):]
	}
	return 0, false
}
