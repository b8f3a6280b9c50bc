package threshold

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/units"
	"github.com/wrtcbench/wrtcbench/internal/yamlnode"
)

// Threshold is one condition on a run's results, e.g. "latency.p99 < 250ms".
//
// The grammar is METRIC[{case=NAME}][.PART...] OP VALUE:
//
//	latency.p99 < 250ms                      latency, service, lag: a duration stat
//	latency{case=subscribe_all}.p50 < 20ms   the same, for one case
//	latency.p99.9 < 1s                       p99.9 is p99_9
//	error_rate < 0.1%                        share of requests that failed a check
//	checks.status_expected.failed == 0       a check's failed or passed count
//	requests.dropped == 0                    scheduled, sent, completed, dropped, transport_errors
//	rate.achieved >= 95/s                    achieved request rate
//	shedding == 0                            count of 429 and 503 answers
//
// OP is one of < <= > >= == !=. The metrics are the rows of Metrics().
type Threshold struct {
	// Expr is the expression as written.
	Expr string
	// Metric is the row of the metric table the expression names.
	Metric *Metric
	// Case narrows the metric to one case of the mix; "" is the whole run.
	Case string
	// Check is the check a checks threshold counts, e.g. status_expected.
	Check string
	// Stat selects a figure of the metric: min, mean, max, stddev, pNN or
	// pNN_N for durations; failed or passed for checks; a count's name for
	// requests; achieved for rate. Empty for error_rate and shedding.
	Stat string
	// Op is the comparison.
	Op Op
	// Value is the bound in the metric's unit: milliseconds, a fraction
	// (0..1), requests per second or a count.
	Value float64
	// Percent records that a fraction was written as a percentage.
	Percent bool
	// AbortOnFail stops the run as soon as the threshold fails while it
	// goes on (checked once per interval, on the figures so far), once
	// Grace has passed since the end of the warm-up: a soak whose verdict
	// is already lost need not run for hours.
	AbortOnFail bool
	Grace       time.Duration
	// Line is the threshold's line in the scenario file, or 0.
	Line int
}

// Op is a comparison.
type Op string

// The comparisons, longest first, as the parser tries them.
var ops = []Op{"<=", ">=", "==", "!=", "<", ">"}

// holds reports whether v Op bound.
func (o Op) holds(v, bound float64) bool {
	switch o {
	case "<":
		return v < bound
	case "<=":
		return v <= bound
	case ">":
		return v > bound
	case ">=":
		return v >= bound
	case "==":
		return v == bound
	case "!=":
		return v != bound
	}
	return false
}

// Parse parses a threshold expression. Errors say what is allowed.
func Parse(expr string) (Threshold, error) {
	t := Threshold{Expr: expr}
	lhs, op, rhs, ok := splitOp(expr)
	if !ok {
		return t, fmt.Errorf("%q has no comparison; write METRIC OP VALUE with OP one of %s, e.g. latency.p99 < 250ms",
			expr, opList())
	}
	t.Op = op
	if err := t.parseLHS(lhs); err != nil {
		return t, fmt.Errorf("%q: %w", expr, err)
	}
	if err := t.parseValue(rhs); err != nil {
		return t, fmt.Errorf("%q: %w", expr, err)
	}
	return t, nil
}

func opList() string {
	s := make([]string, len(ops))
	for i, o := range ops {
		s[i] = string(o)
	}
	return strings.Join(s, " ")
}

// splitOp finds the first comparison operator and splits around it.
func splitOp(expr string) (lhs string, op Op, rhs string, ok bool) {
	from := strings.IndexByte(expr, '}') + 1 // skip the = of {case=NAME}
	i := strings.IndexAny(expr[from:], "<>=!")
	if i < 0 {
		return "", "", "", false
	}
	i += from
	for _, o := range ops {
		if strings.HasPrefix(expr[i:], string(o)) {
			return strings.TrimSpace(expr[:i]), o, strings.TrimSpace(expr[i+len(o):]), true
		}
	}
	return "", "", "", false
}

// parseLHS parses METRIC[{labels}][.PART...].
func (t *Threshold) parseLHS(lhs string) error {
	names := metricNames()
	if lhs == "" {
		return fmt.Errorf("no metric before the comparison; metrics: %s", strings.Join(names, ", "))
	}
	var labels string
	hasLabels := false
	if i := strings.IndexByte(lhs, '{'); i >= 0 {
		hasLabels = true
		j := strings.IndexByte(lhs, '}')
		if j < i {
			return fmt.Errorf("unclosed label braces; write e.g. latency{case=subscribe_all}.p50")
		}
		labels = lhs[i+1 : j]
		lhs = lhs[:i] + lhs[j+1:]
	}
	parts := strings.Split(lhs, ".")
	for i, p := range parts {
		if !isIdent(p) && !(i > 1 && isDigits(p)) { // digits: the 9 of p99.9
			return fmt.Errorf("%q is not a metric name; metrics: %s", lhs, strings.Join(names, ", "))
		}
	}
	m, ok := LookupMetric(parts[0])
	if !ok {
		return fmt.Errorf("unknown metric %q; allowed: %s%s", parts[0], strings.Join(names, ", "), yamlnode.DidYouMean(parts[0], names))
	}
	t.Metric = m
	rest := parts[1:]
	if hasLabels {
		if !m.Cases {
			return fmt.Errorf("labels are allowed only on %s", strings.Join(caseMetrics(), ", "))
		}
		if err := t.parseLabels(labels); err != nil {
			return err
		}
	}
	if m.Name == "checks" {
		if len(rest) != 2 {
			return fmt.Errorf("write checks.CHECK.failed or checks.CHECK.passed, with CHECK one of %s", strings.Join(checkNames(), ", "))
		}
		if _, ok := contract.ParseCheck(rest[0]); !ok {
			return fmt.Errorf("unknown check %q; allowed: %s%s", rest[0], strings.Join(checkNames(), ", "), yamlnode.DidYouMean(rest[0], checkNames()))
		}
		t.Check, rest = rest[0], rest[1:]
	}
	if m.Unit == Millis && len(rest) == 2 && percentileStat.MatchString(rest[0]) && isDigits(rest[1]) {
		rest = []string{rest[0] + "_" + rest[1]} // p99.9, as every report prints it, is p99_9
	}
	switch {
	case m.Stats == nil && len(rest) > 0:
		return fmt.Errorf("%s takes no stat; write e.g. %s", m.Name, m.Example)
	case m.Stats == nil:
		return nil
	case len(rest) != 1:
		return fmt.Errorf("%s needs one stat after a dot, e.g. %s; allowed: %s", m.Name, m.Example, m.Help)
	case !m.Stats(rest[0]):
		return fmt.Errorf("unknown stat %q for %s; allowed: %s", rest[0], m.Name, m.Help)
	}
	t.Stat = rest[0]
	return nil
}

