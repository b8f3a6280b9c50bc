package report

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

const setupErr = `create session: POST http://127.0.0.1:9/v1/accounts/9900000/sessions answered 401 {"message":"Unauthorized"}; the target refused user "u"`

// setupFailedReport is the report of a run whose fixture setup failed, built
// as the command builds it: a collector that saw no result, and the setup
// phase with its error.
func setupFailedReport(t *testing.T) *Report {
	t.Helper()
	col := NewCollector(colCases, contract.Default(), 4, time.Second)
	return col.Report(Meta{
		Scenario: ScenarioInfo{Name: "fx", Seed: 1},
		Target:   "http://127.0.0.1:9/v1",
		Load:     Load{Model: "open", Shape: "constant 10/s"},
		Summary:  runner.Summary{Start: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)},
		Phases: []Phase{{Name: PhaseSetup, DurationS: 1.25, Requests: 12, Retries: 3,
			Retried: map[string]int64{"503": 3}, Error: setupErr}},
	})
}

func TestSetupFailedVerdict(t *testing.T) {
	r := setupFailedReport(t)
	if r.Passed || r.Outcome != OutcomeFailed || r.Verdict != "setup failed: "+setupErr {
		t.Errorf("passed %v, outcome %q, verdict %q", r.Passed, r.Outcome, r.Verdict)
	}
	if r.SetupError() != setupErr {
		t.Errorf("SetupError() = %q", r.SetupError())
	}
	// The verdict survives a round trip through report.json and Decide again
	// (merge and report re-decide).
	var back Report
	if err := json.Unmarshal(renderBytes(t, r, FormatJSON), &back); err != nil {
		t.Fatal(err)
	}
	back.Verdict = ""
	Decide(&back)
	if back.Verdict != r.Verdict || back.Phases[0].Retried["503"] != 3 {
		t.Errorf("after a round trip: verdict %q, phases %+v", back.Verdict, back.Phases)
	}
}

// TestSetupFailedRenders renders every format of the result folder for a
// report without a single measured request: no panic, no NaN, the verdict
// in each human format.
func TestSetupFailedRenders(t *testing.T) {
	r := setupFailedReport(t)
	for _, f := range FolderFiles() {
		out := string(renderBytes(t, r, f.Format))
		if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
			t.Errorf("%s holds NaN or Inf", f.Name)
		}
		if f.Format != FormatHlog && !strings.Contains(out, "setup failed") {
			t.Errorf("%s does not say the setup failed:\n%s", f.Name, out)
		}
	}
}

func TestSetupFailedJUnit(t *testing.T) {
	r := setupFailedReport(t)
	data := renderBytes(t, r, FormatJUnit)
	var doc parsedJUnit
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != "1" || doc.Errors != "1" || doc.Failures != "0" {
		t.Fatalf("tests %s, errors %s, failures %s; want one test in error", doc.Tests, doc.Errors, doc.Failures)
	}
	c := doc.Suites[0].Cases[0]
	if c.Name != "setup" || c.Classname != "wrtcbench.fx" || c.Error == nil || c.Error.Message != "fixture setup failed: "+setupErr {
		t.Errorf("setup testcase: %+v (error %+v)", c, c.Error)
	}
	if !strings.Contains(string(data), "12 requests in 1.2s, 3 retries") {
		t.Errorf("the body says what the setup sent:\n%s", data)
	}
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not found; install it with apt-get install -y libxml2-utils to validate junit.xml against the schema")
	}
	path := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit.xsd"), path).CombinedOutput(); err != nil {
		t.Errorf("junit.xml does not validate: %v\n%s", err, out)
	}
}
