package report

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// DefaultInterval is the length of one time slice of the report.
const DefaultInterval = time.Second

// MaxExamples is how many examples are kept of each (case, check, status).
const MaxExamples = 3

// maxExampleBody is how much of a response body an example keeps.
const maxExampleBody = 512

// Collector accumulates Results into the figures of a Report. Workers record
// into per-shard buffers under a shard lock that only the periodic flush
// contends for; one aggregator folds the records into HdrHistograms and
// counters once per interval, so the memory of a run stays flat however long
// it lasts.
//
// Collector implements runner.Recorder.
type Collector struct {
	cases    []contract.MixCase // runner.Request.Case indexes it
	contract *contract.Contract
	interval time.Duration
	shards   []*shard

	// Expectations gives the own expectation of each request of a
	// generated case (scenarios.Plan implements it); set it before Run
	// when the mix has one. generated[i]: case i is generated.
	Expectations Expectations
	generated    []bool

	// taken counts the examples kept per (case, check, status) so a worker
	// copies a failing response only while fewer than MaxExamples were kept.
	taken [][contract.NumChecks][600]atomic.Uint32

	// OnInterval, when set before Run, receives each slice as it closes
	// (every one, also when the report joins them), on the aggregating
	// goroutine, outside the lock. When the report joins slices, the
	// slice's LatencyMs holds its count, p50 and p99 only; its Histogram
	// holds everything.
	OnInterval func(Interval)

	// Observer, when set before Run, sees every folded result (Observer).
	Observer Observer
	obs      []Observation // the batch handed to Observer, reused

	// Planned, when set before Run, is how long the run is planned to last,
	// warm-up included (0: unknown). It decides how many slices each of the
	// report's intervals joins, so that a long run's report holds at most
	// MaxIntervals of them; a run that outgrows it joins more as it goes.
	Planned time.Duration

	mu       sync.Mutex // guards agg, start and finished
	agg      *aggregate
	start    time.Time // when Run began: the origin of the intervals
	finished bool      // Finish has run
	grouped  bool      // agg.group was set from Planned
}

var _ runner.Recorder = (*Collector)(nil)

// Expectations gives the own expectation of a request of a generated case
// (contract.Classify), or nil for another request. It is called for every
// result of a generated case, from every worker at once.
type Expectations interface {
	Expectation(req *runner.Request) *contract.Expectation
}

// shard is the buffer a group of workers records into.
type shard struct {
	mu   sync.Mutex
	recs []record
	_    [64]byte // keep neighbouring shards off one cache line
}

// record is the compact copy of a runner.Result the aggregator needs.
type record struct {
	seq                   uint64
	scheduled, sent, done time.Duration
	retryAfter            time.Duration
	caseIdx               uint16
	status                uint16
	err                   runner.ErrKind
	warmup, dropped       bool
	verdicts              contract.Verdicts
	examples              *exampleSet           // non-nil when the worker kept examples of this result
	gen                   *contract.Expectation // a generated request's own expectation
}

// exampleSet holds what is needed to explain one failing result.
type exampleSet struct {
	req         *runner.Request
	body        string
	bodyLen     int64
	contentType string
	errText     string
	checks      uint8 // the failed checks this result is an example of
	gen         *contract.Expectation
}

// NewCollector returns a Collector for a run of the mix cases (a Request's
// Case is its index there), judged by k, that cuts the run into slices of
// interval (0 means DefaultInterval).
// workers is runner.Config.Workers().
func NewCollector(cases []contract.MixCase, k *contract.Contract, workers int, interval time.Duration) *Collector {
	if interval <= 0 {
		interval = DefaultInterval
	}
	n := min(workers+1, 4*runtime.GOMAXPROCS(0))
	c := &Collector{
		cases: cases, contract: k, interval: interval,
		shards: make([]*shard, n),
		taken:  make([][contract.NumChecks][600]atomic.Uint32, len(cases)),
		agg:    newAggregate(cases, k),

		generated: make([]bool, len(cases)),
	}
	for i, m := range cases {
		c.generated[i] = m.Case.Generated()
	}
	for i := range c.shards {
		c.shards[i] = &shard{recs: make([]record, 0, 1024)}
	}
	return c
}

// Record implements runner.Recorder: it judges r against the contract and
// buffers what the report needs of it. It runs on the worker's goroutine, so
// judging costs the worker what it always did, and nothing else waits on it.
func (c *Collector) Record(worker int, r *runner.Result) {
	rec := record{
		seq: r.Seq, scheduled: r.Scheduled, sent: r.Sent, done: r.Done, retryAfter: r.RetryAfter,
		caseIdx: uint16(r.Req.Case), status: uint16(r.Response.Status), err: r.Err,
		warmup: r.Warmup, dropped: r.Dropped,
	}
	if c.generated[r.Req.Case] && c.Expectations != nil {
		rec.gen = c.Expectations.Expectation(r.Req)
	}
	rec.verdicts = c.judge(r, rec.gen)
	if rec.verdicts.Failed != 0 && !r.Warmup {
		// Warm-up failures are not reported, so they must not use up the
		// example slots of the measured ones.
		rec.examples = c.keepExample(r, rec.verdicts)
		if rec.examples != nil {
			rec.examples.gen = rec.gen
		}
	}
	s := c.shards[worker%len(c.shards)]
	s.mu.Lock()
	s.recs = append(s.recs, rec)
	s.mu.Unlock()
}

