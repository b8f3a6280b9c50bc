package report

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// synthSpec describes a synthetic run: a seeded, deterministic stream of
// results fed through the real Collector slice by slice, with a clock the
// test sets, so that a minute-long ramp or a day-long soak becomes a report
// in a fraction of the time.
type synthSpec struct {
	name     string
	seed     uint64
	dur      time.Duration // the whole run, warm-up included
	warmup   time.Duration
	interval time.Duration
	planned  bool // tell the collector the run's length, as run does

	rate    func(t time.Duration) float64 // open model: the schedule's rate at t
	shape   string                        // load.shape
	workers int                           // closed model: the concurrency; its rate follows the latency

	median  time.Duration // the target's median service time
	sigma   float64       // its lognormal spread
	tail    float64       // share of answers delayed by tailLat
	tailLat time.Duration
	stalls  [][2]time.Duration // the target answers nothing from [0] to [1]
	errs    map[int]float64    // status → probability of answering it instead
	wrong   float64            // probability of a 200 with a body instead of the expected status
	timeout float64            // probability that a request caught in a stall times out
}

// synthMix is the mix of the synthetic runs, with its expected statuses.
var synthMix = []struct {
	name   string
	weight float64
	status int
	body   string
}{
	{contract.SubscribeAll, 60, 204, ""},
	{contract.AliasSubset, 20, 204, ""},
	{contract.MalformedJSON, 10, 400, errJSON},
	{contract.MissingAuth, 10, 401, authJSON},
}

