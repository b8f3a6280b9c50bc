package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

// Marks that flag an item as passed or failed in the text and Markdown renderings.
const (
	markPass = "✓"
	markFail = "✗"
	markGap  = "!" // a coverage gap: not a failure, worth a look
)

// RenderText writes the terminal summary of r: the verdict first, then load,
// requests, statuses, timings, cases, checks, violations, thresholds and
// coverage, in aligned columns with failing items marked ✗. The output
// depends on r alone.
func RenderText(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	t := &textWriter{w: bw}
	t.header(r)
	t.load(r)
	t.requests(r)
	t.status(r)
	t.timing(r)
	t.cases(r)
	t.checks(r)
	t.violations(r)
	t.thresholds(r)
	t.coverage(r)
	return bw.Flush()
}

// textWriter writes the sections of the text summary.
type textWriter struct {
	w *bufio.Writer
}

// line writes one line, with trailing spaces removed.
func (t *textWriter) line(format string, a ...any) {
	s := fmt.Sprintf(format, a...)
	t.w.WriteString(strings.TrimRight(s, " "))
	t.w.WriteByte('\n')
}

// section starts a section with a blank line and its title.
func (t *textWriter) section(title string) {
	t.w.WriteByte('\n')
	t.line("%s", title)
}

// verdictMark returns the ✗ mark when failed, else the ✓ mark.
func verdictMark(failed bool) string {
	if failed {
		return markFail
	}
	return markPass
}

// failFlag returns the ✗ mark when failed, else a blank of the same width.
func failFlag(failed bool) string {
	if failed {
		return markFail
	}
	return " "
}

func (t *textWriter) header(r *Report) {
	t.line("%s %s  %s", verdictMark(!r.Passed), resultWord(r), r.Scenario.Name)
	t.line("  %s", verdictText(r))
	t.w.WriteByte('\n')
	tb := newTextTable("l", "l")
	scen := r.Scenario.Name + " (seed " + strconv.FormatUint(r.Scenario.Seed, 10) + ")"
	if r.Scenario.File != "" {
		scen += "  " + r.Scenario.File
	}
	tb.row("scenario", scen)
	if r.Scenario.Description != "" {
		tb.row("", r.Scenario.Description)
	}
	tb.row("target", r.Target)
	started := "-"
	if !r.Started.IsZero() {
		started = r.Started.UTC().Format(time.RFC3339Nano)
	}
	tb.row("started", started+"  duration "+units.FormatSeconds(r.DurationS))
	if r.Interrupted {
		tb.row("interrupted", markFail+" the run was interrupted; figures cover what ran")
	}
	if r.Tool.Name != "" {
		tool := strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version)
		if r.Tool.Revision != "" {
			tool += " (revision " + r.Tool.Revision + ")"
		}
		if r.Tool.Go != "" {
			tool += " " + r.Tool.Go
		}
		tb.row("tool", tool)
	}
	if h := r.Host; h.CPUs > 0 {
		tb.row("host", strings.TrimSpace(h.Name+" "+h.OS+"/"+h.Arch)+", "+pluralize(h.CPUs, "CPU", "CPUs"))
	}
	tb.write(t.w, "  ")
}

func (t *textWriter) load(r *Report) {
	t.section("LOAD")
	l := r.Load
	tb := newTextTable("l", "l")
	model := l.Model
	if l.Shape != "" {
		model += " (" + l.Shape + ")"
	}
	tb.row("model", model)
	if l.Concurrency > 0 {
		tb.row("concurrency", strconv.Itoa(l.Concurrency))
	}
	tb.row("target rate", units.FormatPerSecond(l.TargetRate))
	achieved := units.FormatPerSecond(l.AchievedRate)
	if l.TargetRate > 0 {
		achieved += " (" + units.FormatPercent(l.AchievedRate/l.TargetRate) + " of target)"
	}
	tb.row("achieved rate", achieved)
	inflight := "max " + units.FormatCount(l.MaxInFlightSeen)
	if l.MaxInFlight > 0 {
		inflight += " (cap " + strconv.Itoa(l.MaxInFlight) + ")"
	}
	tb.row("in flight", inflight)
	if l.WarmupS > 0 || r.Requests.Warmup > 0 {
		tb.row("warm-up", units.FormatSeconds(l.WarmupS)+", "+units.FormatCount(r.Requests.Warmup)+" requests checked, not measured")
	}
	if l.Late > 0 || l.Behind {
		s := strconv.FormatUint(l.Late, 10) + " requests dispatched late"
		if l.Behind {
			s = markFail + " the generator fell behind its schedule: its timing verdicts are not valid; " + s
		}
		tb.row("late", s)
	}
	tb.write(t.w, "  ")
}

