package scenarios

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/units"
	"github.com/wrtcbench/wrtcbench/internal/yamlnode"
)

// Threshold is one condition on the run's results, e.g. "latency.p99 < 250ms".
//
// The grammar is METRIC[{case=NAME}][.PART...] OP VALUE:
//
//	latency.p99 < 250ms                      latency, service, lag: a duration stat
//	latency{case=subscribe_all}.p50 < 20ms   the same, for one case
//	error_rate < 0.1%                        share of requests that failed a check
//	checks.status_expected.failed == 0       a check's failed or passed count
//	requests.dropped == 0                    scheduled, sent, completed, dropped, transport_errors
//	rate.achieved >= 95/s                    achieved request rate
//	shedding == 0                            count of 429 and 503 answers
//
// OP is one of < <= > >= == !=.
type Threshold struct {
	// Expr is the expression as written.
	Expr string
	// Metric is latency, service, lag, error_rate, checks, requests, rate or shedding.
	Metric string
	// Labels narrow the metric: {"case": NAME} for latency, service and lag;
	// {"check": NAME} for checks (the check name, e.g. status_expected).
	Labels map[string]string
	// Stat selects a figure of the metric: min, mean, max, pNN or pNN_N for
	// durations (p99_9 is the 99.9th percentile); failed or passed for checks;
	// scheduled, sent, completed, dropped or transport_errors for requests;
	// achieved for rate. Empty for error_rate and shedding.
	Stat string
	// Op is the comparison: < <= > >= == !=.
	Op string
	// Value is the bound: milliseconds for durations, a fraction (0..1) for
	// error_rate, requests per second for rate, a count otherwise.
	Value float64
	// Unit is "ms" for durations, "%" when the value was written as a
	// percentage, "/s" for rates, empty otherwise.
	Unit string
	// Line is the threshold's line in the scenario file, or 0.
	Line int
}

// Metric names accepted in thresholds.
var (
	durationMetrics = []string{"latency", "service", "lag"}
	allMetrics      = []string{"latency", "service", "lag", "error_rate", "checks", "requests", "rate", "shedding"}
	requestStats    = []string{"scheduled", "sent", "completed", "dropped", "transport_errors"}
	checkStats      = []string{"failed", "passed"}
	thresholdOps    = []string{"<=", ">=", "==", "!=", "<", ">"}
)

// percentileStat matches pNN and pNN_N stats such as p50, p99, p99_9, p99_99.
var percentileStat = regexp.MustCompile(`^p[1-9][0-9]?(_[0-9]+)?$`)

