package report

import (
	"strconv"
	"strings"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

// figureThresholds marks each figure that a failed threshold of the whole
// run is about: its edge turns red and its title names the threshold.
func figureThresholds(r *Report, figs []htmlFigure) {
	// The figure each metric and stat is shown in, by label.
	on := map[[2]string]string{
		{"latency", "p50"}: "latency p50", {"latency", "p99"}: "latency p99",
		{"latency", "p99_9"}: "latency p99.9", {"latency", "max"}: "latency p99.9",
		{"rate", "achieved"}: "achieved rate", {"error_rate", ""}: "check failures",
		{"requests", "transport_errors"}: "transport errors", {"requests", "dropped"}: "transport errors",
	}
	for _, t := range r.Thresholds {
		label, ok := on[[2]string{t.Metric, t.Stat}]
		if !ok || t.Case != "" || t.Pass {
			continue
		}
		for i := range figs {
			if figs[i].Label == label {
				figs[i].Bad = true
				figs[i].Why = strings.TrimPrefix(figs[i].Why+"; ", "; ") + "threshold " + t.Expr + " did not hold"
				figs[i].Sub += " · ✗ " + t.Op + " " + fmtThresholdBound(t)
			}
		}
	}
}

// fmtThresholdBound formats a threshold's bound in its unit.
func fmtThresholdBound(t Threshold) string {
	return fmtThresholdValue(Threshold{Expr: t.Expr, Unit: t.Unit, Value: t.Bound})
}

// htmlRunFacts lists what identifies the run beyond the scenario: the tool
// and its build, the host, the scenario file and the time slices.
func htmlRunFacts(r *Report) []htmlFact {
	var out []htmlFact
	add := func(k, v string, mono bool) {
		if v != "" {
			out = append(out, htmlFact{k, v, mono})
		}
	}
	t := r.Tool
	tool := strings.TrimSpace(t.Name + " " + t.Version)
	if t.Revision != "" {
		tool += " (revision " + t.Revision + ")"
	}
	if t.Go != "" {
		tool += ", built with " + t.Go
	}
	add("tool", tool, false)
	h := r.Host
	var host []string
	if h.Name != "" {
		host = append(host, h.Name)
	}
	if h.OS != "" {
		host = append(host, h.OS+"/"+h.Arch)
	}
	if h.CPUs > 0 {
		host = append(host, pluralize(h.CPUs, "CPU", "CPUs")+", GOMAXPROCS "+strconv.Itoa(h.GOMAXPROCS))
	}
	add("host", strings.Join(host, " · "), false)
	add("scenario file", r.Scenario.File, true)
	add("contract", r.Contract, true)
	if r.IntervalS > 0 {
		slices := "every " + units.FormatSeconds(r.IntervalS)
		if r.JoinedSlices() {
			slices += "; report.json joins them into intervals of " + units.FormatSeconds(sliceWidth(r.Intervals)) +
				" (at most " + strconv.Itoa(MaxIntervals) + "), latency.hlog holds each one"
		}
		add("time slices", slices, false)
	}
	return out
}
