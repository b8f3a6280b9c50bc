package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wrtcbench/wrtcbench/internal/report"
)

// fixtureJSON is the report package's fixture, a report.json of a failed run.
var fixtureJSON = filepath.Join("..", "..", "internal", "report", "testdata", "report.json")

// resultFolder writes the fixture's result folder, as a run does, and returns its path.
func resultFolder(t *testing.T) (string, *report.Report) {
	t.Helper()
	r, err := report.ReadFolder(fixtureJSON)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "smoke-20261128T100000Z")
	if err := report.WriteFolder(dir, r); err != nil {
		t.Fatal(err)
	}
	return dir, r
}

func TestReportRerendersWhatTheRunWrote(t *testing.T) {
	dir, _ := resultFolder(t)
	files := map[report.OutputFormat]string{}
	for _, f := range report.FolderFiles() {
		files[f.Format] = f.Name
	}
	for _, f := range report.Formats() {
		for _, arg := range []string{dir, filepath.Join(dir, "report.json")} {
			var stdout, stderr bytes.Buffer
			if err := runReport(t.Context(), []string{arg, "--format", string(f)}, &stdout, &stderr); err != nil {
				t.Fatalf("report %s --format %s: %v\n%s", arg, f, err, stderr.String())
			}
			if stdout.Len() == 0 {
				t.Errorf("--format %s wrote nothing", f)
			}
			if name, ok := files[f]; ok {
				written, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(written, stdout.Bytes()) {
					t.Errorf("--format %s differs from the %s the run wrote", f, name)
				}
			}
		}
	}
}

func TestReportDefaultsToText(t *testing.T) {
	var stdout bytes.Buffer
	if err := runReport(t.Context(), []string{fixtureJSON}, &stdout, new(bytes.Buffer)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stdout.String(), "✗ FAILED  smoke\n") {
		t.Errorf("default output is not the text summary:\n%.200s", stdout.String())
	}
}

func TestReportOut(t *testing.T) {
	dir, r := resultFolder(t)
	out := filepath.Join(t.TempDir(), "summary.md")
	var stdout bytes.Buffer
	// Flags may come before the folder too.
	if err := runReport(t.Context(), []string{"--out", out, "--format=md", dir}, &stdout, new(bytes.Buffer)); err != nil {
		t.Fatal(err)
	}
	if stdout.Len() != 0 {
		t.Errorf("with --out, stdout got %q", stdout.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	report.RenderMarkdown(&want, r)
	if !bytes.Equal(got, want.Bytes()) {
		t.Error("--out file differs from the Markdown rendering")
	}
}

func TestReportExitCodes(t *testing.T) {
	dir, _ := resultFolder(t)
	notReport := filepath.Join(t.TempDir(), "x.json")
	os.WriteFile(notReport, []byte(`{"hello": 1}`), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"rendered, although the run failed", []string{dir}, exitOK, ""},
		{"no folder", nil, exitUsage, "takes one result folder"},
		{"two folders", []string{dir, dir}, exitUsage, "got 2"},
		{"unknown format", []string{dir, "--format", "pdf"}, exitUsage, "unknown format"},
		{"unknown flag", []string{dir, "--colour"}, exitUsage, "unknown flag --colour"},
		{"missing folder", []string{filepath.Join(dir, "nope")}, exitUsage, "no such result folder"},
		{"not a report", []string{notReport}, exitUsage, "not a wrtcbench report"},
		{"unwritable --out", []string{dir, "--out", filepath.Join(dir, "nope", "x")}, exitFailed, "no such file"},
	} {
		var stderr bytes.Buffer
		err := runReport(t.Context(), tc.args, new(bytes.Buffer), &stderr)
		if got := exitCode(err); got != tc.code {
			t.Errorf("%s: exit %d (%v), want %d", tc.name, got, err, tc.code)
		}
		if tc.msg != "" && (err == nil || !strings.Contains(err.Error()+stderr.String(), tc.msg)) {
			t.Errorf("%s: error %v (stderr %q) does not say %q", tc.name, err, stderr.String(), tc.msg)
		}
	}
}
