package compare

import (
	"math"
	"math/rand/v2"
	"testing"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompare: each row is one comparison of synthetic runs (5 intervals of
// 200 requests, as a 5 s run at 200/s gives) and the verdicts it must reach.
func TestCompare(t *testing.T) {
	quiet := bimodal(0.1)
	run := func(seed uint64, d dist) spec { return spec{seed: seed, d: d, intervals: 5, perSecond: 200} }
	tests := []struct {
		name      string
		base, cur []spec
		want      map[string]Verdict // metric: verdict; others unchecked
		regressed bool
		why       string
	}{
		{"a run against itself", []spec{run(1, quiet)}, []spec{run(1, quiet)},
			map[string]Verdict{"latency.p50": Same, "latency.p90": Same, "latency.p99": Same, "error_rate": Same, "checks.failed": Same},
			false, "nothing differs"},
		{"two runs of one build at the knee", []spec{run(1, quiet)}, []spec{run(2, quiet)},
			map[string]Verdict{"latency.p90": Same},
			false, "p90 of a 90/10 mixture jumps between the modes from run to run; its intervals span both"},
		{"one request in five 5 ms slower", []spec{run(1, quiet)}, []spec{run(2, plus(quiet, 0.2, 5000))},
			map[string]Verdict{"latency.p50": Within, "latency.p80": Regressed},
			true, "p80 moves from the fast mode (2.3 ms) to the slowed one (7.3 ms); p50 moves within its mode, by less than the tolerance"},
		{"everything 1 ms faster", []spec{run(1, quiet)}, []spec{run(2, plus(quiet, 1, -1000))},
			map[string]Verdict{"latency.p50": Improved},
			false, "an improvement is shown and never fails"},
		{"a shift within the tolerance", []spec{run(1, quiet)}, []spec{run(2, plus(quiet, 1, 100))},
			map[string]Verdict{"latency.p50": Within},
			false, "0.1 ms is significant with 1000 requests a side, but below the 0.5 ms floor"},
		{"errors from 0.1% to 3%", []spec{{seed: 1, d: quiet, intervals: 5, perSecond: 200, failed: 1}},
			[]spec{{seed: 2, d: quiet, intervals: 5, perSecond: 200, failed: 30}},
			map[string]Verdict{"error_rate": Regressed},
			true, "2.9 points up, far beyond chance and the 0.1 point tolerance"},
		{"errors from 0 to 0.3%", []spec{run(1, quiet)},
			[]spec{{seed: 2, d: quiet, intervals: 5, perSecond: 200, failed: 3}},
			map[string]Verdict{"error_rate": Same},
			false, "three failures in a thousand requests fall on one side one time in eight: not significant"},
		{"a check fails that never failed", []spec{run(1, quiet)},
			[]spec{{seed: 1, d: quiet, intervals: 5, perSecond: 200, checks: 1}},
			map[string]Verdict{"checks.failed": Regressed},
			true, "strict where the baseline had no failure"},
		{"failed checks up by chance", []spec{{seed: 1, d: quiet, intervals: 5, perSecond: 200, checks: 50}},
			[]spec{{seed: 2, d: quiet, intervals: 5, perSecond: 200, checks: 55}},
			map[string]Verdict{"checks.failed": Same},
			false, "50 and 55 of 5,000 verdicts are the same share within chance"},
		{"rate fell 10%", []spec{run(1, quiet)},
			[]spec{{seed: 1, d: quiet, intervals: 5, perSecond: 200, rate: 180}},
			map[string]Verdict{"rate.achieved": Regressed},
			true, "beyond the 5% the rate may fall"},
		{"several runs a side", []spec{run(1, quiet), run(2, quiet), run(3, quiet)},
			[]spec{run(4, plus(quiet, 0.2, 5000)), run(5, plus(quiet, 0.2, 5000))},
			map[string]Verdict{"latency.p80": Regressed, "latency.p90": Same},
			true, "the runs of a side are pooled; 15 and 10 interval samples"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var base, cur []Run
			for _, s := range tt.base {
				base = append(base, synth(t, "base", s))
			}
			for _, s := range tt.cur {
				cur = append(cur, synth(t, "cur", s))
			}
			c, err := Compare(base, cur, Options{})
			require.NoError(t, err)
			for metric, want := range tt.want {
				d := find(t, c, metric)
				assert.Equal(t, want, d.Verdict, "%s: %s (%+v)", metric, tt.why, d)
			}
			assert.Equal(t, tt.regressed, c.Regressed, tt.why)
		})
	}
}

// TestCompareSamples: the warm-up interval and the short last one are no
// samples, so a 5 s run gives the U test 5 of them.
func TestCompareSamples(t *testing.T) {
	r := synth(t, "r", spec{seed: 1, d: bimodal(0.1), intervals: 5, perSecond: 200})
	c, err := Compare([]Run{r}, []Run{r}, Options{})
	require.NoError(t, err)
	assert.Equal(t, 5, c.BaselineRuns[0].Samples)
	assert.Equal(t, []int{5, 5}, find(t, c, "latency.p50").Samples)
	assert.Equal(t, ByCIAndU, find(t, c, "latency.p50").Test)
}

// TestCompareFewIntervals: with too few intervals for the U test to reach
// alpha, latency is judged by the intervals of confidence alone, and a note
// says so.
func TestCompareFewIntervals(t *testing.T) {
	b := synth(t, "b", spec{seed: 1, d: bimodal(0.1), intervals: 2, perSecond: 500})
	c := synth(t, "c", spec{seed: 2, d: plus(bimodal(0.1), 1, 3000), intervals: 2, perSecond: 500})
	cmp, err := Compare([]Run{b}, []Run{c}, Options{})
	require.NoError(t, err)
	d := find(t, cmp, "latency.p50")
	assert.Equal(t, ByCI, d.Test)
	assert.Equal(t, Regressed, d.Verdict, "3 ms more on every request: the intervals alone are disjoint")
	assert.Contains(t, cmp.Notes[len(cmp.Notes)-1], "too few for the U test")
}

func TestCompareNotes(t *testing.T) {
	b := synth(t, "b", spec{seed: 1, d: bimodal(0.1), intervals: 5, perSecond: 200})
	c := synth(t, "c", spec{seed: 2, d: bimodal(0.1), intervals: 5, perSecond: 100})
	c.Report.Scenario.Name, c.Report.Scenario.Seed, c.Report.Load.Behind = "other", 9, true
	b.Report.Load.Late, b.Report.LagMs.P99, b.Report.LatencyMs.P99 = 12, 30, 70
	cmp, err := Compare([]Run{b}, []Run{c}, Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{
		"different scenarios: synthetic, other",
		"different seeds: 1, 9",
		"different target rates: 100.0/s to 200.0/s",
		"baseline run b was disturbed: lag p99 30.0ms of latency p99 70.0ms, 12 requests sent late; something else had the CPU, and its latency measures that too",
		"current run c fell behind its schedule (0 requests late): its latency is not a valid measurement",
	}, cmp.Notes)
}

// TestCompareDisturbed: a timing figure that moved while the generator of
// the side it favours was disturbed is no verdict; the comparison is not
// valid (exit 4) when a latency regression is withdrawn and nothing else
// regressed. A stalled target, whose wait for a worker shows as lag, is no
// disturbed machine, and a change beyond twice the longest lag is the
// target's. Nor is a change larger than twice the lag p99 the current side
// has over the baseline.
func TestCompareDisturbed(t *testing.T) {
	slow := plus(bimodal(0.1), 0.2, 5000)
	// Held up for up to 60 ms: three requests sent more than 50 ms late.
	late := func(r Run) Run { r.Report.Load.Late, r.Report.LagMs.Max = 3, 60; return r }
	// No request late, but the generator's own delay is a large share of
	// the latency: up to 3 ms, 9 ms at p99 of a latency p99 of 40 ms.
	lagging := func(r Run) Run { r.Report.LagMs.P99, r.Report.LagMs.Max, r.Report.LatencyMs.P99 = 9, 3, 40; return r }
	briefly := func(r Run) Run { r.Report.Load.Late, r.Report.LagMs.Max = 1, 1; return r }
	// Not disturbed (lag p99 of a latency p99 of 40 ms), but lagging by p99 as
	// many ms more than a baseline of 0.5 ms.
	lagP99 := func(ms float64) func(Run) Run {
		return func(r Run) Run { r.Report.LagMs.P99, r.Report.LatencyMs.P99 = ms, 40; return r }
	}
	fullPool := func(r Run) Run {
		r.Report.Load.MaxInFlight, r.Report.Load.MaxInFlightSeen = 8, 8
		return lagging(r)
	}
	tests := []struct {
		name               string
		base, cur          Run
		metric             string
		want               Verdict
		regressed, invalid bool
	}{
		{"slower while the current generator sent late", synth(t, "b", spec{seed: 1, d: bimodal(0.1), intervals: 5, perSecond: 200}),
			late(synth(t, "c", spec{seed: 2, d: slow, intervals: 5, perSecond: 200})), "latency.p80", Invalid, false, true},
		{"slower while the current generator lagged", synth(t, "b", spec{seed: 1, d: bimodal(0.1), intervals: 5, perSecond: 200}),
			lagging(synth(t, "c", spec{seed: 2, d: slow, intervals: 5, perSecond: 200})), "latency.p80", Invalid, false, true},
		{"slower than a brief disturbance explains", synth(t, "b", spec{seed: 1, d: bimodal(0.1), intervals: 5, perSecond: 200}),
			briefly(synth(t, "c", spec{seed: 2, d: slow, intervals: 5, perSecond: 200})), "latency.p80", Regressed, true, false},
		{"slower by no more than twice its extra lag", lagP99(0.5)(synth(t, "b", spec{seed: 1, d: bimodal(0.1), intervals: 5, perSecond: 200})),
			lagP99(3.5)(synth(t, "c", spec{seed: 2, d: slow, intervals: 5, perSecond: 200})), "latency.p80", Invalid, false, true},
		{"slower by more than twice its extra lag", lagP99(0.5)(synth(t, "b", spec{seed: 1, d: bimodal(0.1), intervals: 5, perSecond: 200})),
			lagP99(1.5)(synth(t, "c", spec{seed: 2, d: slow, intervals: 5, perSecond: 200})), "latency.p80", Regressed, true, false},
		{"slower than a baseline that lagged more", lagP99(3.5)(synth(t, "b", spec{seed: 1, d: bimodal(0.1), intervals: 5, perSecond: 200})),
			lagP99(0.5)(synth(t, "c", spec{seed: 2, d: slow, intervals: 5, perSecond: 200})), "latency.p80", Regressed, true, false},
		{"slower with the lag of a full pool", synth(t, "b", spec{seed: 1, d: bimodal(0.1), intervals: 5, perSecond: 200}),
			fullPool(synth(t, "c", spec{seed: 2, d: slow, intervals: 5, perSecond: 200})), "latency.p80", Regressed, true, false},
		{"slower than a disturbed baseline", late(synth(t, "b", spec{seed: 1, d: bimodal(0.1), intervals: 5, perSecond: 200})),
			synth(t, "c", spec{seed: 2, d: slow, intervals: 5, perSecond: 200}), "latency.p80", Regressed, true, false},
		{"faster than a disturbed baseline", late(synth(t, "b", spec{seed: 1, d: slow, intervals: 5, perSecond: 200})),
			synth(t, "c", spec{seed: 2, d: bimodal(0.1), intervals: 5, perSecond: 200}), "latency.p80", Invalid, false, false},
		{"errors are facts on any machine", synth(t, "b", spec{seed: 1, d: bimodal(0.1), intervals: 5, perSecond: 200}),
			late(synth(t, "c", spec{seed: 2, d: slow, intervals: 5, perSecond: 200, failed: 30})), "error_rate", Regressed, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compare([]Run{tt.base}, []Run{tt.cur}, Options{})
			require.NoError(t, err)
			assert.Equal(t, tt.want, find(t, c, tt.metric).Verdict)
			assert.Equal(t, tt.regressed, c.Regressed, "regressed")
			assert.Equal(t, tt.invalid, c.Invalid, "invalid")
		})
	}
}

