package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFolderRoundTrip(t *testing.T) {
	// What the run writes must be what `wrtcbench report` re-renders from
	// report.json alone, byte for byte, in every format.
	for _, r := range []*Report{fixtureReport(t), emptyReport()} {
		dir := filepath.Join(t.TempDir(), "results", r.Scenario.Name)
		if err := WriteFolder(dir, r); err != nil {
			t.Fatal(err)
		}
		back, err := ReadFolder(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range FolderFiles() {
			written, err := os.ReadFile(filepath.Join(dir, f.Name))
			if err != nil {
				t.Fatal(err)
			}
			if again := renderBytes(t, back, f.Format); !bytes.Equal(written, again) {
				t.Errorf("%s of %s: re-rendering report.json differs from the file written\n%s",
					f.Name, r.Scenario.Name, firstDiff(string(written), string(again)))
			}
			if fi, _ := os.Stat(filepath.Join(dir, f.Name)); fi.Mode().Perm() != 0o644 {
				t.Errorf("%s has mode %v, want 0644", f.Name, fi.Mode().Perm())
			}
		}
		// Rendering the original gives the same bytes as well.
		if !bytes.Equal(renderBytes(t, r, FormatHTML), renderBytes(t, back, FormatHTML)) {
			t.Error("the HTML of the report read back differs from the original's")
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != len(FolderFiles()) {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("the folder holds %v; temporary files left behind?", names)
		}
	}
}

func TestWriteFolderRewrites(t *testing.T) {
	dir := t.TempDir()
	r := fixtureReport(t)
	r.Intervals = r.Intervals[:5]
	if err := WriteFolder(dir, r); err != nil {
		t.Fatal(err)
	}
	r.Intervals = fixtureReport(t).Intervals
	if err := WriteFolder(dir, r); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFolder(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Intervals) != 30 {
		t.Errorf("report.json holds %d intervals after the rewrite, want 30", len(back.Intervals))
	}
}

func TestReportJSONShape(t *testing.T) {
	out := string(renderBytes(t, fixtureReport(t), FormatJSON))
	if !strings.HasPrefix(out, "{\n  \"format\": \"wrtcbench.report/v1\",\n") || !strings.HasSuffix(out, "}\n") {
		t.Errorf("report.json is not indented by two spaces with a trailing newline:\n%.80s", out)
	}
	if !strings.Contains(out, `"body": "<html>bad | request</html>"`) {
		t.Error("strings should be written as they are, not with escaped HTML characters")
	}
}

func TestReadFolderErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadFolder(dir); err == nil {
		t.Error("ReadFolder of a folder without report.json succeeded")
	}
	p := filepath.Join(dir, "other.json")
	os.WriteFile(p, []byte(`{"format": "something/v9"}`), 0o644)
	if _, err := ReadFolder(p); err == nil || !strings.Contains(err.Error(), "something/v9") {
		t.Errorf("ReadFolder of a foreign format: %v", err)
	}
	os.WriteFile(p, []byte(`{`), 0o644)
	if _, err := ReadFolder(p); err == nil {
		t.Error("ReadFolder of broken JSON succeeded")
	}
}

func TestWriteFolderUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if err := WriteFolder(filepath.Join(file, "sub"), fixtureReport(t)); err == nil {
		t.Error("WriteFolder under a file succeeded")
	}
}
