package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

// RenderMarkdown writes summary.md: the verdict, the key figures and the
// failing checks as GitHub-flavoured Markdown tables, fit for
// $GITHUB_STEP_SUMMARY or a pull-request comment. Violations carry their
// curl lines in collapsible code blocks.
func RenderMarkdown(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	m := &mdWriter{w: bw}
	m.header(r)
	m.keyFigures(r)
	m.timing(r)
	m.thresholds(r)
	m.checks(r)
	m.violations(r)
	m.cases(r)
	m.status(r)
	m.coverage(r)
	return bw.Flush()
}

// mdWriter writes the sections of summary.md.
type mdWriter struct {
	w *bufio.Writer
}

// p writes one line.
func (m *mdWriter) p(format string, a ...any) {
	fmt.Fprintf(m.w, format, a...)
	m.w.WriteByte('\n')
}

// heading writes a level-3 heading preceded by a blank line.
func (m *mdWriter) heading(title string) {
	m.p("\n### %s\n", title)
}

// table writes a GitHub table; align holds "l" or "r" per column. Cells
// must already be escaped, with mdCell for text or mdCode for code.
func (m *mdWriter) table(align string, head []string, rows [][]string) {
	m.p("| %s |", strings.Join(head, " | "))
	seps := make([]string, len(head))
	for i := range seps {
		seps[i] = "---"
		if i < len(align) && align[i] == 'r' {
			seps[i] = "--:"
		}
	}
	m.p("| %s |", strings.Join(seps, " | "))
	for _, r := range rows {
		for i, c := range r {
			if c == "" {
				r[i] = " "
			}
		}
		m.p("| %s |", strings.Join(r, " | "))
	}
}

// mdCellEscaper escapes table-cell text: a pipe would end the cell, a line
// break the row, and angle brackets would be read as HTML.
var mdCellEscaper = strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;")

// mdCell escapes text for a table cell.
func mdCell(s string) string { return mdCellEscaper.Replace(s) }

// mdCodeEscaper escapes code-span text: in a table a pipe must be escaped
// even inside a code span, and a line break would end the row.
var mdCodeEscaper = strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ")

