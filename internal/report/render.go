package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/units"
)

// OutputFormat names one rendering of a report. (Report.Format, a string
// field, names the version of report.json itself; the constant Format holds
// its current value.)
type OutputFormat string

// The renderings of a report. Every one is computed from the Report alone,
// so re-rendering a saved report.json gives the same bytes as the run wrote.
const (
	// FormatText is the terminal summary printed at the end of a run.
	FormatText OutputFormat = "text"
	// FormatJSON is report.json: pretty-printed, two-space indent, trailing newline.
	FormatJSON OutputFormat = "json"
	// FormatHTML is report.html: one self-contained page with charts.
	FormatHTML OutputFormat = "html"
	// FormatJUnit is junit.xml: one testcase per (case, check) and per threshold.
	FormatJUnit OutputFormat = "junit"
	// FormatMarkdown is summary.md, for a CI job summary or a pull-request comment.
	FormatMarkdown OutputFormat = "markdown"
	// FormatHlog is latency.hlog, the HdrHistogram interval log of the run's latency.
	FormatHlog OutputFormat = "hlog"
)

// Formats returns every output format in the order the docs list them.
func Formats() []OutputFormat {
	return []OutputFormat{FormatText, FormatJSON, FormatHTML, FormatJUnit, FormatMarkdown, FormatHlog}
}

// ParseFormat returns the output format with the given name. "md" is
// accepted for markdown and "xml" for junit.
func ParseFormat(s string) (OutputFormat, error) {
	switch f := OutputFormat(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatText, FormatJSON, FormatHTML, FormatJUnit, FormatMarkdown, FormatHlog:
		return f, nil
	case "md":
		return FormatMarkdown, nil
	case "xml":
		return FormatJUnit, nil
	}
	names := make([]string, 0, 6)
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown format %q; use one of %s", s, strings.Join(names, ", "))
}

// Render writes r to w in format f.
func Render(w io.Writer, r *Report, f OutputFormat) error {
	if r == nil {
		return fmt.Errorf("render %s: no report", f)
	}
	switch f {
	case FormatText:
		return RenderText(w, r)
	case FormatJSON:
		return RenderJSON(w, r)
	case FormatHTML:
		return RenderHTML(w, r)
	case FormatJUnit:
		return RenderJUnit(w, r)
	case FormatMarkdown:
		return RenderMarkdown(w, r)
	case FormatHlog:
		return WriteHlog(w, r)
	}
	return fmt.Errorf("render: unknown format %q", f)
}

// RenderJSON writes r as report.json: indented by two spaces, with a
// trailing newline, HTML characters left unescaped so curl lines stay readable.
func RenderJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// statusKeysSorted returns the keys of a status map in numeric order; keys that
// are not numbers sort after the numbers, alphabetically.
func statusKeysSorted(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		ai, aerr := strconv.Atoi(a)
		bi, berr := strconv.Atoi(b)
		switch {
		case aerr == nil && berr == nil:
			return ai - bi
		case aerr == nil:
			return -1
		case berr == nil:
			return 1
		}
		return strings.Compare(a, b)
	})
	return keys
}

