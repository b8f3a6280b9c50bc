package scenarios

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseThreshold(t *testing.T) {
	tests := []struct {
		name, in string
		want     Threshold
		str      string // normalized; empty means same as in
	}{
		{"spec: latency p99", "latency.p99 < 250ms",
			Threshold{Metric: "latency", Stat: "p99", Op: "<", Value: 250, Unit: "ms"}, ""},
		{"spec: latency of one case", "latency{case=subscribe_all}.p50 < 20ms",
			Threshold{Metric: "latency", Labels: map[string]string{"case": "subscribe_all"}, Stat: "p50", Op: "<", Value: 20, Unit: "ms"}, ""},
		{"spec: failed check count", "checks.status_expected.failed == 0",
			Threshold{Metric: "checks", Labels: map[string]string{"check": "status_expected"}, Stat: "failed", Op: "==", Value: 0}, ""},
		{"spec: error rate in percent, stored as a fraction", "error_rate < 0.1%",
			Threshold{Metric: "error_rate", Op: "<", Value: 0.001, Unit: "%"}, ""},
		{"error rate as a fraction", "error_rate <= 0.01",
			Threshold{Metric: "error_rate", Op: "<=", Value: 0.01}, ""},
		{"seconds become milliseconds", "service.p99_9 <= 1.5s",
			Threshold{Metric: "service", Stat: "p99_9", Op: "<=", Value: 1500, Unit: "ms"}, "service.p99_9 <= 1500ms"},
		{"microseconds", "lag.max < 800us",
			Threshold{Metric: "lag", Stat: "max", Op: "<", Value: 0.8, Unit: "ms"}, "lag.max < 0.8ms"},
		{"no spaces", "latency.mean>=1ms",
			Threshold{Metric: "latency", Stat: "mean", Op: ">=", Value: 1, Unit: "ms"}, "latency.mean >= 1ms"},
		{"any percentile", "latency.p99_99 != 5ms",
			Threshold{Metric: "latency", Stat: "p99_99", Op: "!=", Value: 5, Unit: "ms"}, ""},
		{"passed checks", "checks.error_body.passed > 10",
			Threshold{Metric: "checks", Labels: map[string]string{"check": "error_body"}, Stat: "passed", Op: ">", Value: 10}, ""},
		{"requests", "requests.transport_errors == 0",
			Threshold{Metric: "requests", Stat: "transport_errors", Op: "==", Value: 0}, ""},
		{"achieved rate", "rate.achieved >= 95/s",
			Threshold{Metric: "rate", Stat: "achieved", Op: ">=", Value: 95, Unit: "/s"}, ""},
		{"achieved rate, bare number", "rate.achieved >= 95",
			Threshold{Metric: "rate", Stat: "achieved", Op: ">=", Value: 95, Unit: "/s"}, "rate.achieved >= 95/s"},
		{"shedding", "shedding == 0",
			Threshold{Metric: "shedding", Op: "==", Value: 0}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseThreshold(tt.in)
			require.NoError(t, err)
			tt.want.Expr = tt.in
			assert.InDelta(t, tt.want.Value, got.Value, 1e-12)
			cmp := got
			cmp.Value, tt.want.Value = 0, 0
			assert.Equal(t, tt.want, cmp)
			str := tt.str
			if str == "" {
				str = tt.in
			}
			assert.Equal(t, str, got.String())
			again, err := ParseThreshold(got.String())
			require.NoError(t, err, "String must parse back")
			assert.Equal(t, got.String(), again.String())
		})
	}
}

func TestParseThresholdErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no operator", "latency.p99 250ms", "has no comparison"},
		{"no value", "latency.p99 <", "no value after <"},
		{"no metric", "< 5ms", "no metric before the comparison"},
		{"unknown metric with suggestion", "latncy.p99 < 1s", `unknown metric "latncy"; allowed: latency, service, lag, error_rate, checks, requests, rate, shedding (did you mean "latency"?)`},
		{"unknown stat", "latency.median < 1s", `unknown stat "median" for latency`},
		{"percentile out of range", "latency.p100 < 1s", `unknown stat "p100"`},
		{"missing stat", "latency < 1s", "latency needs one stat after a dot"},
		{"unit missing", "latency.p99 < 250", "250 is not a duration"},
		{"negative duration", "latency.p99 < -1ms", "must not be negative"},
		{"unknown case label", "latency{case=subscribe_al}.p50 < 1ms", `unknown case "subscribe_al" (did you mean "subscribe_all"?)`},
		{"unknown label", "latency{kase=no_body}.p50 < 1ms", `unknown label "kase"; allowed: case`},
		{"empty labels", "latency{}.p50 < 1ms", "is not KEY=VALUE"},
		{"label on a count", "shedding{case=no_body} == 0", "labels are allowed only on latency, service, lag"},
		{"unknown check", "checks.status.failed == 0", `unknown check "status"`},
		{"check without stat", "checks.status_expected == 0", "write checks.CHECK.failed or checks.CHECK.passed"},
		{"check bad stat", "checks.status_expected.broken == 0", `unknown stat "broken" for checks; allowed: failed or passed`},
		{"error rate above one", "error_rate < 5", "out of range"},
		{"error rate above 100 percent", "error_rate < 150%", "out of range"},
		{"error rate with a stat", "error_rate.p99 < 0.1", "error_rate takes no stat"},
		{"count is not a duration", "requests.dropped < 5ms", "is not a number; requests is a count"},
		{"negative count", "shedding < -1", "must not be negative"},
		{"unknown request stat", "requests.lost == 0", "allowed: scheduled, sent, completed, dropped, transport_errors"},
		{"bad rate value", "rate.achieved > fast", "is not a rate"},
		{"bad name characters", "Latency.p99 < 1ms", "is not a metric name"},
		{"bad operator", "latency.p99 =< 1ms", "has no comparison"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseThreshold(tt.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
