package compare

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Verdict is what compare concluded about one figure.
type Verdict string

// The verdicts of a figure.
const (
	Same      Verdict = "same"      // no significant change (shown as ~)
	Within    Verdict = "within"    // a significant change, within the tolerance
	Regressed Verdict = "regressed" // worse: significant and beyond the tolerance
	Improved  Verdict = "improved"  // better: significant and beyond the tolerance
	NoData    Verdict = "no data"   // a side has nothing to measure it by
	// Invalid: a timing figure that regressed while the current side's
	// generator was disturbed (or improved while the baseline's was): the
	// change may be the machine's, not the target's, so it is no verdict
	// either way. A withdrawn regression makes the comparison Invalid
	// (exit 4) when nothing else regressed.
	Invalid Verdict = "invalid"
)

// The tests a Delta's significance comes from.
const (
	ByCIAndU    = "ci+u"      // the quantile's intervals are disjoint and the U test over intervals agrees
	ByCI        = "ci"        // the quantile's intervals alone (too few intervals for the U test)
	ByFisher    = "fisher"    // Fisher's exact test of two proportions
	ByStrict    = "strict"    // any failure where the baseline had none
	ByTolerance = "tolerance" // no test: the tolerance alone
)

// CI is a confidence interval [Lo, Hi] in its Delta's unit. A bound the
// sample is too small to give is infinite (null in JSON).
type CI struct{ Lo, Hi float64 }

// MarshalJSON writes i as [lo, hi], an infinite bound as null.
func (i CI) MarshalJSON() ([]byte, error) {
	b := func(v float64) any {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil
		}
		return v
	}
	return json.Marshal([2]any{b(i.Lo), b(i.Hi)})
}

// Delta is the change of one figure between the baseline and the current runs.
type Delta struct {
	Metric string `json:"metric"` // e.g. "latency.p99", "latency{case=x}.p99", "error_rate"
	// Unit is the unit of Baseline, Current, the intervals and Diff: "ms",
	// "%" (Diff then in percentage points), "count" or "/s".
	Unit     string  `json:"unit"`
	Baseline float64 `json:"baseline"`
	Current  float64 `json:"current"`
	// BaselineN and CurrentN are what a share is of: requests for the
	// error rate, check verdicts for failed checks.
	BaselineN  int64 `json:"baseline_n,omitempty"`
	CurrentN   int64 `json:"current_n,omitempty"`
	BaselineCI *CI   `json:"baseline_ci,omitempty"`
	CurrentCI  *CI   `json:"current_ci,omitempty"`
	// Diff is current minus baseline, in Unit (percentage points for "%").
	// For a count, the baseline is first scaled to the current side's size.
	Diff float64 `json:"diff"`
	// Change is relative: (current-baseline)/baseline; 0 when the baseline is 0.
	Change float64 `json:"change"`
	// Test names what significance was decided by (ByCIAndU, ...).
	Test string `json:"test"`
	// P is the test's p-value, when a test gave one.
	P *float64 `json:"p,omitempty"`
	// Samples are the sizes of the two samples of the U test.
	Samples     []int   `json:"samples,omitempty"`
	Significant bool    `json:"significant"`
	Verdict     Verdict `json:"verdict"`
	Regressed   bool    `json:"regressed"`
	Why         string  `json:"why,omitempty"`
}

// Comparison is the result of comparing the current runs with the baseline.
type Comparison struct {
	Baseline     string    `json:"baseline"` // the baseline side in words
	Current      string    `json:"current"`
	BaselineRuns []RunInfo `json:"baseline_runs"`
	CurrentRuns  []RunInfo `json:"current_runs"`
	Alpha        float64   `json:"alpha"`
	Deltas       []Delta   `json:"deltas"`
	Regressed    bool      `json:"regressed"`
	// Invalid: a timing figure regressed only while the current side's
	// generator was disturbed (its Delta's verdict is Invalid), and nothing
	// else regressed: the comparison is not a valid measurement.
	Invalid bool `json:"invalid,omitempty"`
	// Notes warn about differences that make the comparison less meaningful.
	Notes []string `json:"notes,omitempty"`
}

// RunInfo identifies one run of a side.
type RunInfo struct {
	Path     string    `json:"path"`
	Scenario string    `json:"scenario"`
	Started  time.Time `json:"started"`
	Requests int64     `json:"requests"`  // sent in the measured phase
	Samples  int       `json:"intervals"` // its intervals the U test uses
}

