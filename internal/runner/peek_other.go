//go:build !linux

package runner

import "net"

// peerClosed cannot peek without blocking on this platform; a kept
// connection closed while idle then shows as a transport error.
func peerClosed(net.Conn) bool { return false }
