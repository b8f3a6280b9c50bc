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
	// wait returns when since() ≥ until (waitDue), when ctx is done
	// (waitCanceled), or when interrupt was called (waitInterrupted). A
	// wait of hold or less may be made holding the processor (see
	// preciseWaiter.wait); 0 never holds it.
	wait(ctx context.Context, until, hold time.Duration) waitResult
	// interrupt ends the wait in progress, or the next one, early. It may
	// be called from any goroutine.
	interrupt()
	close()
}

// waitResult is how a wait ended.
type waitResult uint8

const (
	waitDue         waitResult = iota // the time came
	waitCanceled                      // the run's context ended
	waitInterrupted                   // interrupt was called
)

// newWaiter returns the waiter of kind t for a run whose offsets are
// measured by since. A precise waiter that cannot be had falls back to the
// runtime's timers.
func newWaiter(ctx context.Context, t Timer, since func() time.Duration) waiter {
	if t == TimerPrecise {
		if w, err := newPreciseWaiter(ctx, since); err == nil {
			return w
		}
	}
	return newRuntimeWaiter(since, make(chan struct{}, 1))
}

// runtimeWaiter sleeps on a time.Timer.
type runtimeWaiter struct {
	since func() time.Duration
	t     *time.Timer
	kick  chan struct{} // interrupt's; buffered
}

func newRuntimeWaiter(since func() time.Duration, kick chan struct{}) *runtimeWaiter {
	return &runtimeWaiter{since: since, t: time.NewTimer(time.Hour), kick: kick}
}

func (w *runtimeWaiter) wait(ctx context.Context, until, _ time.Duration) waitResult {
	d := until - w.since()
	if d <= 0 {
		if ctx.Err() != nil {
			return waitCanceled
		}
		return waitDue
	}
	w.t.Reset(d)
	select {
	case <-ctx.Done():
		return waitCanceled
	case <-w.kick:
		return waitInterrupted
	case <-w.t.C:
		return waitDue
	}
}

func (w *runtimeWaiter) interrupt() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

func (w *runtimeWaiter) close() { w.t.Stop() }
