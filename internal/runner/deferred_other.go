//go:build !linux

package runner

import (
	"context"
	"errors"
	"time"
)

// Deferred reads need epoll and kernel receive timestamps; elsewhere the open
// model reads through Go's netpoller, a wake-up per response.

type deferredReads struct{}

func newDeferredReads() (*deferredReads, error) { return nil, errors.New("deferred reads need Linux") }

func (r *deferredReads) poll()               {}
func (r *deferredReads) sleep(time.Duration) {}
func (r *deferredReads) close()              {}
func (r *deferredReads) dial(context.Context, string, time.Time) (*deferredConn, func() bool, error) {
	return nil, nil, errors.New("deferred reads need Linux")
}

type deferredConn struct{}

func (c *deferredConn) SetDeadline(time.Time) error              { return nil }
func (c *deferredConn) Close() error                             { return nil }
func (c *deferredConn) Read([]byte) (int, error)                 { return 0, errors.New("unreachable") }
func (c *deferredConn) Write([]byte) (int, error)                { return 0, errors.New("unreachable") }
func (c *deferredConn) idle()                                    {}
func (c *deferredConn) received(time.Time) (time.Duration, bool) { return 0, false }
