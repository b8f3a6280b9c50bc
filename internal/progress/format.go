package progress

import (
	"strconv"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

// line is the Lines-mode line of a running scenario, e.g.
//
//	[  10s/30s] smoke: 99.8/s of 100.0/s, in flight 3, completed 998, errors 0, violations 2, p50 1.07ms, p99 13.2ms
func line(name string, s *Snapshot) string {
	return "[" + clock(s) + "] " + name + phase(s) + ": " + figures(s)
}

// doneLine is the Lines-mode line of a scenario that ended.
func doneLine(name string, s *Snapshot) string {
	return "[" + clock(s) + "] " + name + " done: " + figures(s)
}

// phase returns " (PHASE)" or "".
func phase(s *Snapshot) string {
	if s.Phase == "" {
		return ""
	}
	return " (" + s.Phase + ")"
}

// clock formats elapsed/total, or the elapsed time alone when there is no total.
func clock(s *Snapshot) string {
	if s == nil {
		return ""
	}
	if s.Total <= 0 {
		return pad(fmtElapsed(s.Elapsed), 5)
	}
	return pad(fmtElapsed(s.Elapsed), 5) + "/" + fmtElapsed(s.Total)
}

// figures formats the rates, counts and latencies of a snapshot for a line.
func figures(s *Snapshot) string {
	return strings.Join([]string{
		units.FormatPerSecond(s.AchievedRate) + " of " + units.FormatPerSecond(s.TargetRate),
		"in flight " + itoa(s.InFlight),
		"completed " + units.FormatCount(s.Completed),
		"errors " + units.FormatCount(s.Errors),
		"violations " + units.FormatCount(s.Violations),
		"p50 " + fmtLatency(s.P50),
		"p99 " + fmtLatency(s.P99),
	}, ", ")
}

// barFigures formats a snapshot for the right side of a bar.
func barFigures(s *Snapshot) string {
	if s == nil {
		return ""
	}
	return strings.Join([]string{
		strings.TrimSuffix(units.FormatPerSecond(s.AchievedRate), "/s") + " of " + units.FormatPerSecond(s.TargetRate),
		"inflight " + itoa(s.InFlight),
		"done " + units.FormatCount(s.Completed),
		"err " + units.FormatCount(s.Errors),
		"viol " + units.FormatCount(s.Violations),
		"p50 " + fmtLatency(s.P50),
		"p99 " + fmtLatency(s.P99),
	}, "  ") + phase(s)
}

// fmtElapsed formats a duration in whole seconds, or minutes and seconds.
func fmtElapsed(d time.Duration) string {
	sec := int64(d.Round(time.Second) / time.Second)
	if sec < 60 {
		return itoa(sec) + "s"
	}
	return itoa(sec/60) + "m" + pad2(sec%60) + "s"
}

// fmtLatency formats a latency as every report does ("1.07ms", "250.0ms",
// "1.25s"), or "-" before the first answer.
func fmtLatency(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return units.FormatDuration(d)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// pad right-aligns s in width columns.
func pad(s string, width int) string {
	if len(s) >= width {
		return s
	}
	return strings.Repeat(" ", width-len(s)) + s
}

// pad2 formats 0..59 with two digits.
func pad2(n int64) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}
