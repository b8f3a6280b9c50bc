//go:build linux

package runner

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Deferred reads: how the open model reads its responses with one wake-up
// of the process per wake-up of the scheduler, instead of one more per
// response.
//
// On this kind of machine a wake-up of an idle process costs more CPU than
// the request itself (bench/README.md measures about 30 µs on the VM the
// figures come from). A connection Go's netpoller watches wakes the process
// for every response, on top of the scheduler's own wake-up for every send.
// The open model's connections are therefore kept out of Go's netpoller:
//
//   - every socket with a request in flight sits in a private epoll set
//     (level-triggered) that the scheduler polls, without waiting, each time
//     it wakes to send; a worker whose response has arrived is handed on;
//   - the kernel stamps each segment it receives (SO_TIMESTAMPNS), so a
//     response read a few hundred microseconds after it arrived is still
//     timed from its arrival, to the microsecond: latency does not depend on
//     when it is read;
//   - when the scheduler will not wake within farSleep (a low rate, the end of
//     the schedule, a wait for a free worker in queue mode), the sockets
//     with a worker waiting are armed, one-shot, in a second epoll set that
//     Go's netpoller does watch, so a response then wakes the process at once;
//   - timeouts and the run's cancellation wake a waiting worker through the
//     same table;
//   - a worker that is a coroutine of the scheduler (coworker.go) is not
//     woken but put on a list the scheduler resumes (runReady); when that
//     happens off the scheduler's goroutine (the poller, a cancel), the
//     scheduler's sleep is interrupted (kick).
//
// A connection whose kernel cannot timestamp reads is always armed, so it
// behaves like a netpoller connection. The closed model keeps netpoller
// connections: it sends the next request the moment a response is read, and
// its process is busy, not woken. (Deferred reads for it, every socket
// registered edge-triggered so that a worker skips the read that finds
// nothing after each write, saved that system call and no CPU: the hop
// through the poller goroutine cost as much.)

// farSleep is how far off the scheduler's next wake-up must be for waiting
// sockets to be armed to wake the process. Below it, a response waits at most
// this long to be read (its time is the kernel's, not the read's), holding
// its worker that much longer.
const farSleep = time.Millisecond

// deferredReads is the table of deferred-read connections of one run.
type deferredReads struct {
	epoch time.Time // deadlines are nanoseconds since epoch, on the monotonic clock

	rfd    int      // epoll of sockets in use, level-triggered: polled, never waited on
	wfd    int      // epoll of sockets armed to wake the process, one-shot
	wf     *os.File // wfd, registered with Go's netpoller
	wraw   syscall.RawConn
	waitFn func(fd uintptr) bool // made once: the poller allocates nothing
	wev    [64]unix.EpollEvent   // the poller goroutine's
	nw     int
	rev    [64]unix.EpollEvent // the scheduler's

	stamps atomic.Bool // the kernel timestamps received data on these sockets
	far    atomic.Bool // the scheduler sleeps past farSleep: waiting sockets are armed; set under mu

	mu          sync.Mutex
	conns       map[int]*deferredConn // by descriptor
	minDeadline int64                 // earliest deadline of a waiting connection; 0 for none
	pollerDl    int64                 // the poller's read deadline; 0 for none
	closed      bool

	// Workers run as coroutines of the scheduler (coworker.go): a worker
	// whose wait ends is put on ready, and the scheduler resumes it.
	ready, spare []*coroutine // under mu; spare is runReady's other buffer
	inPoll       bool         // under mu: the scheduler itself is waking workers
	kick         func()       // under mu: wakes the scheduler for a worker made ready elsewhere

	minDl        atomic.Int64 // minDeadline, for the scheduler's check without the lock
	armedWaiting atomic.Int32 // sockets armed in wfd with a worker waiting on them; changed under mu
	done         chan struct{}
}

// newDeferredReads returns a running table, or an error when the platform
// cannot give one (the caller then uses netpoller connections).
func newDeferredReads() (*deferredReads, error) {
	rfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	wfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		_ = unix.Close(rfd)
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	if err := unix.SetNonblock(wfd, true); err != nil {
		_ = unix.Close(rfd)
		_ = unix.Close(wfd)
		return nil, fmt.Errorf("epoll: %w", err)
	}
	r := &deferredReads{epoch: time.Now(), rfd: rfd, wfd: wfd, conns: make(map[int]*deferredConn), done: make(chan struct{})}
	r.stamps.Store(true)
	// A non-blocking descriptor makes a pollable File: the poller goroutine
	// parks in Go's netpoller until an armed socket is ready.
	r.wf = os.NewFile(uintptr(wfd), "epoll")
	if r.wraw, err = r.wf.SyscallConn(); err == nil {
		err = r.wf.SetReadDeadline(time.Time{}) // the poller's timeouts need a pollable file
	}
	if err != nil {
		_ = unix.Close(rfd)
		_ = r.wf.Close()
		return nil, fmt.Errorf("epoll: %w", err)
	}
	r.waitFn = func(fd uintptr) bool {
		n, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, fd, uintptr(unsafe.Pointer(&r.wev[0])),
			uintptr(len(r.wev)), 0, 0, 0)
		if e != 0 || n == 0 {
			r.nw = 0
			return e != 0 && e != unix.EINTR && e != unix.EAGAIN
		}
		r.nw = int(n)
		return true
	}
	go r.poller()
	return r, nil
}