// mapKeysSorted returns the keys of m in alphabetical order.
func mapKeysSorted[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// checkOrder returns the names of the checks in m: the contract's checks in
// report order first, then any others alphabetically.
func checkOrder(m map[string]Counts) []string {
	var out []string
	known := map[string]bool{}
	for _, c := range contract.Checks() {
		known[c.String()] = true
		if _, ok := m[c.String()]; ok {
			out = append(out, c.String())
		}
	}
	for _, k := range mapKeysSorted(m) {
		if !known[k] {
			out = append(out, k)
		}
	}
	return out
}

// matrixChecks returns the checks to show as columns of the conformance
// matrix: every contract check, plus any other check a case reports.
func matrixChecks(r *Report) []string {
	all := map[string]Counts{}
	for _, c := range contract.Checks() {
		all[c.String()] = Counts{}
	}
	for k := range r.Checks {
		all[k] = Counts{}
	}
	for _, c := range r.Cases {
		for k := range c.Checks {
			all[k] = Counts{}
		}
	}
	return checkOrder(all)
}

// failingChecks returns the names of the checks with at least one failure.
func failingChecks(r *Report) []string {
	var out []string
	for _, name := range checkOrder(r.Checks) {
		if r.Checks[name].Failed > 0 {
			out = append(out, name)
		}
	}
	return out
}

// failingThresholds returns the thresholds that did not hold.
func failingThresholds(r *Report) []Threshold {
	var out []Threshold
	for _, t := range r.Thresholds {
		if !t.Pass {
			out = append(out, t)
		}
	}
	return out
}

// verdictText returns the one-line explanation of the result: the report's own
// Verdict when it has one, else one made from the failing items.
func verdictText(r *Report) string {
	if r.Verdict != "" {
		return r.Verdict
	}
	if r.Passed {
		return "passed: every check and threshold held"
	}
	var why []string
	if n := len(failingChecks(r)); n > 0 {
		why = append(why, pluralize(n, "check", "checks")+" failed")
	}
	if n := len(failingThresholds(r)); n > 0 {
		why = append(why, pluralize(n, "threshold", "thresholds")+" failed")
	}
	if r.Load.Behind {
		why = append(why, "the load generator fell behind its schedule")
	}
	if r.Interrupted {
		why = append(why, "interrupted")
	}
	if len(why) == 0 {
		return "failed"
	}
	return "failed: " + strings.Join(why, ", ")
}

// pluralize formats n with the singular or plural noun.
func pluralize(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// thresholdMark is the mark of a threshold's row: held, failed, or "~" for a
// verdict the generator's lag made invalid.
func thresholdMark(t Threshold) string {
	if t.Invalid {
		return "~"
	}
	return verdictMark(!t.Pass)
}

// thresholdNote explains a threshold's row when it needs it.
func thresholdNote(t Threshold) string {
	switch {
	case t.Error != "":
		return t.Error
	case t.Invalid:
		return "not valid: the generator fell behind its schedule"
	}
	return ""
}

// resultWord is PASSED, FAILED, INVALID (the generator fell behind and a
// timing verdict depends on it), INTERRUPTED or RUNNING.
func resultWord(r *Report) string {
	switch {
	case r.Passed:
		return "PASSED"
	case r.Outcome == "" || r.Outcome == OutcomeFailed:
		return "FAILED"
	}
	return strings.ToUpper(string(r.Outcome))
}

// fmtThresholdValue formats the measured value of a threshold in the unit
// its metric implies: milliseconds for latency, service and lag, a
// percentage for error_rate, requests per second for rate, a count otherwise.
func fmtThresholdValue(t Threshold) string {
	if t.Error != "" {
		return "n/a"
	}
	unit := t.Unit
	if unit == "" {
		metric := t.Expr
		if i := strings.IndexAny(metric, "{. <>=!"); i >= 0 {
			metric = metric[:i]
		}
		unit = map[string]string{"latency": "ms", "service": "ms", "lag": "ms", "error_rate": "fraction", "rate": "/s"}[metric]
	}
	switch unit {
	case "ms":
		return units.FormatDurationMs(t.Value)
	case "fraction":
		return units.FormatPercent(t.Value)
	case "/s":
		return units.FormatPerSecond(t.Value)
	}
	if t.Value == math.Trunc(t.Value) && math.Abs(t.Value) < 1e15 {
		return units.FormatCount(int64(t.Value))
	}
	return strconv.FormatFloat(t.Value, 'g', 6, 64)
}

// fmtInts joins integers with spaces, or returns none when there are none.
func fmtInts(xs []int, none string) string {
	if len(xs) == 0 {
		return none
	}
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, " ")
}

// fmtStatusMix formats a status map as "204×2700 400×150".
func fmtStatusMix(m map[string]int64) string {
	if len(m) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(m))
	for _, k := range statusKeysSorted(m) {
		parts = append(parts, k+"×"+strconv.FormatInt(m[k], 10))
	}
	return strings.Join(parts, " ")
}

// caseFailed sums the failures of every check of a case.
func caseFailed(c Case) int64 {
	var n int64
	for _, k := range c.Checks {
		n += k.Failed
	}
	return n
}

// violationsOf returns the violations of one case and check, in report order.
func violationsOf(r *Report, caseName, check string) []Violation {
	var out []Violation
	for _, v := range r.Violations {
		if v.Case == caseName && v.Check == check {
			out = append(out, v)
		}
	}
	return out
}

// firstLine returns s up to its first line break.
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// statusLabel names a violation's status: the number, or "no response".
func statusLabel(status int) string {
	if status == 0 {
		return "no response"
	}
	return strconv.Itoa(status)
}
