package report

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/curl"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// The credentials of the hand-fed run; the password must appear nowhere in
// the report.
const (
	colUser = "qa-user"
	colPass = "s3cret-pass"
)

var colCases = []contract.MixCase{
	mixCase(contract.SubscribeAll, 5),
	mixCase(contract.MalformedJSON, 2),
	mixCase(contract.MissingAuth, 1),
	mixCase(contract.UnknownSession, 1),
}

func mixCase(name string, weight float64) contract.MixCase {
	m, ok := contract.NewMixCase(name, weight, contract.StatusSet{})
	if !ok {
		panic("no case " + name)
	}
	return m
}

// colFeed builds results by hand, with fixed times, for the Collector to
// judge with the default contract.
type colFeed struct {
	t   *testing.T
	k   *contract.Contract
	col *Collector
	seq uint64
	at  time.Duration // the next scheduled time
}

func newColFeed(t *testing.T) *colFeed {
	k := contract.Default()
	return &colFeed{t: t, k: k, col: NewCollector(colCases, k, 4, time.Second)}
}

func colRequest(caseIdx int, seq uint64) *runner.Request {
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(colUser+":"+colPass))
	return &runner.Request{
		Case: caseIdx, Method: "PUT",
		URL:    fmt.Sprintf("http://127.0.0.1:1/v1/accounts/9900000/sessions/s%d/participants/p%d", seq, seq),
		Header: map[string][]string{"Authorization": {auth}, "Content-Type": {"application/json"}},
		Body:   []byte(`{"sessionId":"s"}`),
	}
}

// add records one result of case caseIdx: lat is the latency from the
// scheduled send, lag the delay of the actual send. status 0 with errKind set
// is a transport failure.
func (f *colFeed) add(caseIdx int, warmup bool, status int, ct, body string, lat, lag time.Duration, errKind runner.ErrKind) {
	f.t.Helper()
	r := &runner.Result{
		Seq: f.seq, Req: colRequest(caseIdx, f.seq), Scheduled: f.at, Sent: f.at + lag, Done: f.at + lat,
		Warmup: warmup, Err: errKind,
	}
	f.seq++
	f.at += 10 * time.Millisecond
	if errKind != runner.ErrNone {
		r.ErrText = "read: connection reset by peer"
	} else {
		r.Response = runner.Response{Status: status, ContentType: ct, Body: []byte(body), BodyLen: int64(len(body))}
	}
	f.col.Record(int(f.seq%4), r)
}

func (f *colFeed) drop(caseIdx int) {
	f.col.Record(0, &runner.Result{Seq: f.seq, Req: colRequest(caseIdx, f.seq), Scheduled: f.at, Dropped: true})
	f.seq++
	f.at += 10 * time.Millisecond
}

const (
	errJSON  = `{"error":"bad body","requestId":"r-1"}`
	authJSON = `{"message":"Unauthorized"}`
	js       = "application/json"
)

// colRun feeds one run whose every figure is known:
//
//	warm-up        2 results (a 204 and a 500): excluded from every count but requests.warmup
//	subscribe_all  6×204 (1..6 ms), 2×200 {"status":"ok"}, 1 reset, 1 dropped
//	malformed_json 4×400, 5×204 (the defect was ignored)
//	missing_auth   2×401, 1×401 text/plain
//	unknown_session 1×401 (never reached its 404)
func colRun(t *testing.T, gates ...Gate) *Report {
	f := newColFeed(t)
	ms := time.Millisecond
	f.add(0, true, 204, "", "", 900*ms, 0, runner.ErrNone)
	f.add(0, true, 500, js, `{"error":"boom"}`, 900*ms, 0, runner.ErrNone)
	for i := 1; i <= 6; i++ {
		f.add(0, false, 204, "", "", time.Duration(i)*ms, 100*time.Microsecond, runner.ErrNone)
	}
	f.add(0, false, 200, js, `{"status":"ok"}`, 2*ms, 0, runner.ErrNone)
	f.add(0, false, 200, js, `{"status":"ok"}`, 2*ms, 0, runner.ErrNone)
	f.add(0, false, 0, "", "", 3*ms, 0, runner.ErrReset)
	f.drop(0)
	for range 4 {
		f.add(1, false, 400, js, errJSON, 2*ms, 0, runner.ErrNone)
	}
	for range 5 {
		f.add(1, false, 204, "", "", 2*ms, 0, runner.ErrNone)
	}
	f.add(2, false, 401, js, authJSON, 2*ms, 0, runner.ErrNone)
	f.add(2, false, 401, js, authJSON, 2*ms, 0, runner.ErrNone)
	f.add(2, false, 401, "text/plain; charset=utf-8", "401 Unauthorized: something went wrong\n", 2*ms, 0, runner.ErrNone)
	f.add(3, false, 401, js, authJSON, 2*ms, 0, runner.ErrNone)
	f.col.Finish()
	return f.col.Report(Meta{
		Scenario:    ScenarioInfo{Name: "hand", Seed: 1},
		Summary:     runner.Summary{Start: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC), Elapsed: 3 * time.Second},
		Window:      2 * time.Second,
		Credentials: curl.Credentials{Username: colUser, Password: colPass},
		Thresholds:  gates,
	})
}