// now returns the table's clock: nanoseconds since its epoch.
func (r *deferredReads) now() int64 { return int64(time.Since(r.epoch)) }

// poller waits for armed sockets and the earliest deadline, and hands each
// ready socket to its worker.
func (r *deferredReads) poller() {
	defer close(r.done)
	for {
		err := r.wraw.Read(r.waitFn)
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			r.nw = 0
		case err != nil:
			return // closed
		}
		r.mu.Lock()
		for i := range r.nw {
			if c := r.conns[int(r.wev[i].Fd)]; c != nil {
				r.setArmedLocked(c, false)
				if c.waiting {
					r.wakeLocked(c, nil)
				}
			}
		}
		r.expireLocked(r.now())
		r.mu.Unlock()
	}
}

// poll is the scheduler's: it has woken to send. Every waiting worker whose
// socket has data, or whose deadline has passed, is handed on.
func (r *deferredReads) poll() {
	n, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(r.rfd), uintptr(unsafe.Pointer(&r.rev[0])),
		uintptr(len(r.rev)), 0, 0, 0)
	if e != 0 {
		n = 0
	}
	dl := r.minDl.Load()
	expire := dl != 0 && r.now() >= dl
	if n == 0 && !expire {
		if r.far.Load() {
			r.far.Store(false)
		}
		return
	}
	r.far.Store(false)
	r.mu.Lock()
	r.inPoll = true
	for i := range int(n) {
		c := r.conns[int(r.rev[i].Fd)]
		switch {
		case c == nil:
		case c.waiting:
			r.wakeLocked(c, nil)
		case !c.active.Load() && c.inR:
			// Readable with no request on it: the server closed an idle
			// connection, or sent what nobody asked for. Out of the polled
			// set, so that it is not reported on every poll; the worker's
			// check before its next request finds it out.
			_ = unix.EpollCtl(r.rfd, unix.EPOLL_CTL_DEL, c.fd, nil)
			c.inR = false
		}
	}
	if expire {
		r.expireLocked(r.now())
	}
	r.inPoll = false
	r.mu.Unlock()
}

// sleep is the scheduler's: it is about to sleep for d (d < 0: until a worker
// frees up, or for good). Past farSleep, waiting sockets are armed so that a
// response wakes the process, and so are those of workers that wait later.
func (r *deferredReads) sleep(d time.Duration) {
	if r == nil || (d >= 0 && d <= farSleep) {
		return
	}
	r.mu.Lock()
	r.far.Store(true)
	for _, c := range r.conns {
		if c.waiting && !c.armed {
			r.armLocked(c, unix.EPOLLIN)
		}
	}
	r.mu.Unlock()
}

// holdBelow returns how short the scheduler's waits must be for it to
// make them holding its processor (preciseWaiter.wait): farSleep while every
// answer is read when the scheduler wakes and timed by the kernel, and no
// socket is armed to wake the poller goroutine, which would have to wait for
// the processor; 0 otherwise. (A socket armed while idle does not count: an
// event on it wakes no worker.)
func (r *deferredReads) holdBelow() time.Duration {
	if r == nil || !r.stamps.Load() || r.armedWaiting.Load() != 0 {
		return 0
	}
	return farSleep
}

// armLocked arms c to wake the poller once for events.
func (r *deferredReads) armLocked(c *deferredConn, events uint32) {
	ev := unix.EpollEvent{Events: events | unix.EPOLLRDHUP | unix.EPOLLONESHOT, Fd: int32(c.fd)}
	op := unix.EPOLL_CTL_ADD
	if c.inW {
		op = unix.EPOLL_CTL_MOD
	}
	if err := unix.EpollCtl(r.wfd, op, c.fd, &ev); err == nil {
		c.inW = true
		r.setArmedLocked(c, true)
	}
}

// setArmedLocked and setWaitingLocked set c's flags and keep count of the
// sockets that are both.
func (r *deferredReads) setArmedLocked(c *deferredConn, armed bool) {
	if c.armed != armed && c.waiting {
		r.armedWaiting.Add(count(armed))
	}
	c.armed = armed
}

