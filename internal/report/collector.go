package report

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// Histogram settings: integer microseconds from 1 µs to one hour, three
// significant digits.
const (
	histLowest  = 1
	histHighest = int64(time.Hour / time.Microsecond)
	histSigFigs = 3
)

// DefaultInterval is the length of one time slice of the report.
const DefaultInterval = time.Second

// MaxExamples is how many examples are kept of each (case, check, status).
const MaxExamples = 3

// maxExampleBody is how much of a response body an example keeps.
const maxExampleBody = 512

// CaseMeta describes a case of the mix, in the order of runner.Config.Cases.
type CaseMeta struct {
	Name   string
	Expect contract.StatusSet
	Weight float64
}

// Collector accumulates Results into the figures of a Report. Workers record
// into per-shard buffers under a shard lock that only the periodic flush
// contends for; one aggregator folds the records into HdrHistograms and
// counters once per interval, so the memory of a run stays flat however long
// it lasts.
//
// Collector implements runner.Recorder.
type Collector struct {
	cases    []CaseMeta
	contract *contract.Contract
	interval time.Duration
	shards   []*shard

	// taken counts the examples kept per (case, check, status) so a worker
	// copies a failing response only while fewer than MaxExamples were kept.
	taken [][contract.NumChecks][600]atomic.Uint32

	// OnInterval, when set before Run, receives each interval as it closes,
	// on the aggregating goroutine, outside the lock.
	OnInterval func(Interval)

	mu    sync.Mutex // guards agg and start
	agg   *aggregate
	start time.Time // when Run began: the origin of the intervals
}

var _ runner.Recorder = (*Collector)(nil)

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
	examples              *exampleSet // non-nil when the worker kept examples of this result
}

// exampleSet holds what is needed to explain one failing result.
type exampleSet struct {
	req         *runner.Request
	body        string
	bodyLen     int64
	contentType string
	errText     string
	checks      uint8 // the failed checks this result is an example of
}

// NewCollector returns a Collector for a run with the given cases, judged by
// k, that cuts the run into slices of interval (0 means DefaultInterval).
// workers is runner.Config.Workers().
func NewCollector(cases []CaseMeta, k *contract.Contract, workers int, interval time.Duration) *Collector {
	if interval <= 0 {
		interval = DefaultInterval
	}
	n := min(workers+1, 4*runtime.GOMAXPROCS(0))
	c := &Collector{
		cases: cases, contract: k, interval: interval,
		shards: make([]*shard, n),
		taken:  make([][contract.NumChecks][600]atomic.Uint32, len(cases)),
		agg:    newAggregate(cases, k),
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
		warmup: r.Warmup, dropped: r.Dropped, verdicts: c.judge(r),
	}
	if rec.verdicts.Failed != 0 && !r.Warmup {
		// Warm-up failures are not reported, so they must not use up the
		// example slots of the measured ones.
		rec.examples = c.keepExample(r, rec.verdicts)
	}
	s := c.shards[worker%len(c.shards)]
	s.mu.Lock()
	s.recs = append(s.recs, rec)
	s.mu.Unlock()
}

// judge runs the checks on r: none for a dropped request, the transport
// check alone for one that got no response, every check that applies to a
// response (contract.Judge).
func (c *Collector) judge(r *runner.Result) contract.Verdicts {
	switch {
	case r.Dropped:
		return contract.Verdicts{}
	case r.Err != runner.ErrNone:
		return contract.JudgeTransportError()
	}
	resp := contract.Response{Status: r.Response.Status, ContentType: r.Response.ContentType,
		Body: r.Response.Body, BodyLen: r.Response.BodyLen, Announced: r.Response.Announced}
	return c.contract.Judge(c.cases[r.Req.Case].Expect, &resp)
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

// Run folds the recorded results once per interval until ctx is done; call
// it in its own goroutine just before the runner starts, and Finish after
// both have returned. sample, when not nil, reads the runner's counters at
// each interval's end (sent, scheduled, in flight, target rate).
func (c *Collector) Run(ctx context.Context, sample func() runner.Progress) {
	c.mu.Lock()
	c.start = time.Now()
	c.agg.sample = sample
	c.mu.Unlock()
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.flush()
		}
	}
}

// Finish folds every result recorded so far and closes the last, possibly
// partial, interval. Call it once, after the runner and Run have returned.
func (c *Collector) Finish() { c.flush() }

// flush moves every shard's records into the aggregate and closes the
// current interval.
func (c *Collector) flush() {
	iv := c.fold()
	if c.OnInterval != nil {
		c.OnInterval(iv)
	}
}

// fold moves the shards' records into the aggregate, closes the interval
// and returns it.
func (c *Collector) fold() Interval {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.shards {
		s.mu.Lock()
		recs := s.recs
		s.recs = c.agg.spare[:0]
		s.mu.Unlock()
		for i := range recs {
			c.agg.add(&recs[i])
		}
		clear(recs) // drop the example pointers
		c.agg.spare = recs
	}
	if c.start.IsZero() {
		c.start = time.Now()
	}
	c.agg.closeInterval(time.Since(c.start))
	return c.agg.intervals[len(c.agg.intervals)-1]
}

// Live is what the progress display needs while a run goes on.
type Live struct {
	Completed, Errors, Violations int64
	P50, P99                      time.Duration // of the last closed interval
}

// Live returns the running totals and the last interval's percentiles.
func (c *Collector) Live() Live {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.agg
	l := Live{Completed: a.allCompleted, Errors: a.allErrors, Violations: a.allViolations}
	if n := len(a.intervals); n > 0 {
		iv := a.intervals[n-1]
		l.P50 = time.Duration(iv.LatencyMs.P50 * float64(time.Millisecond))
		l.P99 = time.Duration(iv.LatencyMs.P99 * float64(time.Millisecond))
	}
	return l
}

// newHist returns an empty histogram with the report's range and precision.
func newHist() *hdr.Histogram { return hdr.New(histLowest, histHighest, histSigFigs) }

// recordDuration records d in microseconds, clamped into the histogram's
// range so that no value is lost (a value above an hour counts as an hour).
func recordDuration(h *hdr.Histogram, d time.Duration) {
	us := int64(d / time.Microsecond)
	us = min(max(us, histLowest), histHighest)
	_ = h.RecordValue(us) // cannot fail: us is within the range
}
