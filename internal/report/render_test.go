package report

import (
	"bytes"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/wrtcbench/wrtcbench/internal/contract"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// checkGolden compares got with testdata/name, or rewrites the file with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is intended)\n%s", name, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first line where want and got differ.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + w + "\n  got: " + g
		}
	}
	return "(same lines, different bytes)"
}

// renderBytes renders r in format f and fails the test on an error.
func renderBytes(t *testing.T, r *Report, f OutputFormat) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, r, f); err != nil {
		t.Fatalf("Render %s: %v", f, err)
	}
	return b.Bytes()
}

// newTestHist returns a histogram of the run's geometry: 1 µs to 1 h, 3 digits.
func newTestHist() *hdr.Histogram { return NewHistogram() }

// encodeTestHist encodes h as report.json stores it.
func encodeTestHist(t testing.TB, h *hdr.Histogram) string {
	t.Helper()
	b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// summaryOf returns the statistics of h (microseconds) in milliseconds.
func summaryOf(h *hdr.Histogram) Summary {
	if h.TotalCount() == 0 {
		return Summary{}
	}
	q := func(p float64) float64 { return float64(h.ValueAtPercentile(p)) / 1000 }
	round := func(x float64) float64 { return math.Round(x*1000) / 1000 }
	return Summary{
		Count: h.TotalCount(), Min: float64(h.Min()) / 1000, Mean: round(h.Mean() / 1000), Stddev: round(h.StdDev() / 1000),
		P50: q(50), P90: q(90), P95: q(95), P99: q(99), P99_9: q(99.9), Max: float64(h.Max()) / 1000,
	}
}

// fixtureCase describes one case of the fixture's mix.
type fixtureCase struct {
	name   string
	weight int
	expect int
}

// fixtureReport builds a deterministic report of a 30 s open-model run at
// 100/s against a target that stalls from 20 s to 22 s, from seeded random
// requests: four cases, three kinds of violation (a 204 where 401 was
// expected, an HTML error body, two timeouts), thresholds that pass, fail
// and cannot be evaluated. Its histograms are encoded here from the values
// recorded, so the tests can check what the renderers decode.
func fixtureReport(t testing.TB) *Report {
	t.Helper()
	rng := rand.New(rand.NewPCG(42, 7))
	mix := []fixtureCase{
		{contract.SubscribeAll, 70, 204},
		{contract.AliasSubset, 20, 204},
		{contract.MalformedJSON, 5, 400},
		{contract.MissingAuth, 5, 401},
	}
	type caseAgg struct {
		c       Case
		lat     *hdr.Histogram
		svc     *hdr.Histogram
		checks  map[string]Counts
		started bool
	}
	aggs := make([]*caseAgg, len(mix))
	for i, m := range mix {
		aggs[i] = &caseAgg{
			c:   Case{Name: m.name, Expected: []int{m.expect}, Weight: float64(m.weight), Status: map[string]int64{}},
			lat: newTestHist(), svc: newTestHist(), checks: map[string]Counts{},
		}
	}
	runLat, runSvc, runLag := newTestHist(), newTestHist(), newTestHist()
	status := map[string]int64{}
	checks := map[string]Counts{}
	pass := func(m map[string]Counts, c contract.Check, ok bool) {
		n := m[c.String()]
		if ok {
			n.Passed++
		} else {
			n.Failed++
		}
		m[c.String()] = n
	}
	var (
		intervals         []Interval
		seq               uint64
		sent, completed   int64
		transport         int64
		maxInFlight       int64
		wrong204, badBody int
		timeouts          int
	)
	const rate, seconds = 100, 30
	for s := 0; s < seconds; s++ {
		iv := Interval{StartS: float64(s), DurationS: 1, Scheduled: rate, TargetRate: rate, Status: map[string]int64{}}
		ivLat := newTestHist()
		ivCase := map[string]*hdr.Histogram{}
		stall := s >= 20 && s < 22
		for i := 0; i < rate; i++ {
			seq++
			k := rng.IntN(100)
			ci := 0
			for acc := 0; ci < len(mix)-1; ci++ {
				acc += mix[ci].weight
				if k < acc {
					break
				}
			}
			m, a := mix[ci], aggs[ci]
			a.c.Requests++
			iv.Sent++
			sent++
			svcUs := int64(math.Exp(rng.NormFloat64()*0.35) * 1000)
			lagUs := int64(20 + rng.IntN(60))
			if stall {
				// The target stalls: answers are slow, and the sends queue behind them.
				svcUs += int64(80_000 + rng.IntN(120_000))
				lagUs += int64(float64(i) / rate * 400_000)
			}
			if m.name == contract.SubscribeAll && stall && timeouts < 2 && i > 50 {
				timeouts++
				transport++
				iv.Errors++
				iv.Violations++
				a.c.TransportErrors = map[string]int64{"timeout": int64(timeouts)}
				pass(a.checks, contract.CheckTransport, false)
				pass(checks, contract.CheckTransport, false)
				continue
			}
			code := m.expect
			if m.name == contract.MissingAuth && wrong204 < 3 && s >= 10 {
				wrong204++
				code = 204
			}
			htmlBody := m.name == contract.MalformedJSON && badBody < 2 && s >= 5
			if htmlBody {
				badBody++
			}
			latUs := svcUs + lagUs
			runLat.RecordValue(latUs)
			runSvc.RecordValue(svcUs)
			runLag.RecordValue(lagUs)
			a.lat.RecordValue(latUs)
			a.svc.RecordValue(svcUs)
			ivLat.RecordValue(latUs)
			if ivCase[m.name] == nil {
				ivCase[m.name] = newTestHist()
			}
			ivCase[m.name].RecordValue(latUs)
			key := strconv.Itoa(code)
			status[key]++
			iv.Status[key]++
			a.c.Status[key]++
			a.c.Completed++
			iv.Completed++
			completed++
			ok := code == m.expect && !htmlBody
			if !ok {
				iv.Violations++
			}
			for _, mm := range []map[string]Counts{a.checks, checks} {
				pass(mm, contract.CheckTransport, true)
				pass(mm, contract.CheckStatusDocumented, true)
				pass(mm, contract.CheckStatusExpected, code == m.expect)
				pass(mm, contract.CheckContentType, true)
				if code >= 400 {
					pass(mm, contract.CheckErrorBody, !htmlBody)
				}
				pass(mm, contract.CheckNoServerError, true)
			}
		}
		iv.InFlight = int64(1 + rng.IntN(3))
		if stall {
			iv.InFlight = int64(18 + rng.IntN(6))
		}
		// The peak within the slice: higher than at its end, much higher in the stall.
		iv.InFlightMax = iv.InFlight + 2
		if stall {
			iv.InFlightMax = iv.InFlight + 40
		}
		maxInFlight = max(maxInFlight, iv.InFlightMax)
		iv.LatencyMs = summaryOf(ivLat)
		for name, h := range ivCase {
			if iv.CaseLatencyMs == nil {
				iv.CaseLatencyMs = map[string]CaseSlice{}
			}
			iv.CaseLatencyMs[name] = CaseSlice{Count: h.TotalCount(), P99: float64(h.ValueAtPercentile(99)) / 1000, Max: float64(h.Max()) / 1000}
		}
		if ivLat.TotalCount() > 0 {
			iv.Histogram = encodeTestHist(t, ivLat)
		}
		intervals = append(intervals, iv)
	}
	var cases []Case
	for _, a := range aggs {
		a.c.LatencyMs = summaryOf(a.lat)
		a.c.ServiceMs = summaryOf(a.svc)
		a.c.Checks = a.checks
		a.c.Histogram = encodeTestHist(t, a.lat)
		cases = append(cases, a.c)
	}
	curl := func(extra string) string {
		return `curl -sS -X PUT 'http://127.0.0.1:41234/v1/accounts/9900000/sessions/6f1c0d8e-0000-4000-8000-000000000001/participants/0a2b0000-0000-4000-8000-000000000002' ` + extra
	}
	lat := summaryOf(runLat)
	r := &Report{
		Format:      Format,
		Tool:        Tool{Name: "wrtcbench", Version: "v0.1.0-test"},
		Scenario:    ScenarioInfo{Name: "smoke", Description: "conformance smoke test at 100/s", File: "scenarios/smoke.yaml", Seed: 42},
		Target:      "http://127.0.0.1:41234/v1",
		Started:     time.Date(2026, 11, 28, 10, 0, 0, 250_000_000, time.UTC),
		DurationS:   seconds,
		Interrupted: false,
		Load: Load{
			Model: "open", Shape: "constant 100/s", TargetRate: rate, AchievedRate: float64(sent) / seconds,
			MaxInFlight: 512, MaxInFlightSeen: maxInFlight, WarmupS: 2, Late: 0,
		},
		Requests: Requests{Scheduled: rate * seconds, Sent: sent, Completed: completed, TransportErrors: transport, Warmup: 200,
			Failed: int64(wrong204 + badBody + timeouts)},
		Status: status, TransportErrors: map[string]int64{"timeout": transport},
		LatencyMs: lat, ServiceMs: summaryOf(runSvc), LagMs: summaryOf(runLag),
		Cases:  cases,
		Checks: checks,
		Violations: []Violation{
			{
				Check: "status_expected", Case: contract.MissingAuth, Status: 204, Count: 3,
				Message: "got 204; expected for missing_auth: 401; documented: 204 400 401 403 404 409 500",
				Curl:    curl(`-H 'Content-Type: application/json' --data-raw '{"sessionId":"6f1c0d8e-0000-4000-8000-000000000001"}'`),
				Examples: []Example{
					{Seq: 1012, AtMs: 10110, Status: 204, Curl: curl("")},
				},
			},
			{
				Check: "error_body", Case: contract.MalformedJSON, Status: 400, Count: 2,
				Message: `got 400 with body "<html>bad | request</html>"; an error body is a JSON object {error, requestId}, {message} or {code, message}`,
				Curl:    curl(`-u "$WRTC_USERNAME:$WRTC_PASSWORD" -H 'Content-Type: application/json' --data-raw '{"sessionId":'`),
				Examples: []Example{
					{Seq: 507, AtMs: 5070, Status: 400, Body: "<html>bad | request</html>", Curl: curl("")},
				},
			},
			{
				Check: "transport", Case: contract.SubscribeAll, Status: 0, Count: 2,
				Message: "no response: timeout after 10s",
				Curl:    curl(`-u "$WRTC_USERNAME:$WRTC_PASSWORD" -H 'Content-Type: application/json' --data-raw '{"sessionId":"6f1c0d8e-0000-4000-8000-000000000001","participants":[]}'`),
				Examples: []Example{
					{Seq: 2052, AtMs: 20520, Error: "timeout", Curl: curl("")},
				},
			},
		},
		Thresholds: []Threshold{
			{Expr: "latency.p99 < 1s", Value: lat.P99, Pass: lat.P99 < 1000},
			{Expr: "latency{case=subscribe_all}.p50 < 20ms", Value: cases[0].LatencyMs.P50, Pass: true},
			{Expr: "checks.status_expected.failed == 0", Value: 3, Pass: false},
			{Expr: "error_rate < 0.1%", Value: 7.0 / float64(sent), Pass: false},
			{Expr: "latency{case=bad_auth}.p99 < 10ms", Pass: false, Error: "case bad_auth is not in the mix"},
		},
		Coverage: Coverage{
			StatusesSeen:   []int{204, 400, 401},
			StatusesUnseen: []int{403, 404, 409, 500},
		},
		Phases: []Phase{
			{Name: "setup", DurationS: 0.82, Requests: 48},
			{Name: "teardown", DurationS: 0.31, Requests: 44},
		},
		IntervalS: 1,
		Intervals: intervals,
		Histograms: Histograms{
			Latency: encodeTestHist(t, runLat),
			Service: encodeTestHist(t, runSvc),
			Lag:     encodeTestHist(t, runLag),
		},
		Passed: false,
	}
	inMix := map[string]bool{}
	for _, m := range mix {
		inMix[m.name] = true
	}
	for _, c := range contract.Cases() {
		if !inMix[c.Name] && !c.Generated() {
			r.Coverage.CasesNotRun = append(r.Coverage.CasesNotRun, c.Name)
		}
	}
	r.Verdict = verdictText(r)
	return r
}

// emptyReport is a report of a run that never got going: no interval, no
// histogram, no case.
func emptyReport() *Report {
	return &Report{
		Format:   Format,
		Scenario: ScenarioInfo{Name: "empty", Seed: 1},
		Target:   "embedded",
		Started:  time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC),
		Load:     Load{Model: "open"},
		Passed:   true,
		Verdict:  "passed: nothing ran",
	}
}