// Compare compares the current runs with the baseline runs (each side one
// run or several, pooled) and returns every figure's Delta. The figures:
// the latency quantiles o.Quantiles (per case too with o.PerCase), the
// error rate, the failed checks and the achieved rate. docs/compare.md
// explains how each is decided.
func Compare(base, cur []Run, o Options) (*Comparison, error) {
	if len(base) == 0 || len(cur) == 0 {
		return nil, errors.New("compare needs at least one baseline run and one current run")
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	b, err := newSide(base)
	if err != nil {
		return nil, err
	}
	c, err := newSide(cur)
	if err != nil {
		return nil, err
	}
	cmp := &Comparison{Baseline: sideLabel(base), Current: sideLabel(cur),
		BaselineRuns: runInfos(b), CurrentRuns: runInfos(c), Alpha: o.Alpha}
	cmp.Notes = notes(b, c, o)
	for _, q := range o.Quantiles {
		cmp.add(latency("latency."+percentile(q), b.latency, c.latency, b.samples(q), c.samples(q), q, o))
	}
	if o.PerCase {
		for _, name := range b.caseNames {
			if ch, ok := c.cases[name]; ok {
				for _, q := range o.Quantiles {
					cmp.add(latency("latency{case="+name+"}."+percentile(q), b.cases[name], ch, nil, nil, q, o))
				}
			}
		}
	}
	cmp.add(errorRate(b, c, o))
	cmp.add(failedChecks(b, c, o))
	cmp.add(achievedRate(b, c, o))
	withdrawn := false // a timing regression not held against the current side
	for i := range cmp.Deltas {
		d := &cmp.Deltas[i]
		if d.Unit == "ms" || d.Metric == "rate.achieved" {
			withdrawn = timing(d, b, c) || withdrawn
		}
		d.Regressed = d.Verdict == Regressed
		cmp.Regressed = cmp.Regressed || d.Regressed
	}
	cmp.Invalid = withdrawn && !cmp.Regressed
	return cmp, nil
}

// timing withdraws the verdict of a timing figure (latency, achieved rate)
// that a generator rather than the target may have moved, and reports
// whether it withdrew a regression: a regression the current side's
// generator explains, an improvement the baseline's does (heldUp). The
// other directions stand: a held-up baseline can only hide a regression,
// and a held-up current run only an improvement.
func timing(d *Delta, b, c *side) (withdrewRegression bool) {
	switch d.Verdict {
	case Regressed:
		if why := heldUp(d, c, b, "current"); why != "" {
			d.Verdict, d.Why = Invalid, "not valid: "+why+"; rerun on a quiet machine"
			return true
		}
	case Improved:
		if why := heldUp(d, b, c, "baseline"); why != "" {
			d.Verdict, d.Why = Invalid, "not valid: "+why
		}
	}
	return false
}

// heldUp says how the generator of side s (named name) may have made the
// change of d rather than the target, or "" when it cannot have. A
// generator held up for at most some time delays a response by at most
// that much on the way out and as much on the way back (when the answer is
// timed as it is read), so a latency change of more than twice the hold-up
// is the target's. Two ways to be held up:
//
//   - s was disturbed (see disturbed): it sent requests late, or its lag is
//     a large share of its latency; the hold-up is its longest lag;
//   - s lagged more than the other side: the hold-up is the difference of
//     their lag p99s. Lag counts only while s's pool had a free worker.
//
// An achieved rate that fell is explained by the first alone.
func heldUp(d *Delta, s, other *side, name string) string {
	change := math.Abs(d.Diff)
	if s.disturbed() && (d.Unit != "ms" || change <= 2*s.maxLag()) {
		return fmt.Sprintf("the %s generator was disturbed (lag up to %s, see the notes)", name, fmtMs(s.maxLag()))
	}
	if d.Unit == "ms" && !s.poolFilled() {
		if more := s.lagP99() - other.lagP99(); more > 0 && change <= 2*more {
			return fmt.Sprintf("the %s generator lagged more (lag p99 %s, against %s)", name, fmtMs(s.lagP99()), fmtMs(other.lagP99()))
		}
	}
	return ""
}

func (c *Comparison) add(d Delta) {
	if d.Baseline != 0 {
		d.Change = (d.Current - d.Baseline) / d.Baseline
	}
	c.Deltas = append(c.Deltas, d)
}

// percentile names the quantile q (0..1) as the report does: p50, p99.9.
func percentile(q float64) string {
	return "p" + strconv.FormatFloat(math.Round(q*1e6)/1e4, 'f', -1, 64)
}

// latency compares the q-quantile of two latency histograms. Significant:
// the two sides' intervals of the quantile are disjoint and, when both
// sides have enough interval samples for it, the U test over those samples
// has p < alpha. A regression is also beyond the tolerance: more than
// MaxIncrease of the baseline and more than MinDelta.
func latency(metric string, bh, ch *hdr.Histogram, bs, cs []float64, q float64, o Options) Delta {
	d := Delta{Metric: metric, Unit: "ms", Test: ByCI}
	if bh.TotalCount() == 0 || ch.TotalCount() == 0 {
		d.Verdict = NoData
		return d
	}
	be, ce := quantileCI(bh, q, 1-o.Alpha), quantileCI(ch, q, 1-o.Alpha)
	d.Baseline, d.Current, d.Diff = be.Value, ce.Value, ce.Value-be.Value
	d.BaselineCI, d.CurrentCI = &CI{be.Lo, be.Hi}, &CI{ce.Lo, ce.Hi}
	d.Significant = disjoint(be, ce)
	if p, ok := uTest(bs, cs, o.Alpha); ok {
		d.Test, d.P, d.Samples = ByCIAndU, &p, []int{len(bs), len(cs)}
		d.Significant = d.Significant && p < o.Alpha
	}
	tol := max(float64(o.MinDelta)/float64(time.Millisecond), o.MaxIncrease*be.Value)
	if d.Verdict = judge(d.Significant, d.Diff, tol); d.Verdict == Regressed {
		d.Why = fmt.Sprintf("grew by more than %s and %s", fmtPercent(o.MaxIncrease), fmtDuration(o.MinDelta))
	}
	return d
}

// judge turns significance and a difference into a verdict: a significant
// difference beyond tol regressed (up) or improved (down), one within it is
// Within, anything else Same.
func judge(significant bool, diff, tol float64) Verdict {
	switch {
	case !significant:
		return Same
	case diff > tol:
		return Regressed
	case -diff > tol:
		return Improved
	}
	return Within
}

// errorRate compares the shares of requests that failed a check. Significant:
// Fisher's exact test, p < alpha. A regression also grew by more than
// MaxErrorRateIncrease (percentage points).
func errorRate(b, c *side, o Options) Delta {
	d := Delta{Metric: "error_rate", Unit: "%", Test: ByFisher, BaselineN: b.sent, CurrentN: c.sent}
	if b.sent == 0 || c.sent == 0 {
		d.Verdict = NoData
		return d
	}
	d.Baseline = 100 * float64(b.failed) / float64(b.sent)
	d.Current = 100 * float64(c.failed) / float64(c.sent)
	d.Diff = d.Current - d.Baseline
	p := fisher(b.failed, b.sent, c.failed, c.sent)
	d.P = &p
	d.Significant = p < o.Alpha && d.Diff != 0
	if d.Verdict = judge(d.Significant, d.Diff, 100*o.MaxErrorRateIncrease); d.Verdict == Regressed {
		d.Why = "grew by more than " + fmtPP(100*o.MaxErrorRateIncrease)
	}
	return d
}

// failedChecks compares the check verdicts that failed. Strict where the
// baseline had none: then any failure regresses (a new kind of contract
// violation is a bug, however rare). Where it had some, Fisher's exact test
// on the failed share of verdicts, with no tolerance.
func failedChecks(b, c *side, o Options) Delta {
	d := Delta{Metric: "checks.failed", Unit: "count", Test: ByStrict,
		Baseline: float64(b.checks.failed), Current: float64(c.checks.failed),
		BaselineN: b.checks.judged, CurrentN: c.checks.judged}
	if b.checks.judged == 0 || c.checks.judged == 0 {
		d.Verdict = NoData
		return d
	}
	d.Diff = d.Current - d.Baseline*float64(c.checks.judged)/float64(b.checks.judged)
	if b.checks.failed == 0 {
		d.Significant = c.checks.failed > 0
		if d.Verdict = judge(d.Significant, d.Diff, 0); d.Verdict == Regressed {
			d.Why = "failures where the baseline had none"
		}
		return d
	}
	p := fisher(b.checks.failed, b.checks.judged, c.checks.failed, c.checks.judged)
	d.Test, d.P = ByFisher, &p
	d.Significant = p < o.Alpha
	if d.Verdict = judge(d.Significant, d.Diff, 0); d.Verdict == Regressed {
		d.Why = "a larger share of verdicts failed"
	}
	return d
}

// achievedRate compares the mean achieved rates. The generator's own pace is
// not a sample of the target, so there is no test: it regresses when it fell
// by more than MaxRateDrop.
func achievedRate(b, c *side, o Options) Delta {
	d := Delta{Metric: "rate.achieved", Unit: "/s", Test: ByTolerance, Baseline: b.rate, Current: c.rate, Diff: c.rate - b.rate}
	switch {
	case b.rate == 0:
		d.Verdict = NoData
	case c.rate < b.rate*(1-o.MaxRateDrop):
		d.Verdict, d.Why = Regressed, "fell by more than "+fmtPercent(o.MaxRateDrop)
	default:
		d.Verdict = Within
	}
	return d
}
