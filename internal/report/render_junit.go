package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

// The JUnit XML document, in the common schema that Jenkins, GitHub and
// GitLab read: <testsuites> of <testsuite> of <testcase>.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Time       string          `xml:"time,attr"`
		Timestamp  string          `xml:"timestamp,attr,omitempty"`
		ID         int             `xml:"id,attr"`
		Package    string          `xml:"package,attr"`
		Properties []junitProperty `xml:"properties>property"`
		Cases      []junitCase     `xml:"testcase"`
		SystemOut  string          `xml:"system-out,omitempty"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Time      string        `xml:"time,attr"`
		Error     *junitFailure `xml:"error,omitempty"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Body    string `xml:",cdata"`
	}
)

// RenderJUnit writes junit.xml for one report: one <testsuite> named after
// the scenario holding one <testcase> per (case, check) that judged at
// least one response (classname wrtcbench.SCENARIO.CASE, name CHECK) and
// one per threshold (classname wrtcbench.SCENARIO.thresholds).
//
// A testcase's time is the mean latency of its case's requests in seconds;
// a suite's time is the run's duration. A failing check is a <failure>
// whose message is the violation's message and whose type is the check's
// name; its body lists every violation of that case and check with its
// count and curl line. A threshold that could not be evaluated is an <error>.
func RenderJUnit(w io.Writer, r *Report) error {
	return RenderJUnitSuites(w, []*Report{r})
}

// RenderJUnitSuites writes one junit.xml for several reports, such as the
// scenarios of a suite: one <testsuite> per report, in order.
func RenderJUnitSuites(w io.Writer, rs []*Report) error {
	doc := junitSuites{Name: "wrtcbench"}
	var total float64
	for i, r := range rs {
		s := junitSuiteOf(r, i)
		doc.Suites = append(doc.Suites, s)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		total += r.DurationS
	}
	doc.Time = junitSeconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitSuiteOf builds the testsuite of one report.
func junitSuiteOf(r *Report, id int) junitSuite {
	scen := r.Scenario.Name
	if scen == "" {
		scen = "unnamed"
	}
	s := junitSuite{
		Name:    scen,
		Time:    junitSeconds(r.DurationS),
		ID:      id,
		Package: "wrtcbench." + scen,
	}
	if !r.Started.IsZero() {
		s.Timestamp = r.Started.UTC().Format("2006-01-02T15:04:05")
	}
	s.Properties = junitProperties(r)
	if tc, ok := junitSetupCase(r, scen); ok {
		s.Cases = append(s.Cases, tc)
	}
	for _, c := range r.Cases {
		s.Cases = append(s.Cases, junitCheckCases(r, scen, c)...)
	}
	seen := map[string]int{}
	for _, t := range r.Thresholds {
		tc := junitThresholdCase(scen, t)
		// Testcase names are unique within a class: number a repeated expression.
		if seen[tc.Name]++; seen[tc.Name] > 1 {
			tc.Name += " (" + strconv.Itoa(seen[tc.Name]) + ")"
		}
		s.Cases = append(s.Cases, tc)
	}
	for _, c := range s.Cases {
		switch {
		case c.Error != nil:
			s.Errors++
		case c.Failure != nil:
			s.Failures++
		}
	}
	s.Tests = len(s.Cases)
	s.SystemOut = verdictText(r)
	return s
}

// junitProperties lists the run's identity as suite properties.
func junitProperties(r *Report) []junitProperty {
	started := ""
	if !r.Started.IsZero() {
		started = r.Started.UTC().Format(time.RFC3339Nano)
	}
	props := []junitProperty{
		{"format", r.Format},
		{"seed", strconv.FormatUint(r.Scenario.Seed, 10)},
		{"target", r.Target},
		{"started", started},
		{"duration_s", strconv.FormatFloat(r.DurationS, 'f', -1, 64)},
		{"load.model", r.Load.Model},
		{"load.target_rate", strconv.FormatFloat(r.Load.TargetRate, 'f', -1, 64)},
		{"load.achieved_rate", strconv.FormatFloat(r.Load.AchievedRate, 'f', -1, 64)},
		{"interrupted", strconv.FormatBool(r.Interrupted)},
		{"passed", strconv.FormatBool(r.Passed)},
		{"verdict", verdictText(r)},
	}
	if r.Scenario.File != "" {
		props = append(props, junitProperty{"scenario.file", r.Scenario.File})
	}
	if r.Tool.Name != "" {
		props = append(props, junitProperty{"tool", strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version)})
	}
	return props
}

