//go:build !linux

package runner

import (
	"context"
	"errors"
	"time"
)

// Deferred reads need epoll and kernel receive timestamps; elsewhere the open
// model reads through Go's netpoller, a wake-up per response.

type reactor struct{}

func newReactor() (*reactor, error) { return nil, errors.New("deferred reads need Linux") }

func (r *reactor) tick()               {}
func (r *reactor) sleep(time.Duration) {}
func (r *reactor) close()              {}
func (r *reactor) dial(context.Context, string, time.Time) (*tickConn, func() bool, error) {
	return nil, nil, errors.New("deferred reads need Linux")
}

type tickConn struct{}

func (c *tickConn) SetDeadline(time.Time) error              { return nil }
func (c *tickConn) Close() error                             { return nil }
func (c *tickConn) Read([]byte) (int, error)                 { return 0, errors.New("unreachable") }
func (c *tickConn) Write([]byte) (int, error)                { return 0, errors.New("unreachable") }
func (c *tickConn) idle()                                    {}
func (c *tickConn) received(time.Time) (time.Duration, bool) { return 0, false }