func TestCollectorCounts(t *testing.T) {
	r := colRun(t)
	assert.Equal(t, Requests{Scheduled: 23, Sent: 22, Completed: 21, Dropped: 1, TransportErrors: 1, Failed: 10, Warmup: 2},
		r.Requests, "failed: 2 wrong statuses, 1 reset, 5 ignored defects, 1 bad 401 body, 1 unreached 404")
	assert.Equal(t, map[string]int64{"200": 2, "204": 11, "400": 4, "401": 4}, r.Status, "warm-up excluded")
	var sum int64
	for _, n := range r.Status {
		sum += n
	}
	assert.Equal(t, r.Requests.Completed, sum, "status counts add up to completed")
	assert.Equal(t, r.Requests.Sent+r.Requests.Dropped, r.Requests.Scheduled)
	assert.Equal(t, map[string]int64{"reset": 1}, r.TransportErrors)
	assert.Equal(t, 11.0, r.Load.AchievedRate, "22 sent over the 2 s window")

	assert.Equal(t, map[string]Counts{
		"transport":         {Passed: 21, Failed: 1},
		"status_documented": {Passed: 19, Failed: 2},
		"status_expected":   {Passed: 13, Failed: 8},
		"content_type":      {Passed: 20, Failed: 1},
		"error_body":        {Passed: 7, Failed: 1},
		"no_server_error":   {Passed: 21, Failed: 0},
	}, r.Checks)

	require.Len(t, r.Cases, 4)
	sa := r.Cases[0]
	assert.Equal(t, "subscribe_all", sa.Name)
	assert.Equal(t, []int{204}, sa.Expected)
	assert.Equal(t, int64(9), sa.Requests, "dropped requests are not sent")
	assert.Equal(t, int64(8), sa.Completed)
	assert.Equal(t, int64(3), sa.Failed)
	assert.Equal(t, map[string]int64{"200": 2, "204": 6}, sa.Status)
	assert.Equal(t, map[string]int64{"reset": 1}, sa.TransportErrors)
	assert.Equal(t, Counts{Passed: 6, Failed: 2}, sa.Checks["status_expected"])
	mj := r.Cases[1]
	assert.Equal(t, map[string]int64{"204": 5, "400": 4}, mj.Status)
	assert.Equal(t, Counts{Passed: 4, Failed: 5}, mj.Checks["status_expected"])
}

func TestCollectorLatency(t *testing.T) {
	r := colRun(t)
	// 21 completed: 6 at 1..6 ms, 15 at 2 ms; the reset (3 ms) and the
	// warm-up (900 ms) are not in the latency figures.
	assert.Equal(t, int64(21), r.LatencyMs.Count, "the completed responses are timed")
	assert.InDelta(t, 1.0, r.LatencyMs.Min, 0.001)
	assert.InDelta(t, 6.0, r.LatencyMs.Max, 0.01, "the warm-up's 900 ms is excluded")
	assert.InDelta(t, 2.0, r.LatencyMs.P50, 0.01)
	assert.InDelta(t, 6.0, r.Cases[0].LatencyMs.Max, 0.01)
	assert.InDelta(t, 0.1, r.LagMs.Max, 0.001, "lag is the actual send minus the scheduled one")
	assert.InDelta(t, 5.9, r.ServiceMs.Max, 0.01, "service time is timed from the actual send")
}

