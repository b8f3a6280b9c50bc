package runner

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// runOpen schedules requests with the pacer and hands them to a pool of
// MaxInFlight workers. It reports whether ctx ended the run early.
func (r *Runner) runOpen(ctx context.Context) bool {
	if r.transport != nil && r.transport.lean && !r.cfg.NoDeferredReads {
		if re, err := newDeferredReads(); err == nil {
			r.deferred = re
			defer func() { re.close(); r.deferred = nil }()
		}
	}
	w := newWaiter(ctx, r.cfg.Timer, r.since)
	defer w.close()
	p := newPool(r.cfg.MaxInFlight)
	if r.coroutines() {
		return r.runOpenCo(ctx, p, w)
	}
	var wg sync.WaitGroup
	for id := range r.cfg.MaxInFlight {
		wg.Add(1)
		s := &p.slots[id]
		s.hits = make(chan hit, 1)
		go func() {
			defer wg.Done()
			wk := r.newWorker(id)
			defer wk.close()
			for h := range s.hits {
				wk.do(ctx, h)
				p.put(s)
			}
		}()
	}
	interrupted := r.schedule(ctx, p, w)
	r.scheduleEnd.Store(int64(time.Since(r.start)))
	r.deferred.sleep(-1) // nothing wakes the scheduler any more: answers wake the process
	for i := range p.slots {
		close(p.slots[i].hits) // each worker stops once idle
	}
	wg.Wait()
	return interrupted
}

// runOpenCo is runOpen with the workers as coroutines of the scheduler
// (coworker.go). After the schedule it resumes the workers as their answers
// come, until every one is idle.
func (r *Runner) runOpenCo(ctx context.Context, p *pool, w waiter) bool {
	r.deferred.setKick(w.interrupt)
	for id := range p.slots {
		r.startCoWorker(ctx, p, &p.slots[id], id)
	}
	defer func() {
		for i := range p.slots {
			p.slots[i].co.stop() // each worker closes its connection
		}
	}()
	interrupted := r.schedule(ctx, p, w)
	r.scheduleEnd.Store(int64(time.Since(r.start)))
	for !p.allIdle() {
		// Answers, deadlines and a cancel now come through the poller,
		// which interrupts the wait.
		r.deferred.sleep(-1)
		w.wait(context.Background(), untilInterrupted, 0)
		r.deferred.runReady()
	}
	return interrupted
}

// pool hands each request to the worker that went idle last. Its connection
// was used a moment ago, so it is warm and needs no check for an idle close,
// and at a moderate rate a handful of workers and connections do all the
// work; a first-in-first-out hand-off would cycle through every worker.
type pool struct {
	slots []slot
	mu    sync.Mutex
	idle  []*slot       // a stack: the last worker to go idle is on top
	freed chan struct{} // a worker went idle (a hint for a scheduler waiting for one)
}

// slot is one worker's place in the pool: a goroutine takes its requests
// from hits, a coroutine is resumed with one.
type slot struct {
	hits chan hit
	co   *coroutine
}

func newPool(n int) *pool {
	p := &pool{slots: make([]slot, n), idle: make([]*slot, n), freed: make(chan struct{}, 1)}
	for i := range p.slots {
		p.idle[n-1-i] = &p.slots[i] // every worker starts idle, worker 0 on top
	}
	return p
}

// put marks s idle.
func (p *pool) put(s *slot) {
	p.mu.Lock()
	p.idle = append(p.idle, s)
	p.mu.Unlock()
	select {
	case p.freed <- struct{}{}:
	default:
	}
}

// get returns the last worker to go idle, or nil when every one is busy.
func (p *pool) get() *slot {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.idle)
	if n == 0 {
		return nil
	}
	s := p.idle[n-1]
	p.idle = p.idle[:n-1]
	return s
}

// allIdle reports whether no worker has a request.
func (p *pool) allIdle() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.idle) == len(p.slots)
}

// hand gives h to the idle worker s: a coroutine runs at once, until it
// waits for its answer.
func (s *slot) hand(h hit) {
	if s.co != nil {
		s.co.job = h
		s.co.resume()
		return
	}
	s.hits <- h // buffered: the worker is idle and takes it
}

// untilInterrupted is a wait's end that never comes: the wait ends when
// interrupted (or cancelled).
const untilInterrupted = time.Duration(1 << 62)

// pollEvery is the least time between two polls of the deferred reads while
// the scheduler sends back to back without sleeping.
const pollEvery = 50 * time.Microsecond

// yieldEvery: the scheduler lets the workers run after handing out this many
// requests without sleeping; a scheduler catching up would otherwise hand
// out a backlog to workers that cannot send it until it sleeps.
const yieldEvery = 8

// maxBatch bounds how many requests Slack sends on one wake-up.
const maxBatch = 64

