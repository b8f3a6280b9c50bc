package compare

import (
	"fmt"
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
	r, err := report.ReadFolder(path)
	if err != nil {
		return Run{}, err
	}
	if strings.HasPrefix(r.Verdict, "running") {
		return Run{}, fmt.Errorf("%s: the partial report of a run still going (verdict %q): compare it once the run has ended", path, r.Verdict)
	}
	if r.Histograms.Latency == "" {
		return Run{}, fmt.Errorf("%s: the report has no latency histogram, which compare needs: is it a partial report?", path)
	}
	return Run{Path: path, Report: r}, nil
}
