//go:build !linux

package runner

import "net"

// peeker cannot peek without blocking on this platform; a kept connection
// closed while idle then shows as a transport error.
type peeker struct{}

func newPeeker(net.Conn) *peeker { return nil }

func (*peeker) peerClosed() bool { return false }