// junitCheckCases returns the testcases of one case: one per check that
// judged at least one of its responses, or that has a violation.
func junitCheckCases(r *Report, scen string, c Case) []junitCase {
	checks := map[string]Counts{}
	for name, n := range c.Checks {
		if n.Passed+n.Failed > 0 {
			checks[name] = n
		}
	}
	for _, v := range r.Violations {
		if v.Case == c.Name {
			if _, ok := checks[v.Check]; !ok {
				checks[v.Check] = Counts{Failed: v.Count}
			}
		}
	}
	var out []junitCase
	for _, name := range checkOrder(checks) {
		n := checks[name]
		tc := junitCase{
			Name:      name,
			Classname: "wrtcbench." + scen + "." + c.Name,
			Time:      junitSeconds(c.LatencyMs.Mean / 1000),
			SystemOut: fmt.Sprintf("%d passed, %d failed", n.Passed, n.Failed),
		}
		if n.Failed > 0 {
			tc.Failure = junitCheckFailure(name, c.Name, n, violationsOf(r, c.Name, name))
		}
		out = append(out, tc)
	}
	return out
}

// junitCheckFailure describes a failing check on one case.
func junitCheckFailure(check, caseName string, n Counts, vs []Violation) *junitFailure {
	f := &junitFailure{Type: check}
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed on %d of %d responses of case %s\n", check, n.Failed, n.Passed+n.Failed, caseName)
	for _, v := range vs {
		if v.Status == 0 {
			fmt.Fprintf(&b, "\n%s× with no response: %s\n", units.FormatCount(v.Count), v.Message)
		} else {
			fmt.Fprintf(&b, "\n%s× with status %d: %s\n", units.FormatCount(v.Count), v.Status, v.Message)
		}
		if v.Curl != "" {
			fmt.Fprintf(&b, "  %s\n", v.Curl)
		}
		for _, e := range v.Examples {
			fmt.Fprintf(&b, "  example seq %d at %s: status %s", e.Seq, units.FormatDurationMs(e.AtMs), statusLabel(e.Status))
			if e.Error != "" {
				fmt.Fprintf(&b, ", error %s", e.Error)
			}
			if e.Body != "" {
				fmt.Fprintf(&b, ", body %s", e.Body)
			}
			b.WriteByte('\n')
		}
	}
	f.Body = xmlSafe(b.String())
	if len(vs) > 0 {
		f.Message = xmlSafe(firstLine(vs[0].Message))
		if len(vs) > 1 {
			f.Message += fmt.Sprintf(" (and %d more kinds)", len(vs)-1)
		}
	} else {
		f.Message = fmt.Sprintf("%s failed on %d responses of case %s", check, n.Failed, caseName)
	}
	return f
}

// junitSetupCase returns the testcase of a fixture setup that failed: an
// <error> (the target could not be used, so nothing was tested) named
// "setup", whose message is the setup's error and whose body adds what the
// setup sent. A setup that succeeded has no testcase.
func junitSetupCase(r *Report, scen string) (junitCase, bool) {
	for _, p := range r.Phases {
		if p.Name != PhaseSetup || p.Error == "" {
			continue
		}
		msg := "fixture setup failed: " + p.Error
		body := fmt.Sprintf("%s\n\n%s requests in %s, %s retries\n", msg, units.FormatCount(p.Requests),
			strconv.FormatFloat(p.DurationS, 'f', 1, 64)+"s", units.FormatCount(p.Retries))
		return junitCase{
			Name: PhaseSetup, Classname: "wrtcbench." + scen, Time: junitSeconds(p.DurationS),
			Error: &junitFailure{Type: PhaseSetup, Message: xmlSafe(firstLine(msg)), Body: xmlSafe(body)},
		}, true
	}
	return junitCase{}, false
}

// junitThresholdCase returns the testcase of one threshold.
func junitThresholdCase(scen string, t Threshold) junitCase {
	tc := junitCase{
		Name:      t.Expr,
		Classname: "wrtcbench." + scen + ".thresholds",
		Time:      junitSeconds(0),
		SystemOut: "value " + fmtThresholdValue(t),
	}
	switch {
	case t.Invalid:
		msg := "threshold " + t.Expr + " is not a valid measurement: the generator fell behind its schedule (value " + fmtThresholdValue(t) + ")"
		tc.Error = &junitFailure{Type: "invalid", Message: msg, Body: xmlSafe(msg + "\n")}
	case t.Error != "":
		tc.Error = &junitFailure{Type: "threshold", Message: firstLine(t.Error),
			Body: xmlSafe("threshold " + t.Expr + " could not be evaluated: " + t.Error + "\n")}
	case !t.Pass:
		msg := "threshold " + t.Expr + " did not hold: value " + fmtThresholdValue(t)
		tc.Failure = &junitFailure{Type: "threshold", Message: msg, Body: xmlSafe(msg + "\n")}
	}
	return tc
}

// junitSeconds formats seconds with millisecond precision, as JUnit readers expect.
func junitSeconds(s float64) string {
	if s < 0 || s != s {
		s = 0
	}
	return strconv.FormatFloat(s, 'f', 3, 64)
}

// xmlSafe replaces the characters XML 1.0 cannot hold (most control
// characters, such as a NUL in a truncated binary body) with U+FFFD.
func xmlSafe(s string) string {
	ok := func(r rune) bool {
		return r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) ||
			(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
	}
	for _, r := range s {
		if !ok(r) {
			return strings.Map(func(r rune) rune {
				if ok(r) {
					return r
				}
				return '\uFFFD'
			}, s)
		}
	}
	return s
}
