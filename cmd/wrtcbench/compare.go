package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/report"
)

// runCompare is `wrtcbench compare BASELINE CURRENT [flags]`: the CI gate on
// regressions. Each argument is a result folder or a report.json. It exits 1
// when the current run regressed against the baseline.
func runCompare(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("compare", stderr)
	var o report.CompareOptions
	var pct, errPct, dropPct float64
	fs.Float64Var(&pct, "max-increase", 100*report.DefaultMaxIncrease, "percent a latency percentile may grow")
	fs.DurationVar(&o.MinDelta, "min-delta", report.DefaultMinDelta, "growth below which a latency change is noise")
	fs.Float64Var(&errPct, "max-error-rate-increase", 100*report.DefaultMaxErrorRateIncrease, "percentage points the error rate may grow")
	fs.Float64Var(&dropPct, "max-rate-drop", 100*report.DefaultMaxRateDrop, "percent the achieved rate may fall")
	fs.BoolVar(&o.PerCase, "per-case", false, "compare every case's latency percentiles too")
	format := fs.String("format", "text", "output format: text or json")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return usageError(err)
	}
	if len(paths) != 2 {
		return usagef("compare takes two runs; usage: wrtcbench compare BASELINE CURRENT [flags]")
	}
	if pct <= 0 || errPct <= 0 || dropPct <= 0 || o.MinDelta < 0 {
		return usagef("limits must be > 0")
	}
	if *format != "text" && *format != "json" {
		return usagef("--format %q: use text or json", *format)
	}
	o.MaxIncrease, o.MaxErrorRateIncrease, o.MaxRateDrop = pct/100, errPct/100, dropPct/100
	if o.MinDelta == 0 {
		o.MinDelta = time.Nanosecond // 0 asks for no floor; the default applies only when unset
	}
	base, err := report.ReadFolder(paths[0])
	if err != nil {
		return usageError(err)
	}
	cur, err := report.ReadFolder(paths[1])
	if err != nil {
		return usageError(err)
	}
	c := report.Compare(base, cur, o)
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(c)
	} else {
		err = report.RenderComparison(stdout, c)
	}
	if err != nil {
		return err
	}
	if c.Regressed {
		return fmt.Errorf("%w: the current run regressed", errChecksFailed)
	}
	return nil
}