// judge runs the checks on r: none for a dropped request or one the user
// cancelled (Ctrl-C is not the target's doing), the transport check alone
// for one that got no response, every check that applies to a response
// (contract.Judge), against the request's own expectation gen when it has
// one, else its case's.
func (c *Collector) judge(r *runner.Result, gen *contract.Expectation) contract.Verdicts {
	switch {
	case r.Dropped, r.Err == runner.ErrCanceled:
		return contract.Verdicts{}
	case r.Err != runner.ErrNone:
		return contract.JudgeTransportError()
	}
	resp := contract.Response{Status: r.Response.Status, ContentType: r.Response.ContentType,
		Body: r.Response.Body, BodyLen: r.Response.BodyLen, Announced: r.Response.Announced}
	m := &c.cases[r.Req.Case]
	expect := m.Expect
	if gen != nil && !m.Explicit {
		expect = gen.Expect // a scenario's own expect: is kept as written
	}
	return c.contract.Judge(expect, &resp)
}

// keepExample copies r for the examples of each failed check that has fewer
// than MaxExamples kept, and returns nil when none needs it.
func (c *Collector) keepExample(r *runner.Result, v contract.Verdicts) *exampleSet {
	var want uint8
	st := min(max(r.Response.Status, 0), 599)
	for ch := range contract.NumChecks {
		if v.FailedCheck(contract.Check(ch)) &&
			c.taken[r.Req.Case][ch][st].Add(1) <= MaxExamples {
			want |= 1 << ch
		}
	}
	if want == 0 {
		return nil
	}
	body := r.Response.Body
	if len(body) > maxExampleBody {
		body = body[:maxExampleBody]
	}
	return &exampleSet{req: r.Req, body: string(body), bodyLen: r.Response.BodyLen,
		contentType: r.Response.ContentType, errText: r.ErrText, checks: want}
}

// peeksPerInterval is how often per slice Run reads the runner's in-flight
// count for the slice's maximum (Interval.InFlightMax).
const peeksPerInterval = 50

// Run folds the recorded results once per interval until ctx is done; call
// it in its own goroutine just before the runner starts, and Finish after
// both have returned. sample, when not nil, reads the runner's counters at
// each interval's end (sent, scheduled, in flight, target rate), and from
// the end of the first interval on, peeksPerInterval times per interval for
// the most requests in flight (the first interval's peak is the runner's
// own maximum). Run reads none before the first interval ends: the runner
// starts its clock as it starts, and is read once it has been running.
func (c *Collector) Run(ctx context.Context, sample func() runner.Progress) {
	c.mu.Lock()
	c.start = time.Now()
	c.agg.sample = sample
	c.mu.Unlock()
	t := time.NewTicker(c.interval)
	defer t.Stop()
	var peek <-chan time.Time
	var pt *time.Ticker
	defer func() {
		if pt != nil {
			pt.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.flush(false)
			if pt == nil && sample != nil {
				pt = time.NewTicker(max(c.interval/peeksPerInterval, time.Millisecond))
				peek = pt.C
			}
		case <-peek:
			p := sample() // outside the lock: it reads the runner's atomics
			c.mu.Lock()
			c.agg.notePeak(p)
			c.mu.Unlock()
		}
	}
}

// Finish folds every result recorded so far and closes the last, possibly
// partial, interval. Call it once, after the runner and Run have returned.
func (c *Collector) Finish() { c.flush(true) }

// flush moves every shard's records into the aggregate and closes the
// current slice; final closes the report's last interval too.
func (c *Collector) flush(final bool) {
	iv := c.fold(final)
	if c.OnInterval != nil {
		c.OnInterval(iv)
	}
}

// fold moves the shards' records into the aggregate, closes the slice at
// the collector's clock and returns it.
func (c *Collector) fold(final bool) Interval {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.start.IsZero() {
		c.start = time.Now()
	}
	return c.foldAt(time.Since(c.start), final)
}

// foldAt is fold with the slice ending at now after the start; c.mu is held.
func (c *Collector) foldAt(now time.Duration, final bool) Interval {
	if !c.grouped {
		c.agg.group, c.grouped = groupFor(c.Planned, c.interval), true
	}
	for _, s := range c.shards {
		s.mu.Lock()
		recs := s.recs
		s.recs = c.agg.spare[:0]
		s.mu.Unlock()
		for i := range recs {
			c.agg.add(&recs[i])
			if c.Observer != nil {
				c.obs = append(c.obs, recs[i].observation())
			}
		}
		clear(recs) // drop the example pointers
		c.agg.spare = recs
	}
	if len(c.obs) > 0 {
		c.Observer.Observe(c.obs)
		c.obs = c.obs[:0]
	}
	c.agg.closeInterval(now, final, c.OnInterval != nil)
	c.finished = c.finished || final
	return c.agg.last
}
