package runner

import (
	"context"
	"iter"
)

// Workers as coroutines of the scheduler.
//
// With deferred reads on one processor (GOMAXPROCS 1, a generator pinned to
// one core), the open model's workers are coroutines (iter.Pull) of the
// scheduler rather than goroutines. The scheduler hands a worker its request
// by resuming it: the worker checks its connection and writes the request
// there and then, on the scheduler's thread, and hands control back when it
// would wait for the answer. When the scheduler's poll finds the answer (or
// a deadline passes), it resumes the worker again, which reads, parses,
// judges and records it, and goes idle. The code a worker runs is the same
// as a goroutine's (worker.do); only its waits differ (deferredReads.await).
//
// That is the open model as one event loop, as wrk2 runs it: no goroutine is
// made runnable for a request, so the runtime's scheduler is not involved,
// and a switch to a coroutine and back costs a fifth of a hand-off over a
// channel (185 ns against 800 on the machine of bench/README.md). With more
// than one processor the workers stay goroutines, which the runtime spreads
// over them.

// coroutine is one worker run as a coroutine.
type coroutine struct {
	next    func() (struct{}, bool)
	stop    func()
	yield   func(struct{}) bool
	job     hit
	stopped bool // stop was called: the worker is to end
}

// startCoWorker makes the worker of slot s a coroutine, idle.
func (r *Runner) startCoWorker(ctx context.Context, p *pool, s *slot, id int) {
	wk := r.newWorker(id)
	co := &coroutine{}
	wk.co, s.co = co, co
	co.next, co.stop = iter.Pull(func(yield func(struct{}) bool) {
		co.yield = yield
		defer wk.close()
		for co.suspend() {
			wk.do(ctx, co.job)
			p.put(s)
		}
	})
	co.resume() // to its first suspend: idle
}

// resume runs the coroutine until it suspends. It is the scheduler's.
func (co *coroutine) resume() { co.next() }

// suspend hands control back to the scheduler until it resumes the
// coroutine. It returns false once the coroutine is stopped.
func (co *coroutine) suspend() bool {
	if !co.stopped && !co.yield(struct{}{}) {
		co.stopped = true
	}
	return !co.stopped
}