func TestCollectorViolations(t *testing.T) {
	r := colRun(t)
	type key struct {
		check, cas string
		status     int
	}
	got := map[key]int64{}
	var order []key
	for _, v := range r.Violations {
		k := key{v.Check, v.Case, v.Status}
		_, dup := got[k]
		assert.False(t, dup, "one group per (check, case, status): %v", k)
		got[k] = v.Count
		order = append(order, k)
		assert.LessOrEqual(t, len(v.Examples), MaxExamples, "%v", k)
		assert.Equal(t, int(min(v.Count, MaxExamples)), len(v.Examples), "%v keeps the first examples", k)
		require.NotEmpty(t, v.Curl, "%v", k)
		assert.Equal(t, v.Examples[0].Curl, v.Curl)
		for _, ex := range v.Examples {
			assert.Equal(t, v.Status, ex.Status)
			assert.Contains(t, ex.Curl, `-u "$WRTC_USERNAME:$WRTC_PASSWORD"`, "credentials as variables")
			assert.NotContains(t, ex.Curl, colPass)
			assert.NotContains(t, ex.Curl, base64.StdEncoding.EncodeToString([]byte(colUser+":"+colPass)))
		}
	}
	assert.Equal(t, map[key]int64{
		{"status_documented", "subscribe_all", 200}: 2,
		{"status_expected", "subscribe_all", 200}:   2,
		{"transport", "subscribe_all", 0}:           1,
		{"status_expected", "malformed_json", 204}:  5,
		{"content_type", "missing_auth", 401}:       1,
		{"error_body", "missing_auth", 401}:         1,
		{"status_expected", "unknown_session", 401}: 1,
	}, got)
	assert.Len(t, order, len(got))

	for _, v := range r.Violations {
		switch {
		case v.Check == "status_expected" && v.Case == "malformed_json":
			assert.Equal(t, "got 204; expected for malformed_json: 400; documented: 204 400 401 403 404 409 500", v.Message)
			// The five 204s are requests 16..20 (after 2 warm-up, 10 of subscribe_all
			// with the dropped one, and 4 of malformed_json).
			seqs := []uint64{v.Examples[0].Seq, v.Examples[1].Seq, v.Examples[2].Seq}
			slices.Sort(seqs)
			assert.Equal(t, seqs, slices.Compact(slices.Clone(seqs)), "three different requests")
			for _, s := range seqs {
				assert.True(t, s >= 16 && s <= 20, "example seq %d is one of the violating requests", s)
			}
		case v.Check == "transport":
			assert.Equal(t, "no response: read: connection reset by peer", v.Message)
		case v.Check == "error_body":
			assert.Contains(t, v.Message, "an error body is a JSON object {error, requestId}, {message} or {code, message}")
			assert.Equal(t, "401 Unauthorized: something went wrong\n", v.Examples[0].Body)
		}
	}
	data, err := json.Marshal(r)
	require.NoError(t, err)
	assert.NotContains(t, string(data), colPass, "the password appears nowhere in report.json")
}

func TestCollectorCoverage(t *testing.T) {
	r := colRun(t)
	assert.Equal(t, []int{200, 204, 400, 401}, r.Coverage.StatusesSeen)
	assert.Equal(t, []int{403, 404, 409, 500}, r.Coverage.StatusesUnseen, "documented, never observed; the warm-up's 500 does not count")
	assert.Equal(t, []string{"unknown_session"}, r.Coverage.CasesNeverReached)
	var want []string
	for _, name := range contract.CaseNames() {
		if !slices.ContainsFunc(colCases, func(m contract.MixCase) bool { return m.Name() == name }) {
			want = append(want, name)
		}
	}
	assert.Equal(t, want, r.Coverage.CasesNotRun)
	assert.Len(t, r.Coverage.CasesNotRun, len(contract.Cases())-len(colCases))
}

// gate is a Gate with a fixed verdict that keeps the report it judged.
type gate struct {
	out  Threshold
	seen *Report
}

func (g *gate) Evaluate(r *Report) Threshold { g.seen = r; return g.out }

// TestCollectorThresholds: the report evaluates its gates on its final
// figures, keeps their verdicts in order, and fails when one fails.
func TestCollectorThresholds(t *testing.T) {
	held := &gate{out: Threshold{Expr: "latency.p99 < 250ms", Value: 6, Unit: "ms", Pass: true}}
	broke := &gate{out: Threshold{Expr: "error_rate < 0.1%", Value: 10.0 / 22, Unit: "fraction"}}
	r := colRun(t, held, broke)
	require.Len(t, r.Thresholds, 2)
	assert.Equal(t, held.out, r.Thresholds[0])
	assert.Equal(t, broke.out, r.Thresholds[1])
	require.NotNil(t, held.seen)
	assert.Equal(t, int64(22), held.seen.Requests.Sent, "gates see the final figures")
	assert.False(t, r.Passed)
	assert.True(t, strings.HasPrefix(r.Verdict, "failed: 13 failed checks; 1 of 2 thresholds failed"), r.Verdict)
}

// TestCanceledIsNotTheTargets: requests the user cancelled (Ctrl-C) are
// counted, but judged by no check and reported as no violation.
func TestCanceledIsNotTheTargets(t *testing.T) {
	f := newColFeed(t)
	f.add(0, false, 204, "", "", time.Millisecond, 0, runner.ErrNone)
	f.add(0, false, 0, "", "", time.Millisecond, 0, runner.ErrCanceled)
	f.add(0, false, 0, "", "", time.Millisecond, 0, runner.ErrCanceled)
	f.col.Finish()
	r := f.col.Report(Meta{Summary: runner.Summary{Interrupted: true}, Window: time.Second})
	assert.Equal(t, Requests{Scheduled: 3, Sent: 3, Completed: 1, TransportErrors: 2, Canceled: 2}, r.Requests)
	assert.Equal(t, map[string]int64{"canceled": 2}, r.TransportErrors)
	assert.Equal(t, Counts{Passed: 1}, r.Checks["transport"])
	assert.Empty(t, r.Violations)
	assert.Equal(t, OutcomeInterrupted, r.Outcome)
	assert.Equal(t, "interrupted: the report covers the 3 requests measured before the interrupt", r.Verdict)
}
