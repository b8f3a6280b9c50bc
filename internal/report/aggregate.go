package report

import (
	"strconv"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// aggregate holds every figure of a run folded so far. Only the Collector's
// flush touches it, under Collector.mu.
type aggregate struct {
	contract *contract.Contract
	cases    []caseAgg
	spare    []record // a drained shard buffer, handed to the next shard

	// The measured phase (warm-up excluded).
	lat, svc, lag                            *hdr.Histogram
	status                                   map[int]int64
	errs                                     [runner.NumErrKinds]int64
	checks                                   [contract.NumChecks]Counts
	sent, completed, dropped, warmup, failed int64
	shed                                     Shedding
	violations                               map[vkey]*violationAgg
	vorder                                   []vkey // first-seen order, for stable output

	// Whole-run totals for live progress, warm-up included.
	allCompleted, allErrors, allViolations int64

	// The slice being filled, and the last one closed (the live progress
	// and the hlog show every slice).
	cur      intervalAgg
	last     Interval
	clock    time.Duration // end of the last closed slice
	sample   func() runner.Progress
	lastProg runner.Progress
	// prevTarget is the target rate at the start of the last closed slice;
	// sampled is set once a slice's end was read.
	prevTarget float64
	sampled    bool
	// peak is the most requests in flight seen in the slice being filled;
	// highWater the runner's own maximum so far.
	peak, highWater int64

	// The report's intervals: slices joined group at a time (see
	// MaxIntervals), the group being filled, and the case names.
	intervals []Interval
	group     int
	grp       groupAgg
	names     []string
}

// caseAgg holds the figures of one case (measured phase).
type caseAgg struct {
	requests, completed, failed int64
	status                      map[int]int64
	errs                        [runner.NumErrKinds]int64
	checks                      [contract.NumChecks]Counts
	lat, svc                    *hdr.Histogram
	gen                         *genAgg // a generated case's; nil for others
}

// genAgg counts what the requests of a generated case exercised.
type genAgg struct {
	valid, project, undecided int64
	mutations                 map[contract.Mutation]int64
}

func (g *genAgg) add(e *contract.Expectation) {
	switch {
	case e == nil:
		return
	case e.Source == contract.Undecided:
		g.undecided++
	case e.Source == contract.Project:
		g.project++
	}
	if len(e.Mutations) == 0 {
		g.valid++
	}
	for _, m := range e.Mutations {
		g.mutations[m]++
	}
}

// vkey identifies a group of violations.
type vkey struct {
	check   contract.Check
	caseIdx uint16
	status  uint16
}

type violationAgg struct {
	count    int64
	examples []exampleRec
}

type exampleRec struct {
	seq         uint64
	at          time.Duration
	status      int
	body        string
	bodyLen     int64
	contentType string
	errText     string
	req         *runner.Request
	gen         *contract.Expectation
}

// intervalAgg holds the figures of the interval being filled. Its counts
// include warm-up requests: the time series shows the whole run.
type intervalAgg struct {
	completed, errors, violations int64
	status                        map[int]int64
	lat                           *hdr.Histogram
}

func newAggregate(cases []contract.MixCase, k *contract.Contract) *aggregate {
	a := &aggregate{
		contract: k, cases: make([]caseAgg, len(cases)),
		lat: NewHistogram(), svc: NewHistogram(), lag: NewHistogram(),
		status: map[int]int64{}, violations: map[vkey]*violationAgg{},
		cur:   intervalAgg{status: map[int]int64{}, lat: NewHistogram()},
		group: 1, grp: newGroupAgg(len(cases)), names: make([]string, len(cases)),
	}
	for i := range a.cases {
		a.cases[i] = caseAgg{status: map[int]int64{}, lat: NewHistogram(), svc: NewHistogram()}
		a.names[i] = cases[i].Name()
		if cases[i].Case.Generated() {
			a.cases[i].gen = &genAgg{mutations: map[contract.Mutation]int64{}}
		}
	}
	return a
}

// add folds one record.
func (a *aggregate) add(r *record) {
	failed := r.verdicts.Failed != 0
	if !r.dropped {
		if r.err == runner.ErrNone {
			a.allCompleted++
			a.cur.completed++
			a.cur.status[int(r.status)]++
			lat := r.done - r.scheduled
			recordDuration(a.cur.lat, lat)
			recordDuration(a.grp.lat, lat)
			recordDuration(a.grp.cases[r.caseIdx], lat)
		} else {
			a.allErrors++
			a.cur.errors++
		}
		if failed {
			a.allViolations++
			a.cur.violations++
		}
	}
	if r.warmup {
		if !r.dropped {
			a.warmup++
		}
		return
	}
	c := &a.cases[r.caseIdx]
	if r.dropped {
		a.dropped++
		return
	}
	a.sent++
	c.requests++
	if c.gen != nil {
		c.gen.add(r.gen)
	}
	if failed {
		a.failed++
		c.failed++
	}
	if r.err != runner.ErrNone {
		a.errs[r.err]++
		c.errs[r.err]++
	} else {
		a.completed++
		c.completed++
		a.status[int(r.status)]++
		c.status[int(r.status)]++
		lat, svc := r.done-r.scheduled, r.done-r.sent
		recordDuration(a.lat, lat)
		recordDuration(a.svc, svc)
		recordDuration(a.lag, r.sent-r.scheduled)
		recordDuration(c.lat, lat)
		recordDuration(c.svc, svc)
		if contract.IsShedding(int(r.status)) {
			a.shed.Count++
			if r.status == 429 {
				a.shed.Status429++
			} else {
				a.shed.Status503++
			}
			if r.retryAfter > 0 {
				a.shed.RetryAfter++
				a.shed.RetryAfterMs = max(a.shed.RetryAfterMs, ms(r.retryAfter))
			}
		}
	}
	for ch := range contract.NumChecks {
		check := contract.Check(ch)
		if !r.verdicts.Applies(check) {
			continue
		}
		if r.verdicts.FailedCheck(check) {
			a.checks[ch].Failed++
			c.checks[ch].Failed++
			a.addViolation(r, check)
		} else {
			a.checks[ch].Passed++
			c.checks[ch].Passed++
		}
	}
}

// addViolation counts a failed check and keeps the record's example if the
// worker kept one for this check.
func (a *aggregate) addViolation(r *record, check contract.Check) {
	k := vkey{check: check, caseIdx: r.caseIdx, status: r.status}
	v := a.violations[k]
	if v == nil {
		v = &violationAgg{}
		a.violations[k] = v
		a.vorder = append(a.vorder, k)
	}
	v.count++
	if ex := r.examples; ex != nil && ex.checks&(1<<check) != 0 && len(v.examples) < MaxExamples {
		v.examples = append(v.examples, exampleRec{
			seq: r.seq, at: r.scheduled, status: int(r.status), body: ex.body, bodyLen: ex.bodyLen,
			contentType: ex.contentType, errText: ex.errText, req: ex.req, gen: ex.gen,
		})
	}
}

// notePeak takes a reading of the runner's counters into the in-flight
// maximum of the slice being filled. A new high of the runner's exact
// maximum counts too, so that no peak between two readings is lost.
func (a *aggregate) notePeak(p runner.Progress) {
	a.peak = max(a.peak, p.InFlight)
	if p.MaxInFlight > a.highWater {
		a.peak = max(a.peak, p.MaxInFlight)
		a.highWater = p.MaxInFlight
	}
}

// closeInterval ends the slice being filled at the collector's clock now,
// and joins it to the report interval being filled; final closes that
// interval too, however few slices it holds. The slice's own histogram is
// encoded when someone reads it (encode: the interval log) or when it is a
// report interval of its own.
func (a *aggregate) closeInterval(now time.Duration, final, encode bool) {
	iv := Interval{
		StartS: a.clock.Seconds(), DurationS: (now - a.clock).Seconds(),
		Completed: a.cur.completed, Errors: a.cur.errors, Violations: a.cur.violations,
		Status: statusMap(a.cur.status),
	}
	if a.group == 1 {
		iv.LatencyMs = summarize(a.cur.lat) // the slice is an interval of the report
	} else {
		iv.LatencyMs = liveSummary(a.cur.lat) // what the live display reads: a tenth of the work
	}
	if a.sample != nil {
		p := a.sample()
		a.notePeak(p)
		iv.Scheduled = int64(p.Scheduled - a.lastProg.Scheduled)
		iv.Sent = int64(p.Sent - a.lastProg.Sent)
		iv.InFlight, iv.InFlightMax = p.InFlight, a.peak
		iv.TargetRate = p.TargetRate
		a.prevTarget = a.lastProg.TargetRate
		if !a.sampled { // the first slice: its start was not read
			a.prevTarget, a.sampled = p.TargetRate, true
		}
		a.lastProg = p
		a.peak = p.InFlight // the next slice starts with these in flight
	}
	if a.cur.lat.TotalCount() > 0 && (encode || a.group == 1) {
		iv.Histogram = encodeHist(a.cur.lat)
	}
	a.last = iv
	a.clock = now
	a.cur.completed, a.cur.errors, a.cur.violations = 0, 0, 0
	clear(a.cur.status)
	a.cur.lat.Reset()

	a.grp.add(iv)
	if a.grp.n >= a.group || final {
		a.closeGroup()
	}
}

// closeGroup appends the report interval being filled to the intervals,
// and joins them in pairs when they reach MaxIntervals (the run outgrew
// the length it was planned for): every interval then spans twice as many
// slices, and so will the next ones.
func (a *aggregate) closeGroup() {
	single := a.grp.n == 1
	iv := a.grp.close(a.names, !single)
	if single {
		iv.Histogram, iv.LatencyMs = a.last.Histogram, a.last.LatencyMs // the same slice, encoded once
	}
	a.intervals = append(a.intervals, iv)
	if len(a.intervals) >= MaxIntervals {
		// Our own histograms decode; were one not to, the pair keeps an
		// upper bound of its latency, and the run its bounded size.
		a.intervals, _ = halve(a.intervals)
		a.group *= 2
	}
}

// liveSummary returns the count, p50 and p99 of h (microseconds) in
// milliseconds, in one pass over its buckets.
func liveSummary(h *hdr.Histogram) Summary {
	if h.TotalCount() == 0 {
		return Summary{}
	}
	v := h.ValueAtPercentilesSlice([]float64{50, 99})
	return Summary{Count: h.TotalCount(), P50: float64(v[0]) / 1000, P99: float64(v[1]) / 1000}
}

// summarize returns the statistics of h (microseconds) in milliseconds.
func summarize(h *hdr.Histogram) Summary {
	if h.TotalCount() == 0 {
		return Summary{}
	}
	q := func(p float64) float64 { return float64(h.ValueAtPercentile(p)) / 1000 }
	return Summary{
		Count: h.TotalCount(), Min: float64(h.Min()) / 1000, Mean: h.Mean() / 1000, Stddev: h.StdDev() / 1000,
		P50: q(50), P90: q(90), P95: q(95), P99: q(99), P99_9: q(99.9), Max: float64(h.Max()) / 1000,
	}
}

// statusMap converts status counts to report.json's string-keyed map.
func statusMap(m map[int]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[strconv.Itoa(k)] = v
	}
	return out
}

// ms converts a duration to float milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
