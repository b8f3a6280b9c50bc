package report

import (
	"bytes"
	"path/filepath"
)

// WriteJSONFile writes only report.json into dir, atomically, so a reader
// never sees half a report. The run uses it to keep the folder current while
// it goes on; WriteFolder writes every file at the end.
func WriteJSONFile(dir string, r *Report) error {
	var buf bytes.Buffer
	if err := RenderJSON(&buf, r); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, "report.json"), buf.Bytes())
}