func (t *textWriter) requests(r *Report) {
	t.section("REQUESTS")
	q := r.Requests
	tb := newTextTable("l", "l", "r", "l")
	tb.row(" ", "scheduled", units.FormatCount(q.Scheduled), "")
	tb.row(" ", "sent", units.FormatCount(q.Sent), "")
	tb.row(" ", "completed", units.FormatCount(q.Completed), units.FormatShare(q.Completed, q.Sent)+" of sent")
	tb.row(failFlag(q.Dropped > 0), "dropped", units.FormatCount(q.Dropped), "")
	var kinds []string
	for _, k := range mapKeysSorted(r.TransportErrors) {
		kinds = append(kinds, k+" "+units.FormatCount(r.TransportErrors[k]))
	}
	tb.row(failFlag(q.TransportErrors > 0), "transport errors", units.FormatCount(q.TransportErrors), strings.Join(kinds, ", "))
	tb.row(failFlag(q.Failed > 0), "failed a check", units.FormatCount(q.Failed), units.FormatShare(q.Failed, q.Sent)+" of sent (error_rate)")
	s := r.Shedding
	shed := ""
	if s.Count > 0 {
		shed = "429: " + units.FormatCount(s.Status429) + ", 503: " + units.FormatCount(s.Status503)
		if s.RetryAfter > 0 {
			shed += "; Retry-After on " + units.FormatCount(s.RetryAfter) + ", max " + units.FormatDurationMs(s.RetryAfterMs)
		}
	}
	tb.row(" ", "load shedding", units.FormatCount(s.Count), shed)
	tb.write(t.w, "  ")
}

func (t *textWriter) status(r *Report) {
	t.section("STATUS")
	if len(r.Status) == 0 {
		t.line("  no responses")
		return
	}
	var total int64
	for _, n := range r.Status {
		total += n
	}
	tb := newTextTable("l", "r", "r")
	for _, k := range statusKeysSorted(r.Status) {
		tb.row(k, units.FormatCount(r.Status[k]), units.FormatShare(r.Status[k], total))
	}
	tb.write(t.w, "  ")
}

func (t *textWriter) timing(r *Report) {
	t.section("TIMING (ms)")
	tb := newTextTable("l", "r", "r", "r", "r", "r", "r", "r", "r", "r")
	tb.row("", "count", "min", "mean", "p50", "p90", "p95", "p99", "p99.9", "max")
	add := func(name string, s Summary) {
		if s.Count == 0 && s.Max == 0 {
			tb.row(name, "0", "-", "-", "-", "-", "-", "-", "-", "-")
			return
		}
		tb.row(name, units.FormatCount(s.Count), units.FormatMs(s.Min), units.FormatMs(s.Mean), units.FormatMs(s.P50), units.FormatMs(s.P90),
			units.FormatMs(s.P95), units.FormatMs(s.P99), units.FormatMs(s.P99_9), units.FormatMs(s.Max))
	}
	add("latency", r.LatencyMs)
	add("service", r.ServiceMs)
	add("lag", r.LagMs)
	tb.write(t.w, "  ")
	t.line("  latency is timed from the scheduled send, service from the actual send; lag is the difference")
}

func (t *textWriter) cases(r *Report) {
	t.section("CASES")
	if len(r.Cases) == 0 {
		t.line("  no cases ran")
		return
	}
	tb := newTextTable("l", "l", "l", "r", "r", "r", "r", "r", "l")
	tb.row(" ", "case", "expect", "requests", "p50", "p99", "max", "failed", "statuses")
	for _, c := range r.Cases {
		failed := caseFailed(c)
		tb.row(failFlag(failed > 0), c.Name, fmtInts(c.Expected, "-"), units.FormatCount(c.Requests),
			units.FormatMs(c.LatencyMs.P50), units.FormatMs(c.LatencyMs.P99), units.FormatMs(c.LatencyMs.Max),
			units.FormatCount(failed), fmtStatusMix(c.Status))
	}
	tb.write(t.w, "  ")
}

func (t *textWriter) checks(r *Report) {
	t.section("CHECKS")
	if len(r.Checks) == 0 {
		t.line("  no check ran")
		return
	}
	tb := newTextTable("l", "l", "r", "l", "r", "l")
	for _, name := range checkOrder(r.Checks) {
		c := r.Checks[name]
		tb.row(verdictMark(c.Failed > 0), name, units.FormatCount(c.Passed), "passed", units.FormatCount(c.Failed), "failed")
	}
	tb.write(t.w, "  ")
}

// maxTextCurl is the longest curl line the text summary prints whole; a
// longer one (a body naming twenty participants) is shortened there, and
// is whole in report.json and report.html.
const maxTextCurl = 400

