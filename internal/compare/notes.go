package compare

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/units"
)

// sideLabel names a side in words: "smoke @ 2026-11-28T10:00:00Z" for one
// run, "3 runs of smoke, 2026-11-28T10:00:00Z to 2026-11-28T10:20:00Z" for
// several.
func sideLabel(runs []Run) string {
	first := runs[0].Report
	if len(runs) == 1 {
		return fmt.Sprintf("%s @ %s", first.Scenario.Name, stamp(first.Started))
	}
	lo, hi := first.Started, first.Started
	names := []string{}
	for _, r := range runs {
		lo, hi = minTime(lo, r.Report.Started), maxTime(hi, r.Report.Started)
		if !slices.Contains(names, r.Report.Scenario.Name) {
			names = append(names, r.Report.Scenario.Name)
		}
	}
	return fmt.Sprintf("%d runs of %s, %s to %s", len(runs), strings.Join(names, " and "), stamp(lo), stamp(hi))
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func runInfos(s *side) []RunInfo {
	out := make([]RunInfo, len(s.runs))
	for i, run := range s.runs {
		r := run.Report
		out[i] = RunInfo{Path: run.Path, Scenario: r.Scenario.Name, Started: r.Started.UTC(),
			Requests: r.Requests.Sent, Samples: len(measuredIntervals(r))}
	}
	return out
}

// notes warns about what makes the comparison less meaningful: runs of
// different scenarios, seeds or target rates, runs that are not valid
// measurements, that were disturbed or cut short, and
// latency the rank test cannot judge.
func notes(b, c *side, o Options) []string {
	var out []string
	all := slices.Concat(b.runs, c.runs)
	distinct := func(f func(Run) string) []string {
		var vs []string
		for _, r := range all {
			if v := f(r); !slices.Contains(vs, v) {
				vs = append(vs, v)
			}
		}
		return vs
	}
	if vs := distinct(func(r Run) string { return r.Report.Scenario.Name }); len(vs) > 1 {
		out = append(out, "different scenarios: "+strings.Join(vs, ", "))
	}
	if vs := distinct(func(r Run) string { return fmt.Sprint(r.Report.Scenario.Seed) }); len(vs) > 1 {
		out = append(out, "different seeds: "+strings.Join(vs, ", "))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range all {
		lo, hi = min(lo, r.Report.Load.TargetRate), max(hi, r.Report.Load.TargetRate)
	}
	if hi-lo > 0.01*hi {
		out = append(out, fmt.Sprintf("different target rates: %s to %s", units.FormatPerSecond(lo), units.FormatPerSecond(hi)))
	}
	for _, s := range []struct {
		name string
		runs []Run
	}{{"baseline", b.runs}, {"current", c.runs}} {
		for _, r := range s.runs {
			if l := r.Report.Load; l.Behind {
				out = append(out, fmt.Sprintf("%s run %s fell behind its schedule (%d requests late): its latency is not a valid measurement", s.name, r.Path, l.Late))
			} else if disturbed(r.Report) {
				out = append(out, fmt.Sprintf("%s run %s was disturbed: lag p99 %s of latency p99 %s, %d requests sent late; something else had the CPU, and its latency measures that too",
					s.name, r.Path, fmtMs(r.Report.LagMs.P99), fmtMs(r.Report.LatencyMs.P99), l.Late))
			}
			if r.Report.Interrupted {
				out = append(out, fmt.Sprintf("%s run %s was interrupted: its figures cover what ran", s.name, r.Path))
			}
		}
	}
	if uTestMinP(len(b.intervals), len(c.intervals)) >= o.Alpha {
		out = append(out, fmt.Sprintf("%d and %d intervals are too few for the U test at alpha %g: latency is judged by the quantiles' confidence intervals alone (longer runs or a shorter run --interval give more)",
			len(b.intervals), len(c.intervals), o.Alpha))
	}
	if n := b.dropped + c.dropped; n > 0 {
		out = append(out, fmt.Sprintf("%d latency values fell outside the histogram's range when the runs were pooled", n))
	}
	return out
}

// disturbed reports whether r's generator was held up by something else on
// its machine: its scheduler sent requests late, or more than a tenth of the
// 99th percentile of latency is the generator's own delay (lag, from the
// scheduled send to the actual one). Lag counts as the generator's only
// while a worker was always free: once the pool filled (every worker
// waiting on the target, or requests dropped for want of one) the wait for
// a worker is the target's doing, and a stalled target must show as a
// regression, not as a disturbed machine. Such a run measures the machine
// as well as the target.
func disturbed(r *report.Report) bool {
	return r.Load.Late > 0 || (!poolFilled(r) && r.LagMs.P99 > r.LatencyMs.P99/10)
}

// poolFilled reports whether r's pool of workers was full at some moment
// (every worker waiting on the target, or requests dropped for want of
// one): its lag then includes the wait for a worker, the target's doing.
func poolFilled(r *report.Report) bool {
	return r.Requests.Dropped > 0 || (r.Load.MaxInFlight > 0 && r.Load.MaxInFlightSeen >= int64(r.Load.MaxInFlight))
}
