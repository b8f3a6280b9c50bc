package report

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"
)

// Defaults of CompareOptions.
const (
	DefaultMaxIncrease          = 0.10                   // latency may grow by 10%...
	DefaultMinDelta             = 500 * time.Microsecond // ...and is never a regression under 0.5 ms
	DefaultMaxErrorRateIncrease = 0.001                  // 0.1 percentage point
	DefaultMaxRateDrop          = 0.05                   // achieved rate may fall by 5%
)

// CompareOptions says how much worse a run may be than its baseline. The zero
// value means the defaults.
type CompareOptions struct {
	// MaxIncrease is the relative growth a latency percentile may show.
	MaxIncrease float64
	// MinDelta is the absolute growth below which a latency change is noise.
	MinDelta time.Duration
	// MaxErrorRateIncrease is the absolute growth the error rate may show.
	MaxErrorRateIncrease float64
	// MaxRateDrop is the relative fall the achieved rate may show.
	MaxRateDrop float64
	// PerCase compares each case's latency percentiles too.
	PerCase bool
}

func (o CompareOptions) withDefaults() CompareOptions {
	if o.MaxIncrease == 0 {
		o.MaxIncrease = DefaultMaxIncrease
	}
	if o.MinDelta == 0 {
		o.MinDelta = DefaultMinDelta
	}
	if o.MaxErrorRateIncrease == 0 {
		o.MaxErrorRateIncrease = DefaultMaxErrorRateIncrease
	}
	if o.MaxRateDrop == 0 {
		o.MaxRateDrop = DefaultMaxRateDrop
	}
	return o
}

// Delta is the change of one figure between a baseline and a current run.
type Delta struct {
	Metric    string  `json:"metric"` // e.g. "latency.p99" or "latency{case=x}.p99"
	Baseline  float64 `json:"baseline"`
	Current   float64 `json:"current"`
	Change    float64 `json:"change"` // relative: (current-baseline)/baseline; 0 when the baseline is 0
	Regressed bool    `json:"regressed"`
	Why       string  `json:"why,omitempty"`
}

// Comparison is the result of comparing two runs.
type Comparison struct {
	Baseline  string  `json:"baseline"`
	Current   string  `json:"current"`
	Deltas    []Delta `json:"deltas"`
	Regressed bool    `json:"regressed"`
	// Notes warn about differences that make the comparison less meaningful.
	Notes []string `json:"notes,omitempty"`
}

// Compare compares cur against base. Latency percentiles regress when they
// grow by more than MaxIncrease and by more than MinDelta; the error rate
// when it grows by more than MaxErrorRateIncrease; the achieved rate when it
// falls by more than MaxRateDrop; failed checks when there are more of them.
func Compare(base, cur *Report, o CompareOptions) *Comparison {
	o = o.withDefaults()
	c := &Comparison{Baseline: label(base), Current: label(cur)}
	if base.Scenario.Name != cur.Scenario.Name {
		c.Notes = append(c.Notes, fmt.Sprintf("different scenarios: %s and %s", base.Scenario.Name, cur.Scenario.Name))
	}
	if base.Scenario.Seed != cur.Scenario.Seed {
		c.Notes = append(c.Notes, fmt.Sprintf("different seeds: %d and %d", base.Scenario.Seed, cur.Scenario.Seed))
	}
	if math.Abs(base.Load.TargetRate-cur.Load.TargetRate) > 0.01*base.Load.TargetRate {
		c.Notes = append(c.Notes, fmt.Sprintf("different target rates: %.1f/s and %.1f/s", base.Load.TargetRate, cur.Load.TargetRate))
	}
	c.latency("latency", base.LatencyMs, cur.LatencyMs, o)
	if o.PerCase {
		for _, bc := range base.Cases {
			for _, cc := range cur.Cases {
				if bc.Name == cc.Name {
					c.latency("latency{case="+bc.Name+"}", bc.LatencyMs, cc.LatencyMs, o)
				}
			}
		}
	}
	be, ce := errorRate(base), errorRate(cur)
	c.add(Delta{Metric: "error_rate", Baseline: be, Current: ce}, ce-be > o.MaxErrorRateIncrease,
		fmt.Sprintf("grew by more than %.2f percentage points", 100*o.MaxErrorRateIncrease))
	bf, cf := failedChecks(base), failedChecks(cur)
	c.add(Delta{Metric: "checks.failed", Baseline: float64(bf), Current: float64(cf)}, cf > bf, "more checks failed")
	if base.Load.AchievedRate > 0 {
		b, r := base.Load.AchievedRate, cur.Load.AchievedRate
		c.add(Delta{Metric: "rate.achieved", Baseline: b, Current: r}, r < b*(1-o.MaxRateDrop),
			fmt.Sprintf("fell by more than %.0f%%", 100*o.MaxRateDrop))
	}
	return c
}

func (c *Comparison) latency(name string, b, cur Summary, o CompareOptions) {
	floor := float64(o.MinDelta) / float64(time.Millisecond)
	for _, p := range []struct {
		stat   string
		bv, cv float64
	}{{"p50", b.P50, cur.P50}, {"p90", b.P90, cur.P90}, {"p99", b.P99, cur.P99}} {
		d := Delta{Metric: name + "." + p.stat, Baseline: p.bv, Current: p.cv}
		grew := p.cv - p.bv
		c.add(d, grew > floor && grew > o.MaxIncrease*p.bv,
			fmt.Sprintf("grew by more than %.0f%% and %s", 100*o.MaxIncrease, o.MinDelta))
	}
}

func (c *Comparison) add(d Delta, regressed bool, why string) {
	if d.Baseline != 0 {
		d.Change = (d.Current - d.Baseline) / d.Baseline
	}
	if regressed {
		d.Regressed, d.Why = true, why
		c.Regressed = true
	}
	c.Deltas = append(c.Deltas, d)
}

func label(r *Report) string {
	return fmt.Sprintf("%s @ %s", r.Scenario.Name, r.Started.UTC().Format(time.RFC3339))
}

func errorRate(r *Report) float64 {
	if r.Requests.Sent == 0 {
		return 0
	}
	return float64(r.Requests.Failed) / float64(r.Requests.Sent)
}

func failedChecks(r *Report) int64 {
	var n int64
	for _, c := range r.Checks {
		n += c.Failed
	}
	return n
}

// RenderComparison writes c as an aligned table, regressions marked.
func RenderComparison(w io.Writer, c *Comparison) error {
	verdict := "no regression"
	if c.Regressed {
		verdict = "REGRESSION"
	}
	fmt.Fprintf(w, "%s\n  baseline  %s\n  current   %s\n", verdict, c.Baseline, c.Current)
	for _, n := range c.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tmetric\tbaseline\tcurrent\tchange\t")
	for _, d := range c.Deltas {
		mark := "✓"
		if d.Regressed {
			mark = "✗"
		}
		fmt.Fprintf(tw, "%s\t%s\t%.4g\t%.4g\t%+.1f%%\t%s\n", mark, d.Metric, d.Baseline, d.Current, 100*d.Change, d.Why)
	}
	return tw.Flush()
}