// mdCode wraps s in a code span, with enough backticks to hold any inside it.
func mdCode(s string) string {
	s = mdCodeEscaper.Replace(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// mdFence returns a code fence longer than any run of backticks in s.
func mdFence(s string) string {
	fence := "```"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence
}

func (m *mdWriter) header(r *Report) {
	icon := "✅"
	if !r.Passed {
		icon = "❌"
	}
	m.p("## %s wrtcbench %s: %s\n", icon, mdCode(r.Scenario.Name), resultWord(r))
	m.p("**%s**", htmlText(verdictText(r)))
	if r.Interrupted {
		m.p("\n> [!WARNING]\n> The run was interrupted; the figures cover what ran.")
	}
	if r.Load.Behind {
		m.p("\n> [!WARNING]\n> The load generator fell behind its schedule (%d requests late): its timing verdicts (latency, service, lag, rate) are not valid.", r.Load.Late)
	}
}

func (m *mdWriter) keyFigures(r *Report) {
	m.p("")
	started := "-"
	if !r.Started.IsZero() {
		started = r.Started.UTC().Format(time.RFC3339)
	}
	rate := units.FormatPerSecond(r.Load.TargetRate) + " → " + units.FormatPerSecond(r.Load.AchievedRate)
	if r.Load.Shape != "" {
		rate += " (" + r.Load.Shape + ")"
	}
	q := r.Requests
	rows := [][]string{
		{"target", mdCode(r.Target)},
		{"started", started + ", " + units.FormatSeconds(r.DurationS)},
		{"seed", strconv.FormatUint(r.Scenario.Seed, 10)},
		{"rate (target → achieved)", rate},
		{"requests", units.FormatCount(q.Completed) + " completed of " + units.FormatCount(q.Sent) + " sent (" + units.FormatCount(q.Scheduled) + " scheduled)"},
		{"dropped / transport errors", units.FormatCount(q.Dropped) + " / " + units.FormatCount(q.TransportErrors)},
		{"max in flight", units.FormatCount(r.Load.MaxInFlightSeen)},
	}
	if r.Shedding.Count > 0 {
		rows = append(rows, []string{"load shedding (429/503)", units.FormatCount(r.Shedding.Status429) + " / " + units.FormatCount(r.Shedding.Status503)})
	}
	m.table("lr", []string{"run", mdCode(r.Scenario.Name)}, rows)
}

func (m *mdWriter) timing(r *Report) {
	m.heading("Latency (ms)")
	row := func(name string, s Summary) []string {
		return []string{name, units.FormatMs(s.P50), units.FormatMs(s.P90), units.FormatMs(s.P95), units.FormatMs(s.P99), units.FormatMs(s.P99_9), units.FormatMs(s.Max)}
	}
	m.table("lrrrrrr", []string{"", "p50", "p90", "p95", "p99", "p99.9", "max"}, [][]string{
		row("latency (from scheduled send)", r.LatencyMs),
		row("service (from actual send)", r.ServiceMs),
		row("lag (send delay)", r.LagMs),
	})
}

func (m *mdWriter) thresholds(r *Report) {
	if len(r.Thresholds) == 0 {
		return
	}
	m.heading("Thresholds")
	var rows [][]string
	for _, t := range r.Thresholds {
		rows = append(rows, []string{thresholdMark(t), mdCode(t.Expr), fmtThresholdValue(t), mdCell(thresholdNote(t))})
	}
	m.table("llrl", []string{"", "threshold", "value", "note"}, rows)
}

func (m *mdWriter) checks(r *Report) {
	m.heading("Checks")
	if len(r.Checks) == 0 {
		m.p("No check ran.")
		return
	}
	var rows [][]string
	for _, name := range checkOrder(r.Checks) {
		c := r.Checks[name]
		rows = append(rows, []string{verdictMark(c.Failed > 0), mdCode(name), units.FormatCount(c.Passed), units.FormatCount(c.Failed)})
	}
	m.table("llrr", []string{"", "check", "passed", "failed"}, rows)
}

func (m *mdWriter) violations(r *Report) {
	if len(r.Violations) == 0 {
		return
	}
	m.heading("Violations")
	var rows [][]string
	for _, v := range r.Violations {
		rows = append(rows, []string{mdCode(v.Check), mdCode(v.Case), statusLabel(v.Status), units.FormatCount(v.Count), mdCell(firstLine(v.Message))})
	}
	m.table("llrrl", []string{"check", "case", "status", "count", "message"}, rows)
	for _, v := range r.Violations {
		if v.Curl == "" {
			continue
		}
		m.p("")
		m.p("<details><summary>Reproduce %s on %s (%s)</summary>\n", htmlText(v.Check), htmlText(v.Case), statusLabel(v.Status))
		fence := mdFence(v.Curl)
		m.p("%ssh\n%s\n%s\n", fence, v.Curl, fence)
		m.p("</details>")
	}
}

func (m *mdWriter) cases(r *Report) {
	m.heading("Cases")
	if len(r.Cases) == 0 {
		m.p("No case ran.")
		return
	}
	var rows [][]string
	for _, c := range r.Cases {
		failed := caseFailed(c)
		rows = append(rows, []string{verdictMark(failed > 0), mdCode(c.Name), fmtInts(c.Expected, "-"), units.FormatCount(c.Requests),
			units.FormatMs(c.LatencyMs.P50), units.FormatMs(c.LatencyMs.P99), units.FormatCount(failed), fmtStatusMix(c.Status)})
	}
	m.table("lllrrrrl", []string{"", "case", "expected", "requests", "p50 ms", "p99 ms", "failed checks", "statuses"}, rows)
}

func (m *mdWriter) status(r *Report) {
	if len(r.Status) == 0 {
		return
	}
	m.heading("Statuses")
	var total int64
	for _, n := range r.Status {
		total += n
	}
	var rows [][]string
	for _, k := range statusKeysSorted(r.Status) {
		rows = append(rows, []string{k, units.FormatCount(r.Status[k]), units.FormatShare(r.Status[k], total)})
	}
	for _, k := range mapKeysSorted(r.TransportErrors) {
		rows = append(rows, []string{"transport: " + mdCell(k), units.FormatCount(r.TransportErrors[k]), ""})
	}
	m.table("lrr", []string{"status", "count", "share"}, rows)
}

func (m *mdWriter) coverage(r *Report) {
	c := r.Coverage
	m.heading("Coverage")
	m.p("- statuses seen: %s", fmtInts(c.StatusesSeen, "none"))
	m.p("- documented statuses never seen: %s", fmtInts(c.StatusesUnseen, "none"))
	m.p("- catalogue cases not in the mix: %s", mdCell(joinOr(c.CasesNotRun, "none")))
	m.p("- cases that never got an expected status: %s", mdCell(joinOr(c.CasesNeverReached, "none")))
}

// htmlText escapes s for HTML text, as Markdown passes raw HTML through.
var htmlTextEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// htmlText escapes s for use inside an HTML element of summary.md.
func htmlText(s string) string { return htmlTextEscaper.Replace(s) }
