package threshold

import (
	"testing"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/report"
)

// encoded returns a histogram of 1..n milliseconds (as microseconds),
// encoded as report.json holds it.
func encoded(t *testing.T, n int) string {
	h := report.NewHistogram()
	for i := 1; i <= n; i++ {
		require.NoError(t, h.RecordValue(int64(i)*1000))
	}
	b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
	require.NoError(t, err)
	return string(b)
}

// evalReport is a report whose every figure a threshold can read is known.
func evalReport(t *testing.T) *report.Report {
	return &report.Report{
		LatencyMs:  report.Summary{Count: 100, Min: 1, Mean: 50.5, Stddev: 29, P50: 50, P90: 90, P95: 95, P99: 99, P99_9: 100, Max: 100},
		ServiceMs:  report.Summary{Count: 100, Min: 0.5, P99: 40, Max: 45},
		LagMs:      report.Summary{Count: 100, P99: 0.2, Max: 0.3},
		Histograms: report.Histograms{Latency: encoded(t, 100), Service: encoded(t, 40), Lag: encoded(t, 1)},
		Requests:   report.Requests{Scheduled: 110, Sent: 100, Completed: 96, Dropped: 10, TransportErrors: 4, Failed: 8},
		Checks:     map[string]report.Counts{"status_expected": {Passed: 90, Failed: 6}, "transport": {Passed: 96, Failed: 4}},
		Load:       report.Load{AchievedRate: 99.5},
		Shedding:   report.Shedding{Count: 3},
		Cases: []report.Case{{
			Name: "no_body", Requests: 20, Failed: 5,
			LatencyMs: report.Summary{Count: 20, P50: 10, P99: 20}, Histogram: encoded(t, 20),
			ServiceMs: report.Summary{Count: 20, P99: 7}, ServiceHistogram: encoded(t, 8),
			Checks: map[string]report.Counts{"error_body": {Passed: 3, Failed: 2}},
		}},
	}
}

// TestEvaluate measures a threshold of every metric of the table, each
// stat kind, on a report of known figures.
func TestEvaluate(t *testing.T) {
	tests := []struct {
		expr  string
		value float64
		pass  bool
		err   string
	}{
		{"latency.p99 < 250ms", 99, true, ""},
		{"latency.max < 50ms", 100, false, ""},
		{"latency.min >= 1ms", 1, true, ""},
		{"latency.mean < 60ms", 50.5, true, ""},
		{"latency.stddev < 30ms", 29, true, ""},
		{"latency.p99.9 <= 100ms", 100, true, ""},
		{"latency.p75 < 80ms", 75, true, ""}, // not in the summary: read from the histogram
		{"latency{case=no_body}.p50 < 20ms", 10, true, ""},
		{"latency{case=no_body}.p80 < 20ms", 16, true, ""},
		{"latency{case=subscribe_all}.p50 < 20ms", 0, false, "case subscribe_all is not in the mix"},
		{"service.p99 < 50ms", 40, true, ""},
		{"service.p50 < 50ms", 0, true, ""}, // the summary says 0: nothing is made up
		{"service{case=no_body}.p75 < 5ms", 6, false, ""},
		{"lag.p99 < 1ms", 0.2, true, ""},
		{"lag.p60 < 1ms", 1, false, ""},
		{"error_rate < 5%", 0.08, false, ""},
		{"error_rate{case=no_body} <= 0.25", 0.25, true, ""},
		{"checks.status_expected.failed == 0", 6, false, ""},
		{"checks.status_expected.passed > 50", 90, true, ""},
		{"checks.content_type.failed == 0", 0, true, ""},
		{"checks{case=no_body}.error_body.failed <= 1", 2, false, ""},
		{"requests.scheduled == 110", 110, true, ""},
		{"requests.sent == 100", 100, true, ""},
		{"requests.completed >= 96", 96, true, ""},
		{"requests.dropped == 0", 10, false, ""},
		{"requests.transport_errors < 5", 4, true, ""},
		{"rate.achieved >= 100/s", 99.5, false, ""},
		{"rate.achieved >= 5970/m", 99.5, true, ""},
		{"shedding == 0", 3, false, ""},
		{"shedding != 0", 3, true, ""},
	}
	r := evalReport(t)
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			th, err := Parse(tt.expr)
			require.NoError(t, err)
			covered[th.Metric.Name] = true
			got := th.Evaluate(r)
			assert.Equal(t, tt.expr, got.Expr)
			assert.Equal(t, string(th.Metric.Unit), got.Unit)
			assert.InDelta(t, tt.value, got.Value, 0.01*max(1, tt.value))
			assert.Equal(t, tt.pass, got.Pass)
			assert.Equal(t, tt.err, got.Error)
		})
	}
	for _, m := range Metrics() {
		assert.True(t, covered[m.Name], "no test evaluates a threshold on %s", m.Name)
	}
}

func TestPercentile(t *testing.T) {
	for stat, want := range map[string]float64{"p50": 50, "p99": 99, "p99_9": 99.9, "p99_99": 99.99, "p1": 1} {
		p, err := Percentile(stat)
		require.NoError(t, err, stat)
		assert.InDelta(t, want, p, 1e-9, stat)
	}
	for _, bad := range []string{"p0", "p100", "p", "p99_", "99", "p9x"} {
		_, err := Percentile(bad)
		assert.Error(t, err, bad)
	}
}

func TestOps(t *testing.T) {
	for _, tt := range []struct {
		op       Op
		v, bound float64
		want     bool
	}{
		{"<", 1, 2, true}, {"<", 2, 2, false}, {"<=", 2, 2, true}, {">", 3, 2, true}, {">", 2, 2, false},
		{">=", 2, 2, true}, {"==", 2, 2, true}, {"==", 1, 2, false}, {"!=", 1, 2, true}, {"!=", 2, 2, false},
	} {
		assert.Equal(t, tt.want, tt.op.holds(tt.v, tt.bound), "%v %s %v", tt.v, tt.op, tt.bound)
	}
}

// FuzzParse: any expression either parses into a threshold whose String
// parses back to the same threshold, or fails with an error; never a panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"latency.p99 < 250ms", "latency{case=no_body}.p50 <= 1s", "error_rate < 0.1%",
		"checks.status_expected.failed == 0", "rate.achieved >= 95/s", "shedding != 0", "latency.p99.9 < 1s",
		"requests.dropped == 0", "x{", "}<", "latency{case=}.p1<1ms"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		th, err := Parse(expr)
		if err != nil {
			return
		}
		again, err := Parse(th.String())
		if err != nil {
			t.Fatalf("%q parsed, but its String %q does not: %v", expr, th.String(), err)
		}
		if again.String() != th.String() {
			t.Fatalf("%q: String %q parses back as %q", expr, th.String(), again.String())
		}
	})
}
