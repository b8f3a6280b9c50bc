package runner

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Model is the load model of a run.
type Model string

// The load models.
const (
	Open   Model = "open"   // requests arrive on a schedule, whatever the target does
	Closed Model = "closed" // a fixed number of workers send back to back
)

// Defaults of Config.
const (
	DefaultMaxInFlight  = 256
	DefaultMaxBodyBytes = 64 << 10
	// DefaultCatchUp bounds the send rate while the schedule is behind: at
	// most this many times the current target rate.
	DefaultCatchUp = 2.0
	// DefaultCatchUpAfter is how late a request must be before the catch-up
	// bound applies; below it, late requests go out at once.
	DefaultCatchUpAfter = 10 * time.Millisecond
	// DefaultMaxOvershoot is how much later than allowed the scheduler may
	// dispatch a request before the request counts as the generator's fault.
	DefaultMaxOvershoot = 50 * time.Millisecond
	// DefaultMaxBehindFraction is the fraction of requests the generator may
	// dispatch late (past DefaultMaxOvershoot) before the run is invalid.
	DefaultMaxBehindFraction = 0.01
)

// Config describes one run. Its zero value is not runnable: Source, Recorder,
// Client and either Pacer (open) or Concurrency (closed) must be set.
type Config struct {
	Model    Model
	Pacer    Pacer         // open model
	Duration time.Duration // stop scheduling after this long; 0: when the pacer or Requests ends
	Requests uint64        // stop after this many requests; 0: no count limit
	Warmup   time.Duration // requests due before this are marked Warmup

	MaxInFlight int  // open model: at most this many requests in flight; 0 means DefaultMaxInFlight
	Drop        bool // open model: skip (and count) a request when none can go out, instead of queueing it

	Concurrency int           // closed model: the number of workers
	ThinkTime   time.Duration // closed model: pause between a worker's requests

	CatchUp      float64       // 0 means DefaultCatchUp
	MaxOvershoot time.Duration // 0 means DefaultMaxOvershoot
	// Slack lets the open-model scheduler send the requests due within this
	// long after a wake-up's own request on that wake-up, early: fewer
	// wake-ups, less CPU per request at high rates. A request sent early is
	// timed from the wake-up's due time (its Scheduled), so its latency
	// hides nothing; what changes is the spacing the target sees, by up to
	// Slack. 0 sends every request at its due time.
	Slack time.Duration
	Timer Timer // how the open-model scheduler sleeps; the zero value is TimerPrecise
	// NetpollReads makes the open model's lean engine wait for each answer
	// in Go's netpoller, as the closed model does: a wake-up of the process
	// per answer. By default (Linux) answers are read when the scheduler
	// next wakes and timed by the kernel's receive stamp; see tick_linux.go.
	NetpollReads bool
	MaxBodyBytes int // 0 means DefaultMaxBodyBytes

	Client   *http.Client
	Source   Source
	Recorder Recorder
}

// Validate rejects a configuration that cannot run.
func (c *Config) Validate() error {
	var errs []error
	switch c.Model {
	case Open:
		if c.Pacer == nil {
			errs = append(errs, errors.New("runner: open model needs a pacer"))
		}
	case Closed:
		if c.Concurrency < 1 {
			errs = append(errs, errors.New("runner: closed model needs concurrency ≥ 1"))
		}
	default:
		errs = append(errs, fmt.Errorf("runner: unknown model %q", c.Model))
	}
	if c.Duration <= 0 && c.Requests == 0 && c.Model == Closed {
		errs = append(errs, errors.New("runner: a closed-model run needs a duration or a request count"))
	}
	if c.MaxInFlight < 0 || c.MaxBodyBytes < 0 || c.CatchUp < 0 || c.MaxOvershoot < 0 {
		errs = append(errs, errors.New("runner: negative limits"))
	}
	if c.Source == nil || c.Recorder == nil || c.Client == nil {
		errs = append(errs, errors.New("runner: Source, Recorder and Client are required"))
	}
	return errors.Join(errs...)
}