// synthRun feeds the spec's results through a Collector and returns the
// report, without thresholds (the caller adds them: package threshold
// cannot be imported here).
func synthRun(t testing.TB, s synthSpec) *Report {
	t.Helper()
	rng := rand.New(rand.NewPCG(s.seed, 99))
	var mix []contract.MixCase
	var total float64
	for _, m := range synthMix {
		mix = append(mix, mixCase(m.name, m.weight))
		total += m.weight
	}
	reqs := make([]*runner.Request, len(mix))
	for i := range reqs {
		reqs[i] = colRequest(i, uint64(i))
	}
	workers := max(s.workers, 64)
	col := NewCollector(mix, contract.Default(), workers, s.interval)
	if s.planned {
		col.Planned = s.dur
	}
	var (
		pending             = map[int][]*runner.Result{} // by the slice in which they complete
		inFlight            []synthFlight
		prog                runner.Progress
		seq                 uint64
		carry               float64
		workerFree          = make([]time.Duration, s.workers)
		scheduledN, sentN   uint64
		lastSlice           = int(s.dur / s.interval)
		stalledUntil        = func(at time.Duration) time.Duration { return stallEnd(s.stalls, at) }
		caseOf              = func() int { return pickCase(rng, total) }
		latencyOf           = func(at time.Duration) time.Duration { return synthLatency(rng, s, at, stalledUntil) }
		sampledPeak, hwMark int64
	)
	col.agg.sample = func() runner.Progress { return prog }
	emit := func(at, done time.Duration, ci int) {
		m := synthMix[ci]
		r := &runner.Result{Seq: seq, Req: reqs[ci], Scheduled: at, Sent: at + time.Duration(rng.IntN(40))*time.Microsecond,
			Done: done, Warmup: at < s.warmup}
		seq++
		switch {
		case s.timeout > 0 && stalledUntil(at) > at && rng.Float64() < s.timeout:
			r.Err, r.ErrText = runner.ErrTimeout, "timeout after 2s"
		case rng.Float64() < s.wrong:
			r.Response = runner.Response{Status: 200, ContentType: js, Body: []byte(`{"status":"ok"}`), BodyLen: 15}
		default:
			r.Response = runner.Response{Status: m.status, ContentType: js, Body: []byte(m.body), BodyLen: int64(len(m.body))}
			if m.body == "" {
				r.Response.ContentType = ""
			}
			for _, code := range sortedCodes(s.errs) {
				if rng.Float64() < s.errs[code] {
					body := `{"error":"injected","requestId":"r-1"}`
					r.Response = runner.Response{Status: code, ContentType: js, Body: []byte(body), BodyLen: int64(len(body))}
					break
				}
			}
		}
		k := int(done / s.interval)
		pending[k] = append(pending[k], r)
		inFlight = append(inFlight, synthFlight{r.Sent, done})
		sentN++
		scheduledN++
	}
	for k := 0; k <= lastSlice; k++ {
		t0 := time.Duration(k) * s.interval
		t1 := min(t0+s.interval, s.dur)
		if k == lastSlice {
			t1 = s.dur + s.interval/5 // a partial last slice, as the final Finish makes
		}
		if t0 < s.dur {
			switch {
			case s.rate != nil:
				mid := t0 + (min(t1, s.dur)-t0)/2
				n := s.rate(mid)*(min(t1, s.dur)-t0).Seconds() + carry
				whole := math.Floor(n)
				carry = n - whole
				for i := range int(whole) {
					at := t0 + time.Duration((float64(i)+0.5)/whole*float64(min(t1, s.dur)-t0))
					emit(at, at+latencyOf(at), caseOf())
				}
			default: // closed: each worker sends again when its answer is in
				for w := range workerFree {
					for workerFree[w] < min(t1, s.dur) && workerFree[w] >= t0 {
						at := workerFree[w]
						done := at + latencyOf(at)
						emit(at, done, caseOf())
						workerFree[w] = done
					}
				}
			}
		}
		// The peak within the slice, and what is in flight at its end.
		sort.Slice(inFlight, func(i, j int) bool { return inFlight[i].sent < inFlight[j].sent })
		sampledPeak = peakInFlight(inFlight, t0, t1)
		kept := inFlight[:0]
		for _, f := range inFlight {
			if f.done > t1 {
				kept = append(kept, f)
			}
		}
		inFlight = kept
		hwMark = max(hwMark, sampledPeak)
		col.mu.Lock()
		col.agg.notePeak(runner.Progress{InFlight: sampledPeak, MaxInFlight: hwMark})
		col.mu.Unlock()
		prog = runner.Progress{Elapsed: t1, Scheduled: scheduledN, Sent: sentN, InFlight: int64(len(inFlight)), MaxInFlight: hwMark}
		if s.rate != nil && t1 <= s.dur {
			prog.TargetRate = s.rate(t1)
		}
		due := []int{k}
		if k == lastSlice { // the run waits for every answer
			due = due[:0]
			for j := range pending {
				due = append(due, j)
			}
			sort.Ints(due)
		}
		for _, j := range due {
			for _, r := range pending[j] {
				col.Record(int(r.Seq), r)
			}
			delete(pending, j)
		}
		col.mu.Lock()
		col.foldAt(t1, k == lastSlice)
		col.mu.Unlock()
	}
	model, shape, target := "closed", "", 0.0
	if s.rate != nil {
		model, shape = "open", s.shape
		const steps = 1000
		for i := range steps {
			target += s.rate(s.warmup + (s.dur-s.warmup)*time.Duration(i)/steps + (s.dur-s.warmup)/steps/2)
		}
		target /= steps
	}
	return col.Report(Meta{
		Tool:     Tool{Name: "wrtcbench", Version: "v0.1.0-test", Revision: "0123456789ab", Go: "go1.26.0"},
		Host:     Host{Name: "ci-runner", OS: "linux", Arch: "amd64", CPUs: 2, GOMAXPROCS: 2},
		Scenario: ScenarioInfo{Name: s.name, File: "scenarios/" + s.name + ".yaml", Seed: s.seed, Text: "name: " + s.name + "\n"},
		Target:   "http://127.0.0.1:41234/v1",
		Load: Load{Model: model, Shape: shape, MaxInFlight: 256, Concurrency: s.workers,
			WarmupS: s.warmup.Seconds()},
		Summary: runner.Summary{Start: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC), Elapsed: s.dur + s.interval/5,
			ScheduleEnd: s.dur, MaxInFlightSeen: hwMark},
		Window:     s.dur - s.warmup,
		TargetRate: target,
		Phases:     []Phase{{Name: "setup", DurationS: 0.4, Requests: 84}},
	})
}

// stallEnd returns when a stall that holds at has passed, or at itself.
func stallEnd(stalls [][2]time.Duration, at time.Duration) time.Duration {
	for _, st := range stalls {
		if at >= st[0] && at < st[1] {
			return st[1]
		}
	}
	return at
}

// synthLatency draws a latency from the spec's model at time at.
func synthLatency(rng *rand.Rand, s synthSpec, at time.Duration, stalledUntil func(time.Duration) time.Duration) time.Duration {
	d := time.Duration(float64(s.median) * math.Exp(rng.NormFloat64()*s.sigma))
	if s.tail > 0 && rng.Float64() < s.tail {
		d += s.tailLat
	}
	return d + stalledUntil(at) - at
}

// pickCase draws a case of synthMix by weight.
func pickCase(rng *rand.Rand, total float64) int {
	x := rng.Float64() * total
	for i, m := range synthMix {
		if x < m.weight {
			return i
		}
		x -= m.weight
	}
	return len(synthMix) - 1
}

