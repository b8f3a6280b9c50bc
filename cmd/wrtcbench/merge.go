package main

import (
	"context"
	"fmt"
	"io"

	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/threshold"
)

// runMerge is `wrtcbench merge DIR... --out DIR`: combine the result folders
// of the shards of one distributed run (run with --shard i/N) into one result
// folder, losslessly, and judge its thresholds again on the whole.
func runMerge(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("merge", stdout)
	out := fs.String("out", "", "result `DIR` to write (required)")
	quiet := fs.Bool("quiet", false, "print nothing but errors")
	dirs, err := parseInterleaved(fs, args)
	if err != nil {
		return usageError(err)
	}
	if len(dirs) == 0 || *out == "" {
		return usagef("usage: wrtcbench merge DIR... --out DIR")
	}
	var rs []*report.Report
	for _, d := range dirs {
		r, err := report.ReadFolder(d)
		if err != nil {
			return usageError(err)
		}
		rs = append(rs, r)
	}
	m, err := report.Merge(rs)
	if err != nil {
		return usageError(err)
	}
	// The shards' thresholds hold for each shard; judge them on the whole.
	for _, t := range rs[0].Thresholds {
		th, err := threshold.Parse(t.Expr)
		if err != nil {
			return usageError(fmt.Errorf("threshold %q: %w", t.Expr, err))
		}
		m.Thresholds = append(m.Thresholds, th.Evaluate(m))
	}
	report.Decide(m)
	if err := report.WriteFolder(*out, m); err != nil {
		return err
	}
	if !*quiet {
		if err := report.RenderText(stdout, m); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nmerged %d shards into %s\n", len(rs), *out)
	}
	return outcomeError(m.Outcome)
}
