package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/faults"
	"github.com/wrtcbench/wrtcbench/internal/refserver"
	"github.com/wrtcbench/wrtcbench/internal/report"
)

// conformanceServer starts the reference API on loopback with faults, for
// the life of the test.
func conformanceServer(t *testing.T, f faults.Faults, seed int64) *refserver.Running {
	t.Helper()
	rs, err := refserver.Start(context.Background(), refserver.Config{Faults: f, Seed: seed}, "", false)
	require.NoError(t, err)
	t.Cleanup(func() {
		// Close waits up to five seconds for connections that never carried
		// a request (the client's spare dials) and then reports the wait's
		// deadline; that is not a failure of the run under test.
		if err := rs.Close(); err != nil {
			t.Logf("closing the reference server: %v", err)
		}
	})
	return rs
}

// conformanceRun runs `wrtcbench run` on a scenario against url and returns
// the exit code and report.json.
func conformanceRun(t *testing.T, scenario, url string, extra ...string) (int, *report.Report, string) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "scenario.yaml")
	require.NoError(t, os.WriteFile(file, []byte(scenario), 0o644))
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	args := append([]string{"run", file, "--target", url, "--out", out, "--no-progress", "--quiet"}, extra...)
	code := run(args, nil, &stdout, &stderr)
	data, err := os.ReadFile(filepath.Join(out, "report.json"))
	require.NoError(t, err, "exit %d; stderr:\n%s", code, stderr.String())
	var rep report.Report
	require.NoError(t, json.Unmarshal(data, &rep))
	return code, &rep, stderr.String()
}

// countsScenario sends only PUTs of Add Participant during the measured
// phase: fixtures are created without seating (seat: false), so setup and
// teardown never call the faulted route, and there is no warm-up. Every
// Add Participant call the server saw is then a measured request.
const countsScenario = `
name: counts
target: {account_id: "9900000", username: wrtcbench, password: wrtcbench-secret, timeout: 5s}
fixtures: {sessions: 3, participants_per_session: 6, publishers_per_session: 3, aliases: [microphone1, camera1], seat: false}
load: {rate: 800/s, requests: 1500, warmup: 0s, seed: 11}
mix:
  - {case: subscribe_all, weight: 4}
  - {case: no_body, weight: 2}
  - {case: malformed_json, weight: 1}
  - {case: missing_auth, weight: 1}
  - {case: unknown_session, weight: 1}
`

// TestConformanceCountsUnderFaults: against a server that breaks the
// contract in counted ways, every count of report.json equals what the
// server did, and each kind of violation is caught exactly as often as it
// was injected.
func TestConformanceCountsUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("a real-time run of about two seconds")
	}
	faults := faults.Faults{
		Bad:    faults.Bad{WrongStatus: 0.1, BadErrorBody: 0.1},
		Errors: map[int]float64{500: 0.05},
		Reset:  0.02,
	}
	rs := conformanceServer(t, faults, 5)
	code, rep, stderr := conformanceRun(t, countsScenario, rs.URL)
	st := rs.Server.Stats()
	assert.Equal(t, exitFailed, code, "a conformance check failed: exit 1\n%s", stderr)

	// What the server did, on the Add Participant route only.
	var answered uint64
	for _, n := range st.AddParticipant {
		answered += n
	}
	resets, wrong, badBody, injected500 := st.Faults[refserver.FaultReset], st.Faults[refserver.FaultWrongStatus],
		st.Faults[refserver.FaultBadErrorBody], st.InjectedStatus[500]
	t.Logf("server: %d answered %v, %d reset, %d wrong_status, %d bad_error_body, %d injected 500",
		answered, st.AddParticipant, resets, wrong, badBody, injected500)
	require.NotZero(t, resets)
	require.NotZero(t, wrong)
	require.NotZero(t, badBody)
	require.NotZero(t, injected500)
	assert.Zero(t, st.Faults[refserver.FaultClose])

	// Requests and statuses.
	q := rep.Requests
	assert.Equal(t, int64(1500), q.Scheduled)
	assert.Equal(t, int64(1500), q.Sent)
	assert.Zero(t, q.Dropped)
	assert.Zero(t, q.Warmup)
	assert.Equal(t, int64(answered+resets), q.Sent, "every request sent reached the server once")
	assert.Equal(t, int64(answered), q.Completed)
	assert.Equal(t, int64(resets), q.TransportErrors)
	want := map[string]int64{}
	for code, n := range st.AddParticipant {
		want[strconv.Itoa(code)] = int64(n)
	}
	assert.Equal(t, want, rep.Status, "per-status counts equal the server's")
	assert.Equal(t, map[string]int64{"reset": int64(resets)}, rep.TransportErrors)

	// Each check failed exactly as often as its fault was injected. The
	// server answers every unfaulted request as documented, so nothing else
	// fails.
	checks := map[string]int64{
		"transport":         int64(resets),
		"status_documented": int64(wrong),               // 200 instead of 204
		"status_expected":   int64(wrong + injected500), // no case expects 200 or 500
		"content_type":      int64(badBody),             // text/plain error bodies
		"error_body":        int64(badBody),
		"no_server_error":   int64(injected500),
	}
	for name, n := range checks {
		assert.Equal(t, n, rep.Checks[name].Failed, "checks.%s.failed", name)
	}
	assert.Equal(t, int64(answered), rep.Checks["transport"].Passed)
	assert.Equal(t, int64(answered), rep.Checks["status_expected"].Passed+rep.Checks["status_expected"].Failed,
		"status_expected judges every response")

	// Violations: one group per (check, case, status), whose counts add up to
	// the failed checks and match the per-case status counts.
	byCheck := map[string]int64{}
	seen := map[string]bool{}
	cases := map[string]report.Case{}
	for _, c := range rep.Cases {
		cases[c.Name] = c
	}
	for _, v := range rep.Violations {
		key := fmt.Sprintf("%s/%s/%d", v.Check, v.Case, v.Status)
		assert.False(t, seen[key], "one group for %s", key)
		seen[key] = true
		byCheck[v.Check] += v.Count
		assert.LessOrEqual(t, len(v.Examples), report.MaxExamples)
		assert.NotEmpty(t, v.Curl, key)
		assert.NotContains(t, v.Curl, "wrtcbench-secret", key)
		c := cases[v.Case]
		switch v.Check {
		case "status_documented":
			assert.Equal(t, 200, v.Status)
			assert.Equal(t, c.Status["200"], v.Count, key)
		case "no_server_error":
			assert.Equal(t, 500, v.Status)
			assert.Equal(t, c.Status["500"], v.Count, key)
		case "status_expected":
			assert.Contains(t, []int{200, 500}, v.Status, key)
			assert.Equal(t, c.Status[strconv.Itoa(v.Status)], v.Count, key)
		case "transport":
			assert.Equal(t, 0, v.Status)
			assert.Equal(t, c.TransportErrors["reset"], v.Count, key)
		case "content_type", "error_body":
			assert.GreaterOrEqual(t, v.Status, 400, key)
		}
	}
	for name, n := range checks {
		assert.Equal(t, n, byCheck[name], "violations of %s add up to the injected faults", name)
	}
	assert.False(t, rep.Passed)
}
