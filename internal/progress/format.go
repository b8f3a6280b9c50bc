package progress

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

// line is the Lines-mode line of a running scenario, e.g.
//
//	[  10s/30s] smoke: 99.8/s of 100.0/s, p50 1.07ms, p99 13.2ms in the last 1s; completed 998, errors 0, failed 2, in flight 3
func line(name string, s *Snapshot) string {
	return "[" + clock(s) + "] " + name + phase(s) + ": " + rate(s, ", ") + ", " + latencies(s, ", ") + window(s) +
		"; completed " + units.FormatCount(s.Completed) + ", errors " + units.FormatCount(s.Errors) +
		", failed " + units.FormatCount(s.Failed) + ", in flight " + itoa(s.InFlight)
}

// doneLine is the Lines-mode line of a scenario that ended: the measured
// phase's figures, those of the summary printed after it.
//
//	[  30s/30s] smoke done, measured phase: 99.9/s of 100.0/s, p50 1.07ms, p99 13.2ms; completed 2,998, errors 0, failed 6
func doneLine(name string, s *Snapshot) string {
	scope := " done"
	if s.Final {
		scope += ", measured phase"
	}
	return "[" + clock(s) + "] " + name + scope + ": " + rate(s, ", ") + ", " + latencies(s, ", ") +
		"; completed " + units.FormatCount(s.Completed) + ", errors " + units.FormatCount(s.Errors) +
		", failed " + units.FormatCount(s.Failed)
}

// phase returns " (PHASE)" for a phase worth telling, or "".
func phase(s *Snapshot) string {
	if s.Phase == "" || s.Phase == "measure" || s.Final {
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

// rate formats the achieved rate against the target ("99.8/s of 100.0/s"),
// or for a closed model the workers and the achieved rate ("16 workers,
// 7495.2/s"); "-" stands for a rate not known yet.
func rate(s *Snapshot, sep string) string {
	achieved := "-/s"
	if s.Window > 0 {
		achieved = units.FormatPerSecond(s.Rate)
	}
	if s.Workers > 0 {
		return itoa(int64(s.Workers)) + " workers" + sep + achieved
	}
	target := "-/s"
	if s.Window > 0 {
		target = units.FormatPerSecond(s.Target)
	}
	return achieved + " of " + target
}

// latencies formats p50 and p99.
func latencies(s *Snapshot, sep string) string {
	return "p50 " + fmtLatency(s.P50) + sep + "p99 " + fmtLatency(s.P99)
}

// window says what a running line's rate and latencies cover.
func window(s *Snapshot) string {
	if s.Final || s.Window <= 0 {
		return ""
	}
	return " in the last " + fmtWindow(s.Window)
}

// fmtWindow formats the length of a slice: "1s", "500ms".
func fmtWindow(d time.Duration) string {
	if d = d.Round(10 * time.Millisecond); d < time.Second {
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	}
	return fmtElapsed(d)
}

// minBar is the least room worth drawing the bar in, brackets included.
const minBar = 12

// fitLine lays out a bar's line in width columns: the figures that fit,
// most important first (time, rate, completed, errors, p99; on the last
// line "measured", rate, completed, errors, p99 and failed), then the
// scenario's name, then the bar in what is left. Items keep their order on
// the line whichever were dropped. When too little is left for the bar, the
// line is padded to the whole width, so that the bar is not drawn at all.
func fitLine(name string, s *Snapshot, width int) string {
	if s == nil || width <= 0 {
		return ""
	}
	type item struct {
		text string
		prio int // the order in which items are kept: 0 first
	}
	var items []item
	add := func(text string, prio int) {
		if text != "" {
			items = append(items, item{text, prio})
		}
	}
	// The last line says what it covers first; its clock matters least.
	clockPrio, failPrio := 0, 6
	if s.Final {
		clockPrio, failPrio = 6, 5
	}
	add(strings.TrimSpace(clock(s)), clockPrio)
	switch {
	case s.Final:
		add("measured", 0) // the figures of the summary
	case phase(s) != "":
		add(strings.Trim(phase(s), " ()"), 5)
	}
	add(rate(s, " "), 1)
	add("done "+units.FormatCount(s.Completed), 2)
	add("err "+units.FormatCount(s.Errors), 3)
	add("fail "+units.FormatCount(s.Failed), failPrio)
	add("p50 "+fmtLatency(s.P50), 7)
	add("p99 "+fmtLatency(s.P99), 4)
	if !s.Final {
		add("inflight "+itoa(s.InFlight), 8)
	}
	add(name, 9)

	const gap = 2
	keep := make([]bool, len(items))
	used := -gap
	for prio := 0; prio <= 9; prio++ {
		for i, it := range items {
			if it.prio != prio {
				continue
			}
			if w := utf8.RuneCountInString(it.text); used+gap+w <= width {
				keep[i], used = true, used+gap+w
			}
		}
	}
	var b strings.Builder
	for i, it := range items {
		if !keep[i] {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(strings.Repeat(" ", gap))
		}
		b.WriteString(it.text)
	}
	out := b.String()
	// mpb puts a space on each side of the bar.
	if n := utf8.RuneCountInString(out); width-n-2 < minBar {
		out += strings.Repeat(" ", max(width-n, 0))
	}
	return out
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
