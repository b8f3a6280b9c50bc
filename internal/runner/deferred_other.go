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

var errNoDeferredReads = errors.New("deferred reads need Linux")

func newDeferredReads() (*deferredReads, error) { return nil, errNoDeferredReads }

func (r *deferredReads) poll()                                       {}
func (r *deferredReads) sleep(time.Duration)                         {}
func (r *deferredReads) close()                                      {}
func (r *deferredReads) holdBelow() time.Duration                    { return 0 }
func (r *deferredReads) runReady()                                   {}
func (r *deferredReads) setKick(func())                              {}
func (r *deferredReads) offload(_ *coroutine, fn func() error) error { return fn() }
func (r *deferredReads) dial(context.Context, string, time.Time, *coroutine) (conn, func() bool, error) {
	return nil, nil, errNoDeferredReads
}