func TestCompareRefuses(t *testing.T) {
	r := synth(t, "r", spec{seed: 1, d: bimodal(0.1), intervals: 5, perSecond: 200})
	_, err := Compare(nil, []Run{r}, Options{})
	assert.ErrorContains(t, err, "at least one baseline run")
	_, err = Compare([]Run{r}, []Run{r}, Options{Quantiles: []float64{0.9, 0.5}})
	assert.ErrorContains(t, err, "ascending")
	_, err = Compare([]Run{r}, []Run{r}, Options{Alpha: 0.7})
	assert.ErrorContains(t, err, "alpha")
}

// find returns the Delta of metric in c.
func find(t testing.TB, c *Comparison, metric string) Delta {
	t.Helper()
	for _, d := range c.Deltas {
		if d.Metric == metric {
			return d
		}
	}
	t.Fatalf("no delta %s", metric)
	return Delta{}
}

// TestKneeDoesNotFlap compares 200 pairs of synthetic runs of one build (5
// intervals of 200 requests at 90% 2 ms, 10% 40 ms) at p90, the knee. Either
// guard alone lets chance through, the U test over intervals more often
// (about 4 pairs in 100 at p < 0.05) than the intervals of the quantile
// (about 3 in 1,000); together they flag about 2 in 1,000 either way.
func TestKneeDoesNotFlap(t *testing.T) {
	const pairs = 200
	o := Options{}.withDefaults()
	var uOnly, regressed int
	for i := range uint64(pairs) {
		side := func(seed uint64) (*hdr.Histogram, []float64) {
			r := rand.New(rand.NewPCG(seed, 9))
			// A histogram of 1 µs to 100 ms: the statistics do not depend on
			// the range, and a small one keeps 2,000 of them quick under -race.
			total := hdr.New(1, 100_000, 3)
			var samples []float64
			for range 5 {
				h := hdr.New(1, 100_000, 3)
				for range 200 {
					_ = h.RecordValue(bimodal(0.1)(r))
				}
				total.Merge(h)
				samples = append(samples, valueAtQuantile(h, 0.9))
			}
			return total, samples
		}
		bh, bs := side(2 * i)
		ch, cs := side(2*i + 1)
		d := latency("latency.p90", bh, ch, bs, cs, 0.9, o)
		if p, _ := uTest(bs, cs, o.Alpha); p < o.Alpha && math.Abs(d.Diff) > 0.5 {
			uOnly++
		}
		if d.Verdict == Regressed {
			regressed++
		}
	}
	t.Logf("%d pairs at the knee: the U test alone calls %d changes, compare %d regressions", pairs, uOnly, regressed)
	assert.LessOrEqual(t, regressed, 1, "p90 at the knee flapped")
	assert.GreaterOrEqual(t, uOnly, 3, "the U test alone would have called changes (else this test shows nothing)")
}