// Workers returns the number of worker goroutines the run uses. Recorder
// calls carry an index in [0, Workers()]: one per worker, and Workers() itself
// for the scheduler's records of dropped requests.
func (c *Config) Workers() int {
	if c.Model == Closed {
		return c.Concurrency
	}
	if c.MaxInFlight == 0 {
		return DefaultMaxInFlight
	}
	return c.MaxInFlight
}

// Summary is what the runner itself knows at the end of a run.
type Summary struct {
	Start           time.Time     // wall-clock start; all Result times are offsets from it
	Elapsed         time.Duration // from start until the last response
	ScheduleEnd     time.Duration // from start until the last request was handed out (sent or dropped)
	Scheduled       uint64        // requests the schedule produced (sent or dropped)
	Sent            uint64
	Dropped         uint64
	MaxInFlightSeen int64
	Late            uint64 // requests the scheduler dispatched past MaxOvershoot
	Behind          bool   // Late exceeds DefaultMaxBehindFraction of Scheduled
	Interrupted     bool   // the context was cancelled before the schedule ended
}

// Runner runs one Config. Its counters can be read while it runs.
type Runner struct {
	cfg       Config
	start     time.Time
	transport *Transport    // the client's, when NewClient made it: the lean engine may be used
	reactor   *reactor      // the open model's deferred reads; nil when responses are read at once
	timeout   time.Duration // per request, for the lean engine

	scheduled, sent, dropped, completed, late atomic.Uint64
	inFlight, maxInFlight                     atomic.Int64
	scheduleEnd                               atomic.Int64 // a time.Duration; set when the open-model schedule ends
}

// New returns a Runner for cfg, after validating it.
func New(cfg Config) (*Runner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.CatchUp == 0 {
		cfg.CatchUp = DefaultCatchUp
	}
	if cfg.MaxOvershoot == 0 {
		cfg.MaxOvershoot = DefaultMaxOvershoot
	}
	r := &Runner{cfg: cfg, timeout: cfg.Client.Timeout}
	if t, ok := cfg.Client.Transport.(*Transport); ok {
		r.transport = t
	}
	if r.timeout <= 0 {
		r.timeout = DefaultTimeout
	}
	return r, nil
}

// Progress is a snapshot of a running Runner's counters.
type Progress struct {
	Elapsed                             time.Duration
	TargetRate                          float64
	Scheduled, Sent, Dropped, Completed uint64
	InFlight, MaxInFlight               int64
}

// Progress returns the counters so far. It is safe to call while Run runs.
func (r *Runner) Progress() Progress {
	p := Progress{
		Scheduled: r.scheduled.Load(), Sent: r.sent.Load(), Dropped: r.dropped.Load(),
		Completed: r.completed.Load(), InFlight: r.inFlight.Load(), MaxInFlight: r.maxInFlight.Load(),
	}
	if !r.start.IsZero() {
		p.Elapsed = time.Since(r.start)
	}
	if r.cfg.Model == Open && r.cfg.Pacer != nil {
		p.TargetRate = r.cfg.Pacer.Rate(p.Elapsed)
	}
	return p
}

// Run fires the whole schedule and returns when every request sent has been
// recorded. When ctx is cancelled it stops scheduling, cancels the requests in
// flight (they are recorded as ErrCanceled) and returns the Summary with
// Interrupted set and a nil error; the error is for a run that could not start.
func (r *Runner) Run(ctx context.Context) (Summary, error) {
	r.start = time.Now()
	var interrupted bool
	if r.cfg.Model == Closed {
		interrupted = r.runClosed(ctx)
	} else {
		interrupted = r.runOpen(ctx)
	}
	s := Summary{
		Start: r.start, Elapsed: time.Since(r.start),
		Scheduled: r.scheduled.Load(), Sent: r.sent.Load(), Dropped: r.dropped.Load(),
		MaxInFlightSeen: r.maxInFlight.Load(), Late: r.late.Load(),
		Interrupted: interrupted, ScheduleEnd: time.Duration(r.scheduleEnd.Load()),
	}
	if s.ScheduleEnd == 0 { // closed model: the workers schedule themselves until the end
		s.ScheduleEnd = s.Elapsed
	}
	s.Behind = s.Scheduled > 0 && float64(s.Late) > DefaultMaxBehindFraction*float64(s.Scheduled)
	return s, nil
}

