package runner

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// spinBelow is the wait below which the precise waiter yields the processor
// in a loop instead of arming the kernel timer: arming and waking cost a few
// microseconds of system calls, more than such a wait.
const spinBelow = 20 * time.Microsecond

// maxSpins bounds that loop. A clock that does not move in that many
// yields, or across a wake of the kernel timer, is not the real one (it is
// testing/synctest's fake clock, which only advances when every goroutine
// of its bubble is blocked): the waiter then defers to the runtime's timers,
// which that clock drives.
const maxSpins = 1000

// preciseWaiter sleeps on a timerfd registered with Go's netpoller. The
// runtime's own timers round an idle sleep up to a whole millisecond; a
// timerfd fires on a high-resolution kernel timer without slack, so the
// scheduler wakes within microseconds of the due time without holding a
// thread or spinning.
type preciseWaiter struct {
	since func() time.Duration
	fd    int
	f     *os.File
	raw   syscall.RawConn       // f's, for reads that skip the blocking-syscall path
	read  func(fd uintptr) bool // made once: waiting allocates nothing
	errno syscall.Errno
	base  int64 // CLOCK_MONOTONIC nanoseconds at since() == 0
	stop  func() bool
	buf   [8]byte
	fake  *runtimeWaiter // set once the clock proved not to be the real one

	interrupted atomic.Bool   // interrupt was called; the wait in progress, or the next, returns
	kick        chan struct{} // interrupt's for fake
}

// newPreciseWaiter returns a timerfd waiter whose offsets are since's. A
// cancelled ctx fires the timer at once, so that a wait returns promptly.
func newPreciseWaiter(ctx context.Context, since func() time.Duration) (*preciseWaiter, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("timerfd_create: %w", err)
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		_ = unix.Close(fd)
		return nil, fmt.Errorf("clock_gettime: %w", err)
	}
	w := &preciseWaiter{since: since, fd: fd, base: ts.Nano() - int64(since()), kick: make(chan struct{}, 1)}
	// A non-blocking descriptor makes a pollable File: reads park the
	// goroutine in the netpoller instead of blocking a thread.
	w.f = os.NewFile(uintptr(fd), "timerfd")
	raw, err := w.f.SyscallConn()
	if err != nil {
		_ = w.f.Close()
		return nil, fmt.Errorf("timerfd: %w", err)
	}
	w.raw = raw
	w.read = func(fd uintptr) bool {
		_, _, e := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&w.buf[0])), uintptr(len(w.buf)))
		if e == unix.EAGAIN {
			return false // not fired yet: the poller waits
		}
		w.errno = e
		return true
	}
	w.stop = context.AfterFunc(ctx, func() { _ = w.arm(1, 0) })
	return w, nil
}

// readFired waits until the timer fires and consumes its count. The read
// and the arm are raw system calls: they never block, and the runtime's
// blocking-syscall path would wake its monitor thread on every call of a
// mostly idle generator, two context switches per request.
func (w *preciseWaiter) readFired() error {
	w.errno = 0
	if err := w.raw.Read(w.read); err != nil {
		return err
	}
	if w.errno != 0 {
		return os.NewSyscallError("read timerfd", w.errno)
	}
	return nil
}

// arm sets the timer to fire at the absolute monotonic time at (flags
// unix.TFD_TIMER_ABSTIME), or after at nanoseconds (flags 0).
func (w *preciseWaiter) arm(at int64, flags int) error {
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(at)}
	_, _, e := unix.RawSyscall6(unix.SYS_TIMERFD_SETTIME, uintptr(w.fd), uintptr(flags),
		uintptr(unsafe.Pointer(&spec)), 0, 0, 0)
	if e != 0 {
		return os.NewSyscallError("timerfd_settime", e)
	}
	return nil
}

// wait sleeps until since() ≥ until. A wait of hold or less is made holding
// the processor: the goroutines that are ready (workers that are
// goroutines, the collector, the progress line) run first, then the
// scheduler blocks on the timer in a raw system call. Nothing else of the
// process runs meanwhile (with GOMAXPROCS 1, as on a generator pinned to one
// core), but the wake-up at the due time goes straight to the scheduler: no
// pass through the runtime's scheduler and netpoller, no read of the timer,
// three system calls fewer per wake-up. With goroutine workers alone that
// was about a tenth less CPU per request at 1,000/s; with coroutine workers
// it is part of what bench/README.md measures ("Against wrk2"). The wait is
// short (farSleep), and a signal (the runtime's preemption, a Ctrl-C) ends
// it early, so the collector, the progress line and a cancel wait no longer
// than that.
func (w *preciseWaiter) wait(ctx context.Context, until, hold time.Duration) waitResult {
	spins := 0
	yielded := false
	for {
		if w.fake != nil {
			return w.fake.wait(ctx, until, 0)
		}
		if ctx.Err() != nil {
			return waitCanceled
		}
		if w.interrupted.Swap(false) {
			return waitInterrupted
		}
		now := w.since()
		left := until - now
		switch {
		case left <= 0:
			return waitDue
		case left <= hold && !yielded:
			yielded = true
			runtime.Gosched()
			continue
		case left < spinBelow && spins < maxSpins:
			spins++
			runtime.Gosched()
			continue
		}
		held := left <= hold
		// A held wait arms the timer for its length, not for the due time:
		// on a clock that is not the real one the two differ, and the
		// length is short.
		at, flags := w.base+int64(until), unix.TFD_TIMER_ABSTIME
		if held {
			at, flags = int64(left), 0
		}
		if err := w.arm(at, flags); err != nil {
			w.fallback()
			continue
		}
		// A cancel or an interrupt that came before the arm above was
		// overwritten by it; one that comes after fires the timer.
		if ctx.Err() != nil {
			return waitCanceled
		}
		if w.interrupted.Swap(false) {
			return waitInterrupted
		}
		var err error
		if held {
			err = w.block()
		} else {
			err = w.readFired()
		}
		if err != nil || w.since() == now {
			w.fallback()
		}
	}
}

// interrupt makes the wait in progress, or the next one, return
// waitInterrupted: it sets the flag the wait checks, then fires the timer.
func (w *preciseWaiter) interrupt() {
	w.interrupted.Store(true)
	_ = w.arm(1, 0)
	select {
	case w.kick <- struct{}{}: // for the runtime's timers, once they took over
	default:
	}
}

// block waits for the timer to fire in a raw ppoll: the thread keeps its
// processor. The expiry count is left unread: the next arm resets it, and a
// wait through the netpoller reads before it parks. A signal ends the wait
// early (EINTR), which the caller sees as a wake before the due time.
func (w *preciseWaiter) block() error {
	pfd := unix.PollFd{Fd: int32(w.fd), Events: unix.POLLIN}
	_, _, e := unix.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1, 0, 0, 0, 0)
	if e != 0 && e != unix.EINTR {
		return os.NewSyscallError("ppoll timerfd", e)
	}
	return nil
}

// fallback switches to the runtime's timers for good: the timerfd failed,
// which it should not, or the clock is not the real one.
func (w *preciseWaiter) fallback() {
	w.fake = newRuntimeWaiter(w.since, w.kick)
}

func (w *preciseWaiter) close() {
	w.stop()
	_ = w.f.Close()
	if w.fake != nil {
		w.fake.close()
	}
}