func (r *deferredReads) setWaitingLocked(c *deferredConn, waiting bool) {
	if c.waiting != waiting && c.armed {
		r.armedWaiting.Add(count(waiting))
	}
	c.waiting = waiting
}

// count is +1 for true, -1 for false.
func count(b bool) int32 {
	if b {
		return 1
	}
	return -1
}

// wakeLocked hands c back to its worker with err (nil: try again).
func (r *deferredReads) wakeLocked(c *deferredConn, err error) {
	r.setWaitingLocked(c, false)
	c.werr = err
	if c.co != nil {
		r.readyLocked(c.co)
		return
	}
	c.wake <- struct{}{} // buffered; a worker waits for one wake at a time
}

// readyLocked puts co on the list the scheduler resumes, and wakes the
// scheduler unless it is the one waking co.
func (r *deferredReads) readyLocked(co *coroutine) {
	r.ready = append(r.ready, co)
	if !r.inPoll && r.kick != nil {
		r.kick()
	}
}

// setKick sets what wakes the scheduler when a worker is made ready by
// another goroutine (the poller, a cancel).
func (r *deferredReads) setKick(kick func()) {
	r.mu.Lock()
	r.kick = kick
	r.mu.Unlock()
}

// runReady is the scheduler's: it resumes every worker made ready, until
// none is left. Each runs until it waits again or goes idle.
func (r *deferredReads) runReady() {
	for {
		r.mu.Lock()
		batch := r.ready
		r.ready, r.spare = r.spare[:0], batch
		r.mu.Unlock()
		if len(batch) == 0 {
			return
		}
		for _, co := range batch {
			co.resume()
		}
	}
}

// offload runs fn, which blocks, on a goroutine of its own, and suspends
// co until it returns: a request net/http sends (TLS) must not hold up the
// scheduler that runs co.
func (r *deferredReads) offload(co *coroutine, fn func() error) error {
	done := make(chan error, 1)
	go func() {
		done <- fn()
		r.mu.Lock()
		r.readyLocked(co)
		r.mu.Unlock()
	}()
	co.suspend()
	return <-done
}

// expireLocked wakes the waiting workers whose deadline has passed, and sets
// the poller's deadline to the next one.
func (r *deferredReads) expireLocked(now int64) {
	if r.minDeadline != 0 && now >= r.minDeadline {
		next := int64(0)
		for _, c := range r.conns {
			if !c.waiting || c.deadline == 0 {
				continue
			}
			if now >= c.deadline {
				r.wakeLocked(c, os.ErrDeadlineExceeded)
			} else if next == 0 || c.deadline < next {
				next = c.deadline
			}
		}
		r.minDeadline = next
		r.minDl.Store(next)
	}
	r.setPollerDeadlineLocked(r.minDeadline)
}

// setPollerDeadlineLocked makes the poller wake at dl (0: not for a deadline).
func (r *deferredReads) setPollerDeadlineLocked(dl int64) {
	if dl == r.pollerDl || r.closed {
		return
	}
	r.pollerDl = dl
	var t time.Time
	if dl != 0 {
		t = r.epoch.Add(time.Duration(dl))
	}
	_ = r.wf.SetReadDeadline(t)
}

// await parks c's worker until its socket may be ready (for writing when
// write is set), its deadline passes, or it is closed.
func (r *deferredReads) await(c *deferredConn, write bool) error {
	r.mu.Lock()
	switch {
	case c.closed:
		r.mu.Unlock()
		return net.ErrClosed
	case c.deadline != 0 && r.now() >= c.deadline:
		r.mu.Unlock()
		return os.ErrDeadlineExceeded
	}
	if !write && !c.inR {
		ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(c.fd)}
		if err := unix.EpollCtl(r.rfd, unix.EPOLL_CTL_ADD, c.fd, &ev); err == nil {
			c.inR = true
		}
	}
	r.setWaitingLocked(c, true)
	switch {
	case write:
		r.armLocked(c, unix.EPOLLOUT)
	case r.far.Load() || !c.inR || !r.stamps.Load():
		r.armLocked(c, unix.EPOLLIN)
	}
	if dl := c.deadline; dl != 0 && (r.minDeadline == 0 || dl < r.minDeadline) {
		r.minDeadline = dl
		r.minDl.Store(dl)
		r.setPollerDeadlineLocked(dl)
	}
	r.mu.Unlock()
	if c.co != nil {
		if !c.co.suspend() {
			return net.ErrClosed
		}
		return c.werr
	}
	<-c.wake
	return c.werr
}

// close stops the poller. Connections still open stay usable on their own.
func (r *deferredReads) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	_ = r.wf.Close()
	<-r.done
	_ = unix.Close(r.rfd)
}
