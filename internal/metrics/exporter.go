package metrics

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// Run identifies the run an Exporter describes.
type Run struct {
	Scenario string    // the scenario's name: the scenario label
	Shard    string    // "i/N": the shard label; empty means "0/1", a whole run
	Seed     uint64    // for wrtcbench_run_info
	Hash     string    // the scenario file's hash, for wrtcbench_run_info
	Start    time.Time // when the schedule starts
	Cases    []string  // the mix's case names; an Observation's Case indexes it
}

// Exporter holds the live figures of one run and hands them to Prometheus
// at each scrape: it is a report.Observer and a prometheus.Collector.
// Observe and Interval run on the Collector's aggregating goroutine, once
// per interval; Collect on the scrape's; one mutex keeps them apart, so no
// worker ever waits on it.
type Exporter struct {
	run      Run
	progress func() runner.Progress // the runner's live counters; nil before the run and after it
	descs    map[string]*prometheus.Desc
	final    chan struct{} // closed by the Server once a scrape has read the final figures
	once     sync.Once

	mu       sync.Mutex
	cases    []caseStats
	dropped  int64
	warmup   int64
	lag      hist
	achieved float64 // requests sent per second in the last closed interval
	finished bool
}

// caseStats are the measured figures of one case.
type caseStats struct {
	status       [600]int64 // by HTTP status; slot 0 holds statuses outside 100..599
	errs         [runner.NumErrKinds]int64
	judged, fail [contract.NumChecks]int64
	failed       int64
	lat, svc     hist
}

var (
	_ report.Observer      = (*Exporter)(nil)
	_ prometheus.Collector = (*Exporter)(nil)
)

// NewExporter returns the Exporter of one run. progress, when not nil,
// reads the runner's live counters (in flight, target rate) at each scrape
// until Finish.
func NewExporter(run Run, progress func() runner.Progress) *Exporter {
	if run.Shard == "" {
		run.Shard = "0/1"
	}
	e := &Exporter{run: run, progress: progress, descs: map[string]*prometheus.Desc{},
		cases: make([]caseStats, len(run.Cases)), final: make(chan struct{})}
	labels := prometheus.Labels{labelScenario: run.Scenario, labelShard: run.Shard}
	for _, d := range defs {
		e.descs[d.name] = d.desc(labels)
	}
	return e
}

// Observe implements report.Observer: it counts the measured results as
// report.json does, and the warm-up's apart.
func (e *Exporter) Observe(batch []report.Observation) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range batch {
		o := &batch[i]
		switch {
		case o.Warmup:
			if !o.Dropped {
				e.warmup++
			}
			continue
		case o.Dropped:
			e.dropped++
			continue
		}
		c := &e.cases[o.Case]
		if !o.Verdicts.OK() {
			c.failed++
		}
		if o.Err != runner.ErrNone {
			c.errs[o.Err]++
		} else {
			s := o.Status
			if s < 100 || s > 599 {
				s = 0
			}
			c.status[s]++
			c.lat.observe(o.Latency)
			c.svc.observe(o.Service)
			e.lag.observe(o.Lag)
		}
		for ch := range contract.NumChecks {
			if o.Verdicts.Applies(contract.Check(ch)) {
				c.judged[ch]++
				if o.Verdicts.FailedCheck(contract.Check(ch)) {
					c.fail[ch]++
				}
			}
		}
	}
}

// Interval takes the achieved rate from each closed interval; chain it to
// report.Collector.OnInterval.
func (e *Exporter) Interval(iv report.Interval) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if iv.DurationS > 0 {
		e.achieved = float64(iv.Sent) / iv.DurationS
	}
}

// Finish marks the figures final: call it once report.json is written. The
// live gauges drop to zero.
func (e *Exporter) Finish() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.finished, e.progress, e.achieved = true, nil, 0
}

// Describe implements prometheus.Collector.
func (e *Exporter) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range e.descs {
		ch <- d
	}
}

// Collect implements prometheus.Collector: the figures as of the last fold.
func (e *Exporter) Collect(ch chan<- prometheus.Metric) {
	e.mu.Lock()
	defer e.mu.Unlock()
	counter := func(d def, v int64, lv ...string) {
		ch <- prometheus.MustNewConstMetric(e.descs[d.name], prometheus.CounterValue, float64(v), lv...)
	}
	gaugeOf := func(d def, v float64, lv ...string) {
		ch <- prometheus.MustNewConstMetric(e.descs[d.name], prometheus.GaugeValue, v, lv...)
	}
	for i, name := range e.run.Cases {
		c := &e.cases[i]
		for s, n := range c.status {
			if n > 0 {
				counter(defRequests, n, name, statusLabel(s))
			}
		}
		for k, n := range c.errs {
			if n > 0 {
				counter(defTransport, n, name, runner.ErrKind(k).String())
			}
		}
		counter(defFailed, c.failed, name)
		for ch, n := range c.judged {
			if n > 0 {
				check := contract.Check(ch).String()
				counter(defChecks, n, name, check)
				counter(defCheckFailures, c.fail[ch], name, check)
			}
		}
		ch <- c.lat.metric(e.descs[defLatency.name], name)
		ch <- c.svc.metric(e.descs[defService.name], name)
	}
	counter(defDropped, e.dropped)
	counter(defWarmup, e.warmup)
	ch <- e.lag.metric(e.descs[defLag.name])
	var p runner.Progress
	if e.progress != nil {
		p = e.progress()
	}
	gaugeOf(defInFlight, float64(p.InFlight))
	gaugeOf(defTargetRate, p.TargetRate)
	gaugeOf(defAchievedRate, e.achieved)
	gaugeOf(defInfo, 1, strconv.FormatUint(e.run.Seed, 10), e.run.Hash)
	gaugeOf(defStart, float64(e.run.Start.UnixNano())/1e9)
	fin := 0.0
	if e.finished {
		fin = 1
	}
	gaugeOf(defFinished, fin)
}

// finishedNow reports whether the figures are final.
func (e *Exporter) finishedNow() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.finished
}

// statusLabel is the status label of a status slot.
func statusLabel(slot int) string {
	if slot == 0 {
		return "other"
	}
	return strconv.Itoa(slot)
}
