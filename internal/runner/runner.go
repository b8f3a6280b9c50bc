package runner

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

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
	// Unsolicited counts the kept connections found holding bytes that no
	// request asked for (a second answer to one request, a body a 204
	// sent anyway) when a worker came to reuse them. Each was closed
	// unused: the bytes are never read as the answer to a later request,
	// and no Result counts them. Bytes that arrive while a request is in
	// flight cannot be told from its answer. The lean engine checks before
	// every request; with net/http, what net/http's own reader has taken
	// in is out of sight (it closes such a connection itself).
	Unsolicited uint64
}

// Runner runs one Config. Its counters can be read while it runs.
type Runner struct {
	cfg       Config
	start     time.Time                 // written by Run before it starts any goroutine
	started   atomic.Pointer[time.Time] // start, once set, for Progress on other goroutines
	transport *Transport                // the client's, when NewClient made it: the lean engine may be used
	deferred  *deferredReads            // the open model's deferred reads; nil when responses are read at once
	timeout   time.Duration             // per request, for the lean engine
	workers   workerKind                // the open model's workers with deferred reads; tests set it

	scheduled, sent, dropped, completed, late, unsolicited atomic.Uint64
	inFlight, maxInFlight                                  atomic.Int64
	scheduleEnd                                            atomic.Int64 // a time.Duration; set when the open-model schedule ends
}

// New returns a Runner for cfg, after validating it.
func New(cfg Config) (*Runner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
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
	if start := r.started.Load(); start != nil {
		p.Elapsed = time.Since(*start)
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
	r.started.Store(&r.start) // for Progress, read from other goroutines
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
		Unsolicited: r.unsolicited.Load(),
	}
	if s.ScheduleEnd == 0 { // closed model: the workers schedule themselves until the end
		s.ScheduleEnd = s.Elapsed
	}
	s.Behind = s.Scheduled > 0 && float64(s.Late) > DefaultMaxBehindFraction*float64(s.Scheduled)
	return s, nil
}

// workerKind says what runs the open model's workers when its reads are
// deferred (coworker.go).
type workerKind uint8

const (
	autoWorkers      workerKind = iota // coroutines on one processor, goroutines on more
	goroutineWorkers                   // always goroutines
	coroutineWorkers                   // always coroutines of the scheduler
)

// coroutines reports whether the open model's workers run as coroutines of
// the scheduler.
func (r *Runner) coroutines() bool {
	if r.deferred == nil {
		return false
	}
	switch r.workers {
	case goroutineWorkers:
		return false
	case coroutineWorkers:
		return true
	}
	return runtime.GOMAXPROCS(0) == 1
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
