package runner

import (
	"context"
	"time"
)

// Timer is how the open-model scheduler sleeps until the next request is due.
type Timer uint8

// The timers.
const (
	// TimerPrecise wakes within microseconds of the due time: on Linux a
	// kernel timer (timerfd) that Go's netpoller waits on, elsewhere
	// TimerRuntime. It is the default.
	TimerPrecise Timer = iota
	// TimerRuntime uses Go's runtime timers. When the process is otherwise
	// idle they wake up to a millisecond late (the netpoller sleeps in whole
	// milliseconds), which shows as lag at rates above a few hundred per
	// second. It is the timer that testing/synctest's fake clock drives.
	TimerRuntime
)

// String returns "precise" or "runtime".
func (t Timer) String() string {
	if t == TimerRuntime {
		return "runtime"
	}
	return "precise"
}

// waiter sleeps the scheduler until an offset from the start of the run.
type waiter interface {
	// wait returns when since() ≥ until (true) or when ctx is done (false).
	wait(ctx context.Context, until time.Duration) bool
	close()
}

// newWaiter returns the waiter of kind t for a run whose offsets are
// measured by since. A precise waiter that cannot be had falls back to the
// runtime's timers.
func newWaiter(ctx context.Context, t Timer, since func() time.Duration) waiter {
	if t == TimerPrecise {
		if w, err := newPreciseWaiter(ctx, since); err == nil {
			return w
		}
	}
	return &runtimeWaiter{since: since, t: time.NewTimer(time.Hour)}
}

// runtimeWaiter sleeps on a time.Timer.
type runtimeWaiter struct {
	since func() time.Duration
	t     *time.Timer
}

func (w *runtimeWaiter) wait(ctx context.Context, until time.Duration) bool {
	d := until - w.since()
	if d <= 0 {
		return ctx.Err() == nil
	}
	w.t.Reset(d)
	select {
	case <-ctx.Done():
		return false
	case <-w.t.C:
		return true
	}
}

func (w *runtimeWaiter) close() { w.t.Stop() }