// caseMetrics lists the metrics that take a case label.
func caseMetrics() []string {
	var out []string
	for _, m := range metrics {
		if m.Cases {
			out = append(out, m.Name)
		}
	}
	return out
}

// parseLabels parses the text between braces: case=NAME.
func (t *Threshold) parseLabels(s string) error {
	seen := false
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return fmt.Errorf("label %q is not KEY=VALUE; write e.g. {case=subscribe_all}", strings.TrimSpace(kv))
		}
		if k != "case" {
			return fmt.Errorf("unknown label %q; allowed: case", k)
		}
		if _, ok := contract.LookupCase(v); !ok {
			return fmt.Errorf("unknown case %q%s; see the cases in docs/scenario.md", v, yamlnode.DidYouMean(v, contract.CaseNames()))
		}
		if seen {
			return fmt.Errorf("label %q given twice", k)
		}
		seen, t.Case = true, v
	}
	return nil
}

// parseValue parses the bound in the unit the metric needs.
func (t *Threshold) parseValue(s string) error {
	if s == "" {
		return fmt.Errorf("no value after %s", t.Op)
	}
	m := t.Metric
	switch m.Unit {
	case Millis:
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%s is not a duration; %s needs one with a unit, e.g. 250ms, 1.5s or 800us", s, m.Name)
		}
		if d < 0 {
			return fmt.Errorf("%s: a duration bound must not be negative", s)
		}
		t.Value = float64(d) / float64(time.Millisecond)
	case Fraction:
		v, pct, err := units.ParseFraction(s)
		if err != nil {
			return fmt.Errorf("%s: %w", m.Name, err)
		}
		t.Value, t.Percent = v, pct
	case PerSecond:
		r, err := units.ParseRateOrZero(s)
		if err != nil {
			return err
		}
		t.Value = r.PerSecond
	default:
		v, err := units.ParseNumber(s)
		if err != nil {
			return fmt.Errorf("%s is not a number; %s is a count", s, m.Name)
		}
		if v < 0 {
			return fmt.Errorf("%s: a count bound must not be negative", s)
		}
		t.Value = v
	}
	return nil
}

// String returns the normalized expression, e.g.
// "latency{case=subscribe_all}.p50 < 20ms".
func (t Threshold) String() string {
	var b strings.Builder
	b.WriteString(t.Metric.Name)
	if t.Case != "" {
		b.WriteString("{case=" + t.Case + "}")
	}
	if t.Check != "" {
		b.WriteString("." + t.Check)
	}
	if t.Stat != "" {
		b.WriteString("." + t.Stat)
	}
	b.WriteString(" " + string(t.Op) + " ")
	switch t.Metric.Unit {
	case Millis:
		b.WriteString(units.FormatFloat(t.Value) + "ms")
	case Fraction:
		if t.Percent {
			b.WriteString(units.FormatFloat(t.Value*100) + "%")
		} else {
			b.WriteString(units.FormatFloat(t.Value))
		}
	case PerSecond:
		b.WriteString(units.Rate{PerSecond: t.Value}.String())
	default:
		b.WriteString(units.FormatFloat(t.Value))
	}
	return b.String()
}

// Live reports, as an error saying why not, whether the threshold can be
// judged on the figures of a run still going (an abort_on_fail threshold
// is): those hold no histograms, so a duration percentile must be one of
// the summaries' (p50, p90, p95, p99, p99_9).
func (t Threshold) Live() error {
	if t.Metric.Unit != Millis {
		return nil
	}
	switch t.Stat {
	case "min", "mean", "max", "stddev", "p50", "p90", "p95", "p99", "p99_9":
		return nil
	}
	return fmt.Errorf("abort_on_fail judges the figures so far, which hold p50, p90, p95, p99 and p99_9 but not %s; use one of them", t.Stat)
}

// Evaluate measures the threshold on r and says whether it held. A
// threshold that cannot be measured fails, with the reason in Error.
func (t Threshold) Evaluate(r *report.Report) report.Threshold {
	out := report.Threshold{Expr: t.Expr, Unit: string(t.Metric.Unit), Timing: t.Metric.Timing}
	v, err := t.Metric.measure(r, &t)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	if math.IsNaN(v) {
		out.Error = "no value"
		return out
	}
	out.Value = v
	out.Pass = t.Op.holds(v, t.Value)
	return out
}

var _ report.Gate = Threshold{}

func isIdent(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil && s != "" && s[0] != '+'
}
