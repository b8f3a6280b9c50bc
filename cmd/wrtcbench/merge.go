package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/threshold"
)

// mergeOptions are the flags of `wrtcbench merge`.
type mergeOptions struct {
	out          string
	quiet        bool
	allowPartial bool
}

// flags registers the merge flags on fs.
func (o *mergeOptions) flags(fs *flag.FlagSet) {
	fs.StringVar(&o.out, "out", "", "result folder to write (required)")
	fs.BoolVar(&o.quiet, "quiet", false, "print nothing but errors")
	fs.BoolVar(&o.allowPartial, "allow-partial", false, "merge the shards given when some are missing; the report lists the missing ones")
}

// runMerge is `wrtcbench merge DIR... --out DIR`: combine the result folders
// of the shards of one distributed run (run with --shard i/N) into one result
// folder, losslessly, and judge its thresholds again on the whole. Anything
// that is not every shard of one run, once each, is refused (exit 2): see
// report.Merge.
func runMerge(_ context.Context, args []string, stdout, stderr io.Writer) error {
	var o mergeOptions
	fs := newFlagSet("merge", stderr)
	o.flags(fs)
	dirs, err := parseInterleaved(fs, args)
	if err != nil {
		return usageError(err)
	}
	if len(dirs) == 0 || o.out == "" {
		return usagef("usage: wrtcbench merge DIR... --out DIR [--allow-partial]")
	}
	var rs []*report.Report
	for _, d := range dirs {
		r, err := report.ReadFolder(d)
		if err != nil {
			return usageError(err)
		}
		rs = append(rs, r)
	}
	m, err := report.Merge(rs, report.MergeOptions{Names: dirs, AllowPartial: o.allowPartial})
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
	if mi := m.Merged; len(mi.Missing) > 0 {
		m.Verdict += fmt.Sprintf("; partial: %d of %d shards merged, missing %v", len(mi.Shards), mi.Count, mi.Missing)
	}
	if err := report.WriteFolder(o.out, m); err != nil {
		return err
	}
	if !o.quiet {
		if err := report.RenderText(stdout, m); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nmerged %d shards into %s\n", len(rs), o.out)
	}
	return outcomeError(m.Outcome)
}
