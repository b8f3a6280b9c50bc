package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"

	"github.com/wrtcbench/wrtcbench/internal/report"
)

// reportOptions are the flags of `wrtcbench report`.
type reportOptions struct {
	format report.OutputFormat
	out    string
}

// runReport is `wrtcbench report RESULT_DIR [--format F] [--out FILE]`: it
// re-renders a finished run from its report.json alone, without rerunning
// anything, to stdout or to FILE. RESULT_DIR is a result folder or the
// path of a report.json. Every format comes out byte for byte as the run
// wrote it. The command judges nothing: it exits 0 once the output is
// written, whether the run passed or not.
func runReport(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", stdout)
	var names []string
	for _, f := range report.Formats() {
		names = append(names, string(f))
	}
	format := fs.String("format", string(report.FormatText), "output `FORMAT`: "+strings.Join(names, ", "))
	out := fs.String("out", "", "write to `FILE` instead of stdout")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usageError(err)
	}
	if len(pos) != 1 {
		return usagef("report takes one result folder or report.json, got %d; usage: wrtcbench report RESULT_DIR [--format F] [--out FILE]", len(pos))
	}
	o := reportOptions{out: *out}
	if o.format, err = report.ParseFormat(*format); err != nil {
		return usagef("--format: %v", err)
	}
	r, err := report.ReadFolder(pos[0])
	if err != nil {
		return usageError(err)
	}
	return writeReport(stdout, r, o)
}

// writeReport renders r in full before writing it, so a failed rendering
// leaves no half-written FILE behind.
func writeReport(stdout io.Writer, r *report.Report, o reportOptions) error {
	var buf bytes.Buffer
	if err := report.Render(&buf, r, o.format); err != nil {
		return err
	}
	if o.out == "" || o.out == "-" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	return os.WriteFile(o.out, buf.Bytes(), 0o644)
}