func TestFixtureIsReportJSON(t *testing.T) {
	// testdata/report.json is the fixture as report.json; the cmd tests read it.
	checkGolden(t, "report.json", renderBytes(t, fixtureReport(t), FormatJSON))
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want OutputFormat
		ok   bool
	}{
		{"text", FormatText, true},
		{"JSON", FormatJSON, true},
		{" html ", FormatHTML, true},
		{"junit", FormatJUnit, true},
		{"xml", FormatJUnit, true},
		{"markdown", FormatMarkdown, true},
		{"md", FormatMarkdown, true},
		{"hlog", FormatHlog, true},
		{"pdf", "", false},
		{"", "", false},
	} {
		got, err := ParseFormat(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	if _, err := ParseFormat("pdf"); err == nil || !strings.Contains(err.Error(), "markdown") {
		t.Errorf("the error should list the formats, got %v", err)
	}
}

func TestRenderEveryFormat(t *testing.T) {
	for _, r := range []*Report{fixtureReport(t), emptyReport()} {
		for _, f := range Formats() {
			if out := renderBytes(t, r, f); len(out) == 0 {
				t.Errorf("%s of %s is empty", f, r.Scenario.Name)
			}
		}
	}
	if err := Render(new(bytes.Buffer), fixtureReport(t), "pdf"); err == nil {
		t.Error("Render accepted an unknown format")
	}
	if err := Render(new(bytes.Buffer), nil, FormatText); err == nil {
		t.Error("Render accepted a nil report")
	}
}

func TestNoCredentialsInOutput(t *testing.T) {
	// The fixture's curl lines use the variables; no renderer may expand them.
	t.Setenv("WRTC_USERNAME", "alice-secret-user")
	t.Setenv("WRTC_PASSWORD", "hunter2-secret")
	for _, f := range Formats() {
		out := string(renderBytes(t, fixtureReport(t), f))
		if strings.Contains(out, "alice-secret-user") || strings.Contains(out, "hunter2-secret") {
			t.Errorf("%s output holds a credential", f)
		}
	}
}

func TestHelpers(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{fmtThresholdValue(Threshold{Expr: "error_rate < 0.1%", Value: 0.002}), "0.2%"},
		{fmtThresholdValue(Threshold{Expr: "latency{case=x}.p99 < 1ms", Value: 3}), "3.00ms"},
		{fmtThresholdValue(Threshold{Expr: "rate.achieved >= 95/s", Value: 99}), "99.0/s"},
		{fmtThresholdValue(Threshold{Expr: "checks.x.failed == 0", Value: 3}), "3"},
		{fmtThresholdValue(Threshold{Expr: "x", Error: "bad"}), "n/a"},
		{strings.Join(statusKeysSorted(map[string]int64{"503": 1, "204": 1, "timeout": 1, "40": 1}), " "), "40 204 503 timeout"},
		{percentileLabel(1), "90%"},
		{percentileLabel(2), "99%"},
		{percentileLabel(3), "99.9%"},
		{percentileLabel(5), "99.999%"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestVerdictTextFallback(t *testing.T) {
	r := fixtureReport(t)
	r.Verdict = ""
	if got, want := verdictText(r), "failed: 3 checks failed, 3 thresholds failed"; got != want {
		t.Errorf("verdictText = %q, want %q", got, want)
	}
	r = emptyReport()
	r.Verdict = ""
	if got := verdictText(r); !strings.HasPrefix(got, "passed") {
		t.Errorf("verdictText of a passed run = %q", got)
	}
}
