//go:build !linux

package runner

import (
	"net"
	"syscall"
)

// newSock returns c as a conn. Raw system calls and the peek at an idle
// connection are Linux's; elsewhere a connection closed while idle shows as
// a transport error of the next request.
func newSock(c net.Conn) conn { return plainConn{c} }

// peekConn cannot tell: see newSock.
func peekConn(syscall.Conn) waiting { return nothingWaiting }
