package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// gather registers e alone and returns its families by name.
func gather(t *testing.T, e *Exporter) map[string]*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(e))
	fams, err := reg.Gather()
	require.NoError(t, err)
	out := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		out[f.GetName()] = f
	}
	return out
}

// value returns the value of the series of fam whose labels include want.
func value(t *testing.T, fam *dto.MetricFamily, want map[string]string) float64 {
	t.Helper()
	require.NotNil(t, fam)
next:
	for _, m := range fam.Metric {
		got := map[string]string{}
		for _, l := range m.Label {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	t.Fatalf("%s has no series %v", fam.GetName(), want)
	return 0
}

func TestExporterCountsLikeTheReport(t *testing.T) {
	var ok, bad contract.Verdicts
	ok.Pass(contract.CheckTransport)
	ok.Pass(contract.CheckStatusExpected)
	bad.Pass(contract.CheckTransport)
	bad.Fail(contract.CheckStatusExpected)
	transport := contract.JudgeTransportError()
	ms := time.Millisecond
	e := NewExporter(Run{Scenario: "s", Shard: "1/3", Seed: 7, Hash: "sha256:ab", Start: time.Unix(1700000000, 0),
		Cases: []string{"subscribe_all", "missing_auth"}}, func() runner.Progress { return runner.Progress{InFlight: 4, TargetRate: 100} })
	e.Observe([]report.Observation{
		{Case: 0, Warmup: true, Status: 204, Latency: ms, Verdicts: ok},             // warm-up: counted apart
		{Case: 0, Warmup: true, Dropped: true},                                      // a dropped warm-up request: not sent, not counted
		{Case: 0, Dropped: true},                                                    // measured but dropped
		{Case: 0, Status: 204, Latency: 2 * ms, Service: ms, Lag: ms, Verdicts: ok}, // measured
		{Case: 0, Status: 204, Latency: 3 * ms, Service: ms, Lag: ms, Verdicts: ok},
		{Case: 1, Status: 204, Latency: ms, Service: ms, Verdicts: bad}, // failed a check
		{Case: 1, Status: 999, Latency: ms, Service: ms, Verdicts: ok},  // a status outside 100..599
		{Case: 1, Err: runner.ErrTimeout, Verdicts: transport},          // no response
		{Case: 1, Err: runner.ErrCanceled},                              // interrupted: judged by no check
	})
	f := gather(t, e)
	run := map[string]string{"scenario": "s", "shard": "1/3"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{"scenario": "s", "shard": "1/3"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	assert.Equal(t, 2.0, value(t, f["wrtcbench_requests_total"], with("case", "subscribe_all", "status", "204")))
	assert.Equal(t, 1.0, value(t, f["wrtcbench_requests_total"], with("case", "missing_auth", "status", "other")))
	assert.Equal(t, 1.0, value(t, f["wrtcbench_transport_errors_total"], with("case", "missing_auth", "kind", "timeout")))
	assert.Equal(t, 1.0, value(t, f["wrtcbench_transport_errors_total"], with("case", "missing_auth", "kind", "canceled")))
	assert.Equal(t, 2.0, value(t, f["wrtcbench_requests_failed_total"], with("case", "missing_auth")), "the failed check and the timeout")
	assert.Equal(t, 0.0, value(t, f["wrtcbench_requests_failed_total"], with("case", "subscribe_all")))
	assert.Equal(t, 1.0, value(t, f["wrtcbench_check_failures_total"], with("case", "missing_auth", "check", "status_expected")))
	assert.Equal(t, 2.0, value(t, f["wrtcbench_checks_total"], with("case", "missing_auth", "check", "status_expected")))
	assert.Equal(t, 3.0, value(t, f["wrtcbench_checks_total"], with("case", "missing_auth", "check", "transport")))
	assert.Equal(t, 1.0, value(t, f["wrtcbench_check_failures_total"], with("case", "missing_auth", "check", "transport")))
	assert.Equal(t, 1.0, value(t, f["wrtcbench_requests_dropped_total"], run))
	assert.Equal(t, 1.0, value(t, f["wrtcbench_warmup_requests_total"], run))
	assert.Equal(t, 2.0, value(t, f["wrtcbench_latency_seconds"], with("case", "subscribe_all")))
	assert.Equal(t, 2.0, value(t, f["wrtcbench_latency_seconds"], with("case", "missing_auth")))
	assert.Equal(t, 4.0, value(t, f["wrtcbench_lag_seconds"], run))
	assert.Equal(t, 4.0, value(t, f["wrtcbench_in_flight"], run))
	assert.Equal(t, 100.0, value(t, f["wrtcbench_target_rate"], run))
	assert.Equal(t, 1.0, value(t, f["wrtcbench_run_info"], with("seed", "7", "hash", "sha256:ab")))
	assert.Equal(t, 1700000000.0, value(t, f["wrtcbench_run_start_time_seconds"], run))
	assert.Equal(t, 0.0, value(t, f["wrtcbench_run_finished"], run))

	e.Interval(report.Interval{DurationS: 0.5, Sent: 40})
	assert.Equal(t, 80.0, value(t, gather(t, e)["wrtcbench_achieved_rate"], run))
	e.Finish()
	f = gather(t, e)
	assert.Equal(t, 1.0, value(t, f["wrtcbench_run_finished"], run))
	assert.Equal(t, 0.0, value(t, f["wrtcbench_in_flight"], run), "nothing is in flight after the run")
}

func TestNamesCoverWhatIsExported(t *testing.T) {
	e := NewExporter(Run{Scenario: "s", Cases: []string{"no_body"}}, nil)
	var ok contract.Verdicts
	ok.Pass(contract.CheckTransport)
	e.Observe([]report.Observation{{Status: 204, Latency: time.Millisecond, Verdicts: ok}, {Err: runner.ErrReset, Verdicts: ok}})
	got := map[string]bool{}
	for name := range gather(t, e) {
		got[name] = true
	}
	for _, d := range defs {
		assert.True(t, got[d.name], "%s is in the table but not exported", d.name)
	}
	assert.Len(t, got, len(defs), "every exported family is in the table")
	assert.Contains(t, Names(), "wrtcbench_latency_seconds_bucket")
}
