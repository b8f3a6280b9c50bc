package compare

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/wrtcbench/wrtcbench/internal/report"
)

// Run is one run of a side of the comparison: its report and where it was
// read from.
type Run struct {
	Path   string
	Report *report.Report
}

// ReadRun reads the finished run at path, a result folder or its
// report.json. It refuses, each with a message that says what to do, a
// missing path, a folder without a report, a scenario file, a file that is
// not a wrtcbench report, a report of another format version, and the
// partial report of a run still going.
func ReadRun(path string) (Run, error) {
	file := path
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Run{}, fmt.Errorf("%s: no such result folder or report.json", path)
	case err != nil:
		return Run{}, err
	case fi.IsDir():
		file = filepath.Join(path, "report.json")
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			return Run{}, fmt.Errorf("%s: no report.json in this folder: not a result folder", path)
		}
	}
	if ext := strings.ToLower(filepath.Ext(file)); ext == ".yaml" || ext == ".yml" {
		return Run{}, fmt.Errorf("%s is a scenario file, not a result: run it first, then compare its result folder", path)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return Run{}, err
	}
	if err := sniff(data); err != nil {
		return Run{}, fmt.Errorf("%s: %w", file, err)
	}
	r, err := report.ReadFolder(file)
	if err != nil {
		return Run{}, err
	}
	if strings.HasPrefix(r.Verdict, "running") {
		return Run{}, fmt.Errorf("%s: the partial report of a run still going (verdict %q): compare it once the run has ended", file, r.Verdict)
	}
	if r.Histograms.Latency == "" {
		return Run{}, fmt.Errorf("%s: the report has no latency histogram, which compare needs: is it a partial report?", file)
	}
	return Run{Path: path, Report: r}, nil
}

// sniff says what data is when it is not a report.json of this format
// version, before a JSON decoder would fail on it with a parser error.
func sniff(data []byte) error {
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		if bytes.Contains(data, []byte("\nmix:")) || bytes.HasPrefix(data, []byte("name:")) || bytes.Contains(data, []byte("\nname:")) {
			return errors.New("a scenario file (YAML), not a result: run it first, then compare its result folder")
		}
		return errors.New("not a wrtcbench report: report.json is a JSON object")
	}
	var head struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return fmt.Errorf("not a complete report.json: %v at byte %d; is a run still writing it?", syn, syn.Offset)
		}
		// A field of another type is for the full decoder to name.
	}
	switch head.Format {
	case report.Format:
		return nil
	case "":
		return errors.New(`not a wrtcbench report: it has no "format" field`)
	}
	return fmt.Errorf("a report of format %q; this wrtcbench reads %q (compare runs made by the same major version)", head.Format, report.Format)
}