// hit is one scheduled request handed from the scheduler to a worker.
type hit struct {
	seq       uint64
	req       *Request
	scheduled time.Duration
}

// hitFor returns the hit of request seq, due at scheduled.
func (r *Runner) hitFor(seq uint64, scheduled time.Duration) hit {
	return hit{seq: seq, req: r.cfg.Source.Request(seq), scheduled: scheduled}
}

// since returns the time since the start of the run.
func (r *Runner) since() time.Duration { return time.Since(r.start) }

// runOpen schedules requests with the pacer and hands them to a pool of
// MaxInFlight workers. It reports whether ctx ended the run early.
func (r *Runner) runOpen(ctx context.Context) bool {
	if r.transport != nil && r.transport.lean && !r.cfg.NetpollReads {
		if re, err := newReactor(); err == nil {
			r.reactor = re
			defer func() { re.close(); r.reactor = nil }()
		}
	}
	p := newPool(r.cfg.MaxInFlight)
	var wg sync.WaitGroup
	for w := range r.cfg.MaxInFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := r.newWorker(w)
			defer wk.close()
			s := &p.slots[w]
			for h := range s.hits {
				wk.do(ctx, h)
				p.put(s)
			}
		}()
	}
	interrupted := r.schedule(ctx, p)
	r.scheduleEnd.Store(int64(time.Since(r.start)))
	r.reactor.sleep(-1) // nothing wakes the scheduler any more: answers wake the process
	p.close()
	wg.Wait()
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

// slot is one worker's place in the pool.
type slot struct{ hits chan hit }

func newPool(n int) *pool {
	p := &pool{slots: make([]slot, n), idle: make([]*slot, n), freed: make(chan struct{}, 1)}
	for i := range p.slots {
		p.slots[i].hits = make(chan hit, 1)
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

// close tells every worker to stop once it is idle.
func (p *pool) close() {
	for i := range p.slots {
		close(p.slots[i].hits)
	}
}

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
func (r *Runner) schedule(ctx context.Context, p *pool) (interrupted bool) {
	w := newWaiter(ctx, r.cfg.Timer, r.since)
	defer w.close()
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
				r.reactor.sleep(earliest - now)
				if !w.wait(ctx, earliest) {
					return true
				}
				now = r.since()
				burst = 0
			}
			if r.cfg.Slack > 0 && earliest == due {
				batchDue, batchEnd, batchN = due, due+r.cfg.Slack, 1
			}
		}
		if r.reactor != nil && now-polled >= pollEvery {
			// Hand on the answers that arrived since the last wake-up.
			r.reactor.tick()
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
			r.reactor.sleep(-1) // until a worker is free: answers must wake the process
			for sl == nil {
				select {
				case <-p.freed:
					sl = p.get()
				case <-ctx.Done():
					return true
				}
			}
			intended = max(earliest, r.since())
			polled, batchEnd = 0, -1
		}
		sl.hits <- h // buffered: the worker is idle and takes it
		r.scheduled.Add(1)
		if burst++; burst == yieldEvery {
			runtime.Gosched()
			burst = 0
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

// runClosed runs Concurrency workers back to back until the duration or the
// request count ends. It reports whether ctx ended the run early.
func (r *Runner) runClosed(ctx context.Context) bool {
	var next atomic.Uint64
	var wg sync.WaitGroup
	for w := range r.cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := r.newWorker(w)
			defer wk.close()
			for ctx.Err() == nil {
				n := next.Add(1) - 1
				if r.cfg.Requests > 0 && n >= r.cfg.Requests {
					return
				}
				now := time.Since(r.start)
				if r.cfg.Duration > 0 && now >= r.cfg.Duration {
					return
				}
				r.scheduled.Add(1)
				wk.do(ctx, r.hitFor(n, now))
				if r.cfg.ThinkTime > 0 {
					t := time.NewTimer(r.cfg.ThinkTime)
					select {
					case <-ctx.Done():
						t.Stop()
					case <-t.C:
					}
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err() != nil
}