// schedule runs the open-model schedule, handing each request to an idle
// worker of p when due. Every request due by the time the scheduler wakes
// goes out in one batch, and with Slack so do those due within Slack after
// the one it woke for. Each wake-up also hands on the answers that arrived
// since the last one (deferred reads).
//
// A request late by more than DefaultCatchUpAfter is "catching up": it goes
// out no sooner than 1/(CatchUp × rate) after the previous one was meant to,
// so that after a stall the backlog drains at a bounded rate rather than in
// one burst. Its scheduled time is kept, so its latency still counts the
// whole wait.
//
// Late counts the requests the scheduler itself dispatched more than
// MaxOvershoot after it meant to (their due time, or the catch-up pace).
// That pace is chained from the previous request's intended time, not from
// when it actually went out, so a scheduler that cannot keep up, however
// slightly, falls further behind it with every request and is flagged. Time
// spent waiting for a free worker in queue mode is the target's doing: after
// such a wait the pace restarts from the moment the worker was free.
func (r *Runner) schedule(ctx context.Context, p *pool, w waiter) (interrupted bool) {
	var intended time.Duration // when the previous request was meant to go out
	var polled time.Duration   // when the deferred reads were last polled
	// The wake-up in progress, with Slack: its due time, the last due time
	// it may take along, and how many requests it took.
	var batchDue, batchEnd time.Duration = 0, -1
	var batchN int
	var burst int // requests handed out since the scheduler last slept or yielded
	for n := uint64(0); ; n++ {
		if r.cfg.Requests > 0 && n >= r.cfg.Requests {
			return false
		}
		due, stop := due(r.cfg.Pacer, n)
		if stop || (r.cfg.Duration > 0 && due >= r.cfg.Duration) {
			return false
		}
		now := r.since()
		earliest := due
		if now-due > DefaultCatchUpAfter {
			if rate := r.cfg.Pacer.Rate(due); rate > 0 {
				earliest = max(due, intended+seconds(1/(r.cfg.CatchUp*rate)))
			}
		}
		scheduled := due
		switch {
		case earliest > now && r.cfg.Slack > 0 && earliest == due && due <= batchEnd && batchN < maxBatch:
			// Due within Slack after the request just sent: it goes out
			// with it, early, and its clock starts at that request's due
			// time, so that its latency hides nothing of its wait.
			scheduled = batchDue
			batchN++
		default:
			if earliest > now {
				if !r.sleepUntil(ctx, w, earliest, now) {
					return true
				}
				now = r.since()
				burst = 0
			}
			if r.cfg.Slack > 0 && earliest == due {
				batchDue, batchEnd, batchN = due, due+r.cfg.Slack, 1
			}
		}
		if r.deferred != nil && now-polled >= pollEvery {
			// Hand on the answers that arrived since the last wake-up.
			r.deferred.poll()
			r.deferred.runReady()
			polled = now
		}
		if now-earliest > r.cfg.MaxOvershoot {
			r.late.Add(1)
		}
		if ctx.Err() != nil {
			return true
		}
		h := r.hitFor(n, scheduled)
		intended = earliest
		sl := p.get()
		if sl == nil {
			// Every worker is busy.
			if r.cfg.Drop {
				r.recordDropped(h)
				r.scheduled.Add(1)
				continue
			}
			if sl = r.awaitFree(ctx, p, w); sl == nil {
				return true
			}
			intended = max(earliest, r.since())
			polled, batchEnd = 0, -1
		}
		sl.hand(h)
		r.scheduled.Add(1)
		if burst++; burst == yieldEvery && sl.co == nil {
			runtime.Gosched()
			burst = 0
		}
	}
}

// sleepUntil sleeps the scheduler until at (now is the time it was). A
// worker made ready meanwhile (a coroutine whose answer woke the poller)
// interrupts the sleep and is resumed. It returns false when ctx ended.
func (r *Runner) sleepUntil(ctx context.Context, w waiter, at, now time.Duration) bool {
	for {
		r.deferred.sleep(at - now)
		switch w.wait(ctx, at, r.holdBelow()) {
		case waitDue:
			return true
		case waitCanceled:
			return false
		}
		r.deferred.runReady()
		now = r.since()
	}
}

// holdBelow returns how short a wait of the scheduler must be to be made
// holding the processor; 0: never.
func (r *Runner) holdBelow() time.Duration {
	if r.cfg.ServesTarget {
		return 0
	}
	return r.deferred.holdBelow()
}

// awaitFree waits until a worker of p is idle and returns it, or nil when
// ctx ended first. Meanwhile every answer wakes the process.
func (r *Runner) awaitFree(ctx context.Context, p *pool, w waiter) *slot {
	for {
		r.deferred.sleep(-1)
		if sl := p.get(); sl != nil {
			return sl
		}
		if p.slots[0].co != nil {
			// Coroutines go idle only when resumed: the poller's
			// interrupts say when.
			if w.wait(ctx, untilInterrupted, 0) == waitCanceled {
				return nil
			}
			r.deferred.runReady()
			continue
		}
		select {
		case <-p.freed:
		case <-ctx.Done():
			return nil
		}
	}
}

// recordDropped records a request the schedule skipped for want of a free slot.
func (r *Runner) recordDropped(h hit) {
	r.dropped.Add(1)
	res := Result{Seq: h.seq, Req: h.req, Scheduled: h.scheduled, Sent: h.scheduled, Done: h.scheduled,
		Dropped: true, Warmup: h.scheduled < r.cfg.Warmup}
	// The scheduler records under its own index, one past the workers'.
	r.cfg.Recorder.Record(r.cfg.Workers(), &res)
}
