package report

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestRenderJUnitGolden(t *testing.T) {
	checkGolden(t, "junit.xml", renderBytes(t, fixtureReport(t), FormatJUnit))
}

// parsedJUnit is junit.xml read back with encoding/xml, independently of
// the types that wrote it.
type parsedJUnit struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    string   `xml:"tests,attr"`
	Failures string   `xml:"failures,attr"`
	Errors   string   `xml:"errors,attr"`
	Suites   []struct {
		Name       string `xml:"name,attr"`
		Tests      string `xml:"tests,attr"`
		Failures   string `xml:"failures,attr"`
		Errors     string `xml:"errors,attr"`
		Skipped    string `xml:"skipped,attr"`
		Time       string `xml:"time,attr"`
		Timestamp  string `xml:"timestamp,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("count %q: %v", s, err)
	}
	return n
}

func TestJUnitStructure(t *testing.T) {
	r := fixtureReport(t)
	var doc parsedJUnit
	if err := xml.Unmarshal(renderBytes(t, r, FormatJUnit), &doc); err != nil {
		t.Fatalf("junit.xml does not parse: %v", err)
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d testsuites, want 1", len(doc.Suites))
	}
	s := doc.Suites[0]
	if s.Name != "smoke" || s.Time != "30.000" || s.Timestamp != "2026-11-28T10:00:00" {
		t.Errorf("suite name/time/timestamp = %q %q %q", s.Name, s.Time, s.Timestamp)
	}
	props := map[string]string{}
	for _, p := range s.Properties {
		props[p.Name] = p.Value
	}
	for k, want := range map[string]string{"seed": "42", "target": r.Target, "format": Format, "started": "2026-11-28T10:00:00.25Z"} {
		if props[k] != want {
			t.Errorf("property %s = %q, want %q", k, props[k], want)
		}
	}
	// One testcase per (case, check) that applied, one per threshold.
	want := len(r.Thresholds)
	for _, c := range r.Cases {
		for _, n := range c.Checks {
			if n.Passed+n.Failed > 0 {
				want++
			}
		}
	}
	if len(s.Cases) != want || atoi(t, s.Tests) != want || atoi(t, doc.Tests) != want {
		t.Errorf("%d testcases, tests=%s (total %s); want %d", len(s.Cases), s.Tests, doc.Tests, want)
	}
	var failures, errors int
	seen := map[string]bool{}
	for _, c := range s.Cases {
		if c.Name == "" || c.Classname == "" || c.Time == "" {
			t.Errorf("testcase lacks a required attribute: %+v", c)
		}
		id := c.Classname + " " + c.Name
		if seen[id] {
			t.Errorf("testcase %s is not unique", id)
		}
		seen[id] = true
		if c.Failure != nil {
			failures++
			if c.Failure.Message == "" || strings.Contains(c.Failure.Message, "\n") {
				t.Errorf("%s: failure message must be one non-empty line: %q", id, c.Failure.Message)
			}
		}
		if c.Error != nil {
			errors++
		}
	}
	if atoi(t, s.Failures) != failures || atoi(t, s.Errors) != errors || atoi(t, doc.Failures) != failures {
		t.Errorf("failures=%s errors=%s, counted %d and %d", s.Failures, s.Errors, failures, errors)
	}
	if failures != 5 || errors != 1 {
		t.Errorf("fixture should give 5 failures (3 checks, 2 thresholds) and 1 error, got %d and %d", failures, errors)
	}
	// The status_expected failure of missing_auth carries message, type, count and curl.
	var found bool
	for _, c := range s.Cases {
		if c.Classname == "wrtcbench.smoke.missing_auth" && c.Name == "status_expected" {
			found = true
			f := c.Failure
			if f == nil {
				t.Fatal("missing_auth/status_expected did not fail")
			}
			if f.Type != "status_expected" || !strings.HasPrefix(f.Message, "got 204; expected for missing_auth: 401") {
				t.Errorf("failure type %q message %q", f.Type, f.Message)
			}
			for _, want := range []string{"3× with status 204", "curl -sS -X PUT", "failed on 3 of 137"} {
				if !strings.Contains(f.Body, want) {
					t.Errorf("failure body lacks %q:\n%s", want, f.Body)
				}
			}
		}
	}
	if !found {
		t.Error("no testcase wrtcbench.smoke.missing_auth / status_expected")
	}
}

func TestJUnitSuites(t *testing.T) {
	var b bytes.Buffer
	if err := RenderJUnitSuites(&b, []*Report{fixtureReport(t), emptyReport()}); err != nil {
		t.Fatal(err)
	}
	var doc parsedJUnit
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Suites) != 2 || doc.Suites[1].Name != "empty" || doc.Suites[1].Tests != "0" {
		t.Errorf("suites: %+v", doc.Suites)
	}
	if atoi(t, doc.Tests) != atoi(t, doc.Suites[0].Tests) {
		t.Errorf("total tests %s, want the sum of the suites", doc.Tests)
	}
}

func TestJUnitControlCharacters(t *testing.T) {
	r := fixtureReport(t)
	r.Violations[0].Message = "got 204 with \x00 a NUL ]]> and more"
	r.Violations[0].Curl = "curl ]]> x"
	var doc parsedJUnit
	if err := xml.Unmarshal(renderBytes(t, r, FormatJUnit), &doc); err != nil {
		t.Fatalf("junit.xml with control characters does not parse: %v", err)
	}
}

// TestJUnitSchema validates junit.xml against testdata/junit.xsd, the
// common JUnit schema's rules, with xmllint when it is installed.
func TestJUnitSchema(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not found; install it with apt-get install -y libxml2-utils to validate junit.xml against the schema")
	}
	dir := t.TempDir()
	for name, r := range map[string]*Report{"fixture": fixtureReport(t), "empty": emptyReport()} {
		path := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(path, renderBytes(t, r, FormatJUnit), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit.xsd"), path).CombinedOutput()
		if err != nil {
			t.Errorf("%s junit.xml does not validate: %v\n%s", name, err, out)
		}
	}
}