// sortedCodes returns the statuses of m in order, for a deterministic draw.
func sortedCodes(m map[int]float64) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// synthFlight is one synthetic request's time in flight.
type synthFlight struct{ sent, done time.Duration }

// peakInFlight returns the most requests in flight at once within [t0,
// t1), of flights sorted by their send.
func peakInFlight(fs []synthFlight, t0, t1 time.Duration) int64 {
	type ev struct {
		at    time.Duration
		delta int64
	}
	var evs []ev
	var base int64
	for _, f := range fs {
		switch {
		case f.sent < t0 && f.done > t0:
			base++
			evs = append(evs, ev{f.done, -1})
		case f.sent >= t0 && f.sent < t1:
			evs = append(evs, ev{f.sent, 1}, ev{f.done, -1})
		}
	}
	sort.Slice(evs, func(i, j int) bool {
		if evs[i].at != evs[j].at {
			return evs[i].at < evs[j].at
		}
		return evs[i].delta < evs[j].delta
	})
	cur, peak := base, base
	for _, e := range evs {
		if e.at >= t1 {
			break
		}
		cur += e.delta
		peak = max(peak, cur)
	}
	return peak
}

// addThresholds evaluates the synthetic runs' thresholds by hand (package
// threshold imports this one) and decides the outcome.
func addThresholds(r *Report, p99Bound float64) {
	failedRate := 0.0
	if r.Requests.Sent > 0 {
		failedRate = float64(r.Requests.Failed) / float64(r.Requests.Sent)
	}
	r.Thresholds = []Threshold{
		{Expr: "latency.p99 < " + fmtTickMs(p99Bound), Metric: "latency", Stat: "p99", Op: "<", Bound: p99Bound, Unit: "ms",
			Value: r.LatencyMs.P99, Pass: r.LatencyMs.P99 < p99Bound, Timing: true},
		{Expr: "latency{case=subscribe_all}.p99 < 100ms", Metric: "latency", Case: contract.SubscribeAll, Stat: "p99", Op: "<",
			Bound: 100, Unit: "ms", Value: r.Cases[0].LatencyMs.P99, Pass: r.Cases[0].LatencyMs.P99 < 100, Timing: true},
		{Expr: "checks.status_expected.failed == 0", Metric: "checks", Check: "status_expected", Stat: "failed", Op: "==",
			Unit: "count", Value: float64(r.Checks["status_expected"].Failed), Pass: r.Checks["status_expected"].Failed == 0},
		{Expr: "error_rate < 0.1%", Metric: "error_rate", Op: "<", Bound: 0.001, Unit: "fraction", Value: failedRate, Pass: failedRate < 0.001},
	}
	Decide(r)
}

// rampReport is a failing one-minute ramp (up to 400/s, hold, down to
// 50/s) against a target with faults: a lognormal latency with a slow
// tail, two stalls, 500 and 503 answers, wrong statuses and timeouts.
func rampReport(t testing.TB) *Report {
	stages := func(at time.Duration) float64 {
		s := at.Seconds()
		switch {
		case s < 20:
			return 400 * s / 20
		case s < 40:
			return 400
		case s < 60:
			return 400 - 350*(s-40)/20
		}
		return 0
	}
	r := synthRun(t, synthSpec{
		name: "ramp-faults", seed: 7, dur: time.Minute, warmup: 5 * time.Second, interval: time.Second, planned: true,
		rate: stages, shape: "stages [20s→400/s 20s→400/s 20s→50/s]",
		median: 2 * time.Millisecond, sigma: 0.6, tail: 0.01, tailLat: 120 * time.Millisecond,
		stalls: [][2]time.Duration{{19300 * time.Millisecond, 20 * time.Second}, {39300 * time.Millisecond, 40 * time.Second}},
		errs:   map[int]float64{500: 0.002, 503: 0.004}, wrong: 0.002, timeout: 0.01,
	})
	addThresholds(r, 50)
	return r
}

// closedReport is a passing 12-second closed-model run with 16 workers.
func closedReport(t testing.TB) *Report {
	r := synthRun(t, synthSpec{
		name: "closed", seed: 3, dur: 12 * time.Second, warmup: 2 * time.Second, interval: time.Second, planned: true,
		workers: 16, median: 3 * time.Millisecond, sigma: 0.5, tail: 0.0005, tailLat: 40 * time.Millisecond,
	})
	addThresholds(r, 100)
	return r
}
