package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/compare"
)

const compareUsage = "usage: wrtcbench compare BASELINE CURRENT [flags]\n" +
	"       wrtcbench compare BASELINE... -- CURRENT... [flags]"

// compareOptions are the flags of `wrtcbench compare`.
type compareOptions struct {
	compare.Options
	format string
}

// runCompare is `wrtcbench compare BASELINE CURRENT [flags]`, or with
// several runs per side `BASELINE... -- CURRENT...`: the CI gate on
// regressions. Each argument is a result folder or a report.json. It exits
// 1 when the current runs regressed against the baseline, 2 on a usage
// error (a scenario file, a partial report, another format version...).
func runCompare(_ context.Context, args []string, stdout, stderr io.Writer) error {
	o, base, cur, err := parseCompareArgs(args, stdout)
	if err != nil {
		return err
	}
	b, err := readRuns(base)
	if err != nil {
		return err
	}
	c, err := readRuns(cur)
	if err != nil {
		return err
	}
	cmp, err := compare.Compare(b, c, o.Options)
	if err != nil {
		return usageError(err)
	}
	switch o.format {
	case "json":
		err = compare.RenderJSON(stdout, cmp)
	case "markdown", "md":
		err = compare.RenderMarkdown(stdout, cmp)
	default:
		err = compare.RenderText(stdout, cmp)
	}
	if err != nil {
		return err
	}
	switch {
	case cmp.Regressed:
		return reported(errRegressed) // stdout says REGRESSION; nothing to add on stderr
	case cmp.Invalid:
		return reported(errBehindSchedule) // exit 4; stdout says NOT VALID and why
	}
	return nil
}

// readRuns reads the finished runs at paths; what is not one is a usage error.
func readRuns(paths []string) ([]compare.Run, error) {
	runs := make([]compare.Run, len(paths))
	for i, p := range paths {
		r, err := compare.ReadRun(p)
		if err != nil {
			return nil, usageError(err)
		}
		runs[i] = r
	}
	return runs, nil
}

// parseCompareArgs parses the flags and splits the runs at "--": before it
// the baseline, after it the current runs. Without "--" there must be
// exactly two runs. Flags may come anywhere.
func parseCompareArgs(args []string, help io.Writer) (o compareOptions, base, cur []string, err error) {
	fs := newFlagSet("compare", help)
	var pct, errPP, dropPct float64
	var q percentiles
	for _, x := range compare.DefaultQuantiles() {
		q = append(q, math.Round(x*1e9)/1e7)
	}
	fs.Float64Var(&pct, "max-increase", 100*compare.DefaultMaxIncrease, "percent a latency quantile may grow")
	fs.DurationVar(&o.MinDelta, "min-delta", compare.DefaultMinDelta, "growth below which a latency change is noise")
	fs.Float64Var(&errPP, "max-error-rate-increase", 100*compare.DefaultMaxErrorRateIncrease, "percentage points the error rate may grow")
	fs.Float64Var(&dropPct, "max-rate-drop", 100*compare.DefaultMaxRateDrop, "percent the achieved rate may fall")
	fs.Float64Var(&o.Alpha, "alpha", compare.DefaultAlpha, "significance level of every test")
	fs.Var(&q, "quantiles", "latency `percentiles` to compare, comma-separated")
	fs.BoolVar(&o.PerCase, "per-case", false, "compare every case's latency quantiles too")
	fs.StringVar(&o.format, "format", "text", "output format: text, json or markdown")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\n\nExit 1 when the current runs regressed against the baseline: a change that is\n"+
			"statistically significant and beyond the tolerance (docs/compare.md).\n\n", compareUsage)
		fs.PrintDefaults()
	}
	left, right, split := cutArgs(args)
	if base, err = parseInterleaved(fs, left); err != nil {
		return o, nil, nil, usageError(err)
	}
	if cur, err = parseInterleaved(fs, right); err != nil {
		return o, nil, nil, usageError(err)
	}
	switch {
	case !split && len(base) != 2:
		return o, nil, nil, usagef("compare takes two runs, or several per side around --; %s", compareUsage)
	case !split:
		base, cur = base[:1], base[1:]
	case len(base) == 0:
		return o, nil, nil, usagef("no baseline run before --; %s", compareUsage)
	case len(cur) == 0:
		return o, nil, nil, usagef("no current run after --; %s", compareUsage)
	}
	if pct <= 0 || errPP <= 0 || dropPct <= 0 || o.MinDelta < 0 {
		return o, nil, nil, usagef("limits must be > 0")
	}
	if o.Alpha <= 0 || o.Alpha > 0.5 {
		return o, nil, nil, usagef("--alpha %v: must be within (0, 0.5]", o.Alpha)
	}
	if !slices.Contains([]string{"text", "json", "markdown", "md"}, o.format) {
		return o, nil, nil, usagef("--format %q: use text, json or markdown", o.format)
	}
	o.MaxIncrease, o.MaxErrorRateIncrease, o.MaxRateDrop = pct/100, errPP/100, dropPct/100
	for _, p := range q {
		o.Quantiles = append(o.Quantiles, math.Round(p*1e7)/1e9) // a percentile is 0-100, a quantile 0-1
	}
	if o.MinDelta == 0 {
		o.MinDelta = time.Nanosecond // 0 asks for no floor; the default applies only when unset
	}
	return o, base, cur, nil
}

// cutArgs splits args at the first "--".
func cutArgs(args []string) (left, right []string, split bool) {
	i := slices.Index(args, "--")
	if i < 0 {
		return args, nil, false
	}
	return args[:i], args[i+1:], true
}

// percentiles is a --quantiles flag: percentiles (0-100 exclusive),
// ascending, comma-separated, e.g. 50,90,99,99.9.
type percentiles []float64

func (p *percentiles) String() string {
	s := make([]string, len(*p))
	for i, v := range *p {
		s[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strings.Join(s, ",")
}

func (p *percentiles) Set(v string) error {
	var out []float64
	for _, f := range strings.Split(v, ",") {
		x, err := strconv.ParseFloat(strings.TrimPrefix(strings.TrimSpace(f), "p"), 64)
		if err != nil || !(x > 0 && x < 100) {
			return fmt.Errorf("%q is not a percentile between 0 and 100", f)
		}
		if len(out) > 0 && x <= out[len(out)-1] {
			return fmt.Errorf("%q: list percentiles in ascending order, each once", v)
		}
		out = append(out, x)
	}
	*p = out
	return nil
}

var _ flag.Value = (*percentiles)(nil)