func (t *textWriter) violations(r *Report) {
	if len(r.Violations) == 0 {
		return
	}
	t.section("VIOLATIONS (" + strconv.Itoa(len(r.Violations)) + ")")
	// A request that failed several checks is a violation of each: its curl
	// line is printed once, with the first of them.
	printed := map[string]string{}
	var shortened bool
	for i, v := range r.Violations {
		if i > 0 {
			t.w.WriteByte('\n')
		}
		st := "no response"
		if v.Status != 0 {
			st = "status " + strconv.Itoa(v.Status)
		}
		t.line("  %s %s on %s: %s, %s×", markFail, v.Check, v.Case, st, units.FormatCount(v.Count))
		t.line("    %s", firstLine(v.Message))
		switch first, seen := printed[v.Curl]; {
		case v.Curl == "":
		case seen:
			t.line("    curl: the same request as %s above", first)
		default:
			printed[v.Curl] = v.Check + " on " + v.Case
			line, cut := shortCurl(v.Curl, maxTextCurl)
			shortened = shortened || cut
			t.line("    %s", line)
		}
		if sh := v.Shrink; sh != nil {
			t.line("    shrunk from %d to %d bytes in %d replays (%s)%s", sh.FromBytes, sh.ToBytes, sh.Replays, sh.Stopped,
				map[bool]string{true: "; the original is original_curl in report.json"}[v.OriginalCurl != ""])
		}
	}
	if shortened {
		t.w.WriteByte('\n')
		t.line("  (… ends a shortened curl line: report.json and report.html hold it whole)")
	}
}

// shortCurl returns a curl line of at most max runes: the body it sends
// cut first, then the rest; and whether it cut anything.
func shortCurl(curl string, max int) (string, bool) {
	if utf8.RuneCountInString(curl) <= max {
		return curl, false
	}
	for _, flag := range []string{"--data-binary '", "--data-raw '", "--data '", "-d '"} {
		i := strings.Index(curl, flag)
		if i < 0 {
			continue
		}
		head := curl[:i+len(flag)]
		if room := max - utf8.RuneCountInString(head) - 2; room >= 16 {
			body := []rune(curl[i+len(flag):])
			return head + string(body[:min(room, len(body))]) + "…'", true
		}
		break
	}
	return string([]rune(curl)[:max-1]) + "…", true
}

func (t *textWriter) thresholds(r *Report) {
	if len(r.Thresholds) == 0 {
		return
	}
	t.section("THRESHOLDS")
	tb := newTextTable("l", "l", "r", "l")
	for _, th := range r.Thresholds {
		tb.row(thresholdMark(th), th.Expr, fmtThresholdValue(th), thresholdNote(th))
	}
	tb.write(t.w, "  ")
}

func (t *textWriter) coverage(r *Report) {
	c := r.Coverage
	t.section("COVERAGE")
	tb := newTextTable("l", "l", "l")
	add := func(gap bool, label string, items []string) {
		mark := " "
		if gap {
			mark = markGap
		}
		lines := wrapWords(items, 50) // the table's first columns take 29: the lines fit 80 columns
		if len(lines) == 0 {
			lines = []string{"none"}
		}
		for i, l := range lines {
			if i == 0 {
				tb.row(mark, label, l)
			} else {
				tb.row(" ", "", l)
			}
		}
	}
	add(false, "statuses seen", intStrings(c.StatusesSeen))
	add(len(c.StatusesUnseen) > 0, "documented, never seen", intStrings(c.StatusesUnseen))
	add(false, "cases not in the mix", c.CasesNotRun)
	add(len(c.CasesNeverReached) > 0, "cases never reached", c.CasesNeverReached)
	for _, cs := range r.Cases {
		if g := cs.Generated; g != nil {
			add(g.Exercised < g.Possible, cs.Name, []string{fmt.Sprintf("%d of %d (where, mutation) pairs exercised; %s valid, %s undecided, %s on the project's choices",
				g.Exercised, g.Possible, units.FormatCount(g.Valid), units.FormatCount(g.Undecided), units.FormatCount(g.Project))})
		}
	}
	tb.write(t.w, "  ")
}

// intStrings formats integers.
func intStrings(xs []int) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strconv.Itoa(x)
	}
	return out
}

// wrapWords joins words with spaces into lines of at most width runes (a
// longer word gets a line of its own).
func wrapWords(words []string, width int) []string {
	var lines []string
	var cur string
	for _, w := range words {
		switch {
		case cur == "":
			cur = w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) > width:
			lines = append(lines, cur)
			cur = w
		default:
			cur += " " + w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// joinOr joins xs with spaces, or returns none when xs is empty.
func joinOr(xs []string, none string) string {
	if len(xs) == 0 {
		return none
	}
	return strings.Join(xs, " ")
}

// textTable lays out rows in columns, each aligned left ("l") or right ("r"),
// measuring cells in runes so that ✓ and × count as one column.
type textTable struct {
	align []string
	rows  [][]string
}

// newTextTable returns a table whose columns have the given alignments.
func newTextTable(align ...string) *textTable { return &textTable{align: align} }

// row adds a row; it must have one cell per column.
func (tb *textTable) row(cells ...string) { tb.rows = append(tb.rows, cells) }

// write writes the table, each line prefixed by indent, columns two spaces apart.
func (tb *textTable) write(w *bufio.Writer, indent string) {
	widths := make([]int, len(tb.align))
	for _, r := range tb.rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range tb.rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if tb.align[i] == "r" {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		w.WriteString(strings.TrimRight(b.String(), " "))
		w.WriteByte('\n')
	}
}
