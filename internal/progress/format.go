package progress

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// line is the Lines-mode line of a running scenario, e.g.
//
//	[  10s/30s] smoke: 99.8/s of 100.0/s, in flight 3, completed 998, errors 0, violations 2, p50 1.07ms, p99 3.20ms
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
		fmtRate(s.AchievedRate) + " of " + fmtRate(s.TargetRate),
		"in flight " + itoa(s.InFlight),
		"completed " + fmtCount(s.Completed),
		"errors " + fmtCount(s.Errors),
		"violations " + fmtCount(s.Violations),
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
		strings.TrimSuffix(fmtRate(s.AchievedRate), "/s") + " of " + fmtRate(s.TargetRate),
		"inflight " + itoa(s.InFlight),
		"done " + fmtCount(s.Completed),
		"err " + fmtCount(s.Errors),
		"viol " + fmtCount(s.Violations),
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

// fmtLatency formats a latency in milliseconds, e.g. "1.07ms", "250ms", "1.25s".
func fmtLatency(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d == 0:
		return "-"
	case ms < 10:
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	case ms < 1000:
		return strconv.FormatFloat(ms, 'f', 0, 64) + "ms"
	}
	return strconv.FormatFloat(ms/1000, 'f', 2, 64) + "s"
}

// fmtRate formats requests per second.
func fmtRate(r float64) string {
	if r < 10 {
		return strconv.FormatFloat(r, 'f', 2, 64) + "/s"
	}
	return strconv.FormatFloat(r, 'f', 1, 64) + "/s"
}

// fmtCount formats a count with thousands separators, e.g. 12,345.
func fmtCount(n int64) string { return counts.Sprintf("%d", n) }

// counts groups digits the English way, for counts in every locale.
var counts = message.NewPrinter(language.English)

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
