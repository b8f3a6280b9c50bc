package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// FolderFile is one file of the result folder and the format it holds.
type FolderFile struct {
	Name   string
	Format OutputFormat
}

// FolderFiles returns the files WriteFolder writes, report.json first.
func FolderFiles() []FolderFile {
	return []FolderFile{
		{"report.json", FormatJSON},
		{"report.html", FormatHTML},
		{"summary.md", FormatMarkdown},
		{"junit.xml", FormatJUnit},
		{"latency.hlog", FormatHlog},
	}
}

// WriteFolder writes the result folder of r into dir, creating dir if
// needed: report.json, report.html, summary.md, junit.xml and
// latency.hlog. Each file is rendered in memory, written to a temporary
// file in dir and renamed over the old one, so a reader (or a crash) sees
// either the previous version of a file or the new one, never a torn one.
// A run calls it after every interval. It stops at the first error.
func WriteFolder(dir string, r *Report) error { return WriteFiles(dir, r, FolderFiles()) }

// WriteFiles writes the given files of r's result folder into dir, as
// WriteFolder does. A run whose report joined slices (JoinedSlices) leaves
// out latency.hlog, which it wrote slice by slice as it went: that log
// keeps every slice, report.json only the joined intervals.
func WriteFiles(dir string, r *Report, files []FolderFile) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("result folder: %w", err)
	}
	var buf bytes.Buffer
	for _, f := range files {
		buf.Reset()
		if err := Render(&buf, r, f.Format); err != nil {
			return fmt.Errorf("result folder: %s: %w", f.Name, err)
		}
		if err := writeAtomic(filepath.Join(dir, f.Name), buf.Bytes()); err != nil {
			return fmt.Errorf("result folder: %w", err)
		}
	}
	return nil
}

// writeAtomic replaces the file at path with data: it writes a temporary
// file beside it, flushes it to disk and renames it into place.
func writeAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ReadFolder reads the report.json of a result folder. path is the folder
// or the report.json file itself.
func ReadFolder(path string) (*Report, error) {
	file := path
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: no such result folder or report.json", path)
	case err != nil:
		return nil, err
	case fi.IsDir():
		file = filepath.Join(path, "report.json")
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no report.json in this folder: not a result folder", path)
		}
	}
	if ext := strings.ToLower(filepath.Ext(file)); ext == ".yaml" || ext == ".yml" {
		return nil, fmt.Errorf("%s is a scenario file, not a result: run it first, then use its result folder", path)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if err := sniff(data); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &r, nil
}

// sniff says what data is when it is not a report.json of this format
// version, before a JSON decoder would fail on it with a parser error.
func sniff(data []byte) error {
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		if bytes.Contains(data, []byte("\nmix:")) || bytes.HasPrefix(data, []byte("name:")) || bytes.Contains(data, []byte("\nname:")) {
			return errors.New("a scenario file (YAML), not a result: run it first, then use its result folder")
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
	case Format:
		return nil
	case "":
		return errors.New(`not a wrtcbench report: it has no "format" field`)
	}
	return fmt.Errorf("a report of format %q; this wrtcbench reads %q (use runs made by the same major version)", head.Format, Format)
}