// identRe matches a name part of an expression.
var identRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// ParseThreshold parses a threshold expression. Errors say what is allowed.
func ParseThreshold(expr string) (Threshold, error) {
	t := Threshold{Expr: expr}
	lhs, op, rhs, ok := splitOp(expr)
	if !ok {
		return t, fmt.Errorf("%q has no comparison; write METRIC OP VALUE with OP one of %s, e.g. latency.p99 < 250ms",
			expr, strings.Join(thresholdOps, " "))
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

// splitOp finds the first comparison operator and splits around it.
func splitOp(expr string) (lhs, op, rhs string, ok bool) {
	from := strings.IndexByte(expr, '}') + 1 // skip the = of {case=NAME}
	i := strings.IndexAny(expr[from:], "<>=!")
	if i < 0 {
		return "", "", "", false
	}
	i += from
	for _, o := range thresholdOps {
		if strings.HasPrefix(expr[i:], o) {
			return strings.TrimSpace(expr[:i]), o, strings.TrimSpace(expr[i+len(o):]), true
		}
	}
	return "", "", "", false
}

// parseLHS parses METRIC[{labels}][.PART...].
func (t *Threshold) parseLHS(lhs string) error {
	if lhs == "" {
		return fmt.Errorf("no metric before the comparison; metrics: %s", strings.Join(allMetrics, ", "))
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
	for _, p := range parts {
		if !identRe.MatchString(p) {
			return fmt.Errorf("%q is not a metric name; metrics: %s", lhs, strings.Join(allMetrics, ", "))
		}
	}
	t.Metric = parts[0]
	rest := parts[1:]
	if hasLabels {
		if !contains(durationMetrics, t.Metric) {
			return fmt.Errorf("labels are allowed only on %s", strings.Join(durationMetrics, ", "))
		}
		if err := t.parseLabels(labels); err != nil {
			return err
		}
	}
	switch {
	case contains(durationMetrics, t.Metric):
		return t.setStat(rest, "a duration stat: min, mean, max, or a percentile such as p50, p90, p95, p99, p99_9",
			func(s string) bool { return s == "min" || s == "mean" || s == "max" || percentileStat.MatchString(s) })
	case t.Metric == "checks":
		if len(rest) != 2 {
			return fmt.Errorf("write checks.CHECK.failed or checks.CHECK.passed, with CHECK one of %s", strings.Join(checkNames(), ", "))
		}
		if _, ok := contract.ParseCheck(rest[0]); !ok {
			return fmt.Errorf("unknown check %q; allowed: %s%s", rest[0], strings.Join(checkNames(), ", "), yamlnode.DidYouMean(rest[0], checkNames()))
		}
		t.Labels = map[string]string{"check": rest[0]}
		return t.setStat(rest[1:], "failed or passed", func(s string) bool { return contains(checkStats, s) })
	case t.Metric == "requests":
		return t.setStat(rest, strings.Join(requestStats, ", "), func(s string) bool { return contains(requestStats, s) })
	case t.Metric == "rate":
		return t.setStat(rest, "achieved", func(s string) bool { return s == "achieved" })
	case t.Metric == "error_rate", t.Metric == "shedding":
		if len(rest) > 0 {
			return fmt.Errorf("%s takes no stat; write e.g. %s", t.Metric, example(t.Metric))
		}
		return nil
	}
	return fmt.Errorf("unknown metric %q; allowed: %s%s", t.Metric, strings.Join(allMetrics, ", "), yamlnode.DidYouMean(t.Metric, allMetrics))
}

// setStat sets the single stat in rest after checking it with ok.
func (t *Threshold) setStat(rest []string, allowed string, ok func(string) bool) error {
	if len(rest) != 1 {
		return fmt.Errorf("%s needs one stat after a dot, e.g. %s; allowed: %s", t.Metric, example(t.Metric), allowed)
	}
	if !ok(rest[0]) {
		return fmt.Errorf("unknown stat %q for %s; allowed: %s", rest[0], t.Metric, allowed)
	}
	t.Stat = rest[0]
	return nil
}

// parseLabels parses the text between braces: case=NAME.
func (t *Threshold) parseLabels(s string) error {
	t.Labels = map[string]string{}
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
		if _, dup := t.Labels[k]; dup {
			return fmt.Errorf("label %q given twice", k)
		}
		t.Labels[k] = v
	}
	return nil
}

// parseValue parses the bound in the unit the metric needs.
func (t *Threshold) parseValue(s string) error {
	if s == "" {
		return fmt.Errorf("no value after %s", t.Op)
	}
	switch {
	case contains(durationMetrics, t.Metric):
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%s is not a duration; %s needs one with a unit, e.g. 250ms, 1.5s or 800us", s, t.Metric)
		}
		if d < 0 {
			return fmt.Errorf("%s: a duration bound must not be negative", s)
		}
		t.Value, t.Unit = float64(d)/float64(time.Millisecond), "ms"
		return nil
	case t.Metric == "error_rate":
		num, pct := strings.CutSuffix(s, "%")
		v, err := units.ParseNumber(strings.TrimSpace(num))
		if err != nil {
			return fmt.Errorf("%s is not a number; error_rate is a fraction (0.001) or a percentage (0.1%%)", s)
		}
		if pct {
			v, t.Unit = v/100, "%"
		}
		if v < 0 || v > 1 {
			return fmt.Errorf("%s is out of range; error_rate is a fraction from 0 to 1, or a percentage from 0%% to 100%%", s)
		}
		t.Value = v
		return nil
	case t.Metric == "rate":
		r, err := units.ParseRateOrZero(s)
		if err != nil {
			return err
		}
		t.Value, t.Unit = r.PerSecond, "/s"
		return nil
	}
	v, err := units.ParseNumber(s)
	if err != nil {
		return fmt.Errorf("%s is not a number; %s is a count", s, t.Metric)
	}
	if v < 0 {
		return fmt.Errorf("%s: a count bound must not be negative", s)
	}
	t.Value = v
	return nil
}

// String returns the normalized expression, e.g. "latency{case=subscribe_all}.p50 < 20ms".
func (t Threshold) String() string {
	var b strings.Builder
	b.WriteString(t.Metric)
	if c, ok := t.Labels["case"]; ok {
		b.WriteString("{case=" + c + "}")
	}
	if c, ok := t.Labels["check"]; ok && t.Metric == "checks" {
		b.WriteString("." + c)
	}
	if t.Stat != "" {
		b.WriteString("." + t.Stat)
	}
	b.WriteString(" " + t.Op + " ")
	switch t.Unit {
	case "ms":
		b.WriteString(units.FormatFloat(t.Value) + "ms")
	case "%":
		b.WriteString(units.FormatFloat(t.Value*100) + "%")
	case "/s":
		b.WriteString(units.Rate{PerSecond: t.Value}.String())
	default:
		b.WriteString(units.FormatFloat(t.Value))
	}
	return b.String()
}

// example returns a sample expression for a metric.
func example(metric string) string {
	switch metric {
	case "checks":
		return "checks.status_expected.failed == 0"
	case "requests":
		return "requests.dropped == 0"
	case "rate":
		return "rate.achieved >= 95/s"
	case "error_rate":
		return "error_rate < 0.1%"
	case "shedding":
		return "shedding == 0"
	}
	return metric + ".p99 < 250ms"
}

// checkNames lists the contract's check names in report order.
func checkNames() []string {
	var out []string
	for _, c := range contract.Checks() {
		out = append(out, c.String())
	}
	return out
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }
