package compare

import (
	"fmt"
	"strings"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

// row is a Delta in words, one cell per column of the text and Markdown
// tables: every figure with its unit.
type row struct {
	metric, baseline, current, change, test, verdict string
}

// header names the columns of a row.
var header = row{"metric", "baseline", "current", "change", "test", "verdict"}

func cells(d Delta) row {
	r := row{metric: d.Metric, test: testCell(d), verdict: verdictCell(d)}
	r.baseline, r.current = figure(d, d.Baseline, d.BaselineN, d.BaselineCI), figure(d, d.Current, d.CurrentN, d.CurrentCI)
	switch {
	case d.Verdict == NoData:
		r.baseline, r.current, r.change = figureOrDash(d, d.BaselineN), figureOrDash(d, d.CurrentN), ""
	case d.Verdict == Same:
		r.change = "~"
	default:
		r.change = change(d)
	}
	return r
}

// figure formats one side's value: "2.52ms [2.50, 2.55]", "0.20% (2 of
// 1,000)", "3 of 5,000", "200.0/s".
func figure(d Delta, v float64, n int64, ci *CI) string {
	switch d.Unit {
	case "ms":
		if ci == nil {
			return fmtMs(v)
		}
		return fmt.Sprintf("%s [%s, %s]", fmtMs(v), fmtBound(ci.Lo), fmtBound(ci.Hi))
	case "%":
		return fmt.Sprintf("%s (%s of %s)", units.FormatPercent(v/100), units.FormatCount(int64(v*float64(n)/100+0.5)), units.FormatCount(n))
	case "count":
		return fmt.Sprintf("%s of %s", units.FormatCount(int64(v)), units.FormatCount(n))
	case "/s":
		return units.FormatPerSecond(v)
	}
	return fmt.Sprint(v)
}

// figureOrDash is a side's figure where there is none to compare: its count
// of requests or verdicts, or a dash.
func figureOrDash(d Delta, n int64) string {
	if d.Unit == "ms" || n == 0 {
		return "-"
	}
	return "of " + units.FormatCount(n)
}

// change formats the difference in the figure's unit, and relative when
// that means something: "+4.40ms +135%", "+0.30pp", "+3", "-0.1%".
func change(d Delta) string {
	switch d.Unit {
	case "ms":
		return signed(fmtMs(d.Diff)) + " " + fmtChange(d.Change)
	case "%":
		return signed(fmtPP(d.Diff))
	case "count":
		return signed(fmt.Sprintf("%.0f", d.Diff))
	}
	return fmtChange(d.Change)
}

func testCell(d Delta) string {
	switch d.Test {
	case ByCIAndU:
		return "U " + fmtP(*d.P)
	case ByFisher:
		if d.P != nil {
			return "Fisher " + fmtP(*d.P)
		}
	}
	return d.Test
}

func verdictCell(d Delta) string {
	switch d.Verdict {
	case Regressed:
		return "✗ " + d.Why
	case Improved:
		return "✓ improved"
	case Within:
		return "within tolerance"
	case NoData:
		return "no data"
	case Invalid:
		return "~ " + d.Why
	}
	return ""
}

// summary is the verdict line: what regressed, with its change, or that
// nothing did.
func summary(c *Comparison) string {
	var bad, better, invalid []string
	for _, d := range c.Deltas {
		switch d.Verdict {
		case Regressed:
			bad = append(bad, d.Metric+" "+change(d))
		case Improved:
			better = append(better, d.Metric)
		case Invalid:
			invalid = append(invalid, d.Metric)
		}
	}
	if len(bad) > 0 {
		return "REGRESSION: " + strings.Join(bad, ", ")
	}
	if c.Invalid {
		return "NOT VALID: " + strings.Join(invalid, ", ") + " changed no more than a held-up generator explains; rerun on a quiet machine"
	}
	if len(better) > 0 {
		return "no regression; improved: " + strings.Join(better, ", ")
	}
	return "no regression"
}

// sideLine describes a side's runs: "1 run (results/x), 1,000 requests, 5
// intervals".
func sideLine(runs []RunInfo) string {
	var req int64
	var iv int
	for _, r := range runs {
		req += r.Requests
		iv += r.Samples
	}
	what := fmt.Sprintf("1 run (%s)", runs[0].Path)
	if len(runs) > 1 {
		what = fmt.Sprintf("%d runs", len(runs))
	}
	return fmt.Sprintf("%s, %s requests, %d intervals", what, units.FormatCount(req), iv)
}

// legend explains the marks of the table in a line or two.
func legend(c *Comparison) string {
	return fmt.Sprintf("~ no significant change. [a, b] the %g%% confidence interval of a latency quantile; "+
		"it changed significantly when the two sides' confidence intervals are disjoint and the U test "+
		"(Mann-Whitney, over the quantile in each of the runs' intervals) gives p < %g. "+
		"A regression is significant and beyond the tolerance.", 100*(1-c.Alpha), c.Alpha)
}
