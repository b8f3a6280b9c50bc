package threshold

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     Threshold
		str      string // normalized; empty means same as in
	}{
		{"spec: latency p99", "latency.p99 < 250ms",
			Threshold{Metric: metric("latency"), Stat: "p99", Op: "<", Value: 250}, ""},
		{"spec: latency of one case", "latency{case=subscribe_all}.p50 < 20ms",
			Threshold{Metric: metric("latency"), Case: "subscribe_all", Stat: "p50", Op: "<", Value: 20}, ""},
		{"spec: failed check count", "checks.status_expected.failed == 0",
			Threshold{Metric: metric("checks"), Check: "status_expected", Stat: "failed", Op: "==", Value: 0}, ""},
		{"failed checks of one case", "checks{case=missing_auth}.error_body.failed <= 1",
			Threshold{Metric: metric("checks"), Case: "missing_auth", Check: "error_body", Stat: "failed", Op: "<=", Value: 1}, ""},
		{"spec: error rate in percent, stored as a fraction", "error_rate < 0.1%",
			Threshold{Metric: metric("error_rate"), Op: "<", Value: 0.001, Percent: true}, ""},
		{"error rate as a fraction", "error_rate <= 0.01",
			Threshold{Metric: metric("error_rate"), Op: "<=", Value: 0.01}, ""},
		{"error rate of one case", "error_rate{case=no_body} < 1%",
			Threshold{Metric: metric("error_rate"), Case: "no_body", Op: "<", Value: 0.01, Percent: true}, ""},
		{"seconds become milliseconds", "service.p99_9 <= 1.5s",
			Threshold{Metric: metric("service"), Stat: "p99_9", Op: "<=", Value: 1500}, "service.p99_9 <= 1500ms"},
		{"p99.9 as reports print it", "latency.p99.9 < 1s",
			Threshold{Metric: metric("latency"), Stat: "p99_9", Op: "<", Value: 1000}, "latency.p99_9 < 1000ms"},
		{"microseconds", "lag.max < 800us",
			Threshold{Metric: metric("lag"), Stat: "max", Op: "<", Value: 0.8}, "lag.max < 0.8ms"},
		{"no spaces", "latency.mean>=1ms",
			Threshold{Metric: metric("latency"), Stat: "mean", Op: ">=", Value: 1}, "latency.mean >= 1ms"},
		{"any percentile", "latency.p99_99 != 5ms",
			Threshold{Metric: metric("latency"), Stat: "p99_99", Op: "!=", Value: 5}, ""},
		{"passed checks", "checks.error_body.passed > 10",
			Threshold{Metric: metric("checks"), Check: "error_body", Stat: "passed", Op: ">", Value: 10}, ""},
		{"requests", "requests.transport_errors == 0",
			Threshold{Metric: metric("requests"), Stat: "transport_errors", Op: "==", Value: 0}, ""},
		{"achieved rate", "rate.achieved >= 95/s",
			Threshold{Metric: metric("rate"), Stat: "achieved", Op: ">=", Value: 95}, ""},
		{"achieved rate, bare number", "rate.achieved >= 95",
			Threshold{Metric: metric("rate"), Stat: "achieved", Op: ">=", Value: 95}, "rate.achieved >= 95/s"},
		{"shedding", "shedding == 0",
			Threshold{Metric: metric("shedding"), Op: "==", Value: 0}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
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
			again, err := Parse(got.String())
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
		{"label on a count", "shedding{case=no_body} == 0", "labels are allowed only on latency, service, error_rate, checks"},
		{"label on lag", "lag{case=no_body}.p99 < 1ms", "labels are allowed only on"},
		{"p99.9 on a count", "requests.p99.9 == 0", "requests needs one stat after a dot"},
		{"unknown check", "checks.status.failed == 0", `unknown check "status"`},
		{"check without stat", "checks.status_expected == 0", "write checks.CHECK.failed or checks.CHECK.passed"},
		{"check bad stat", "checks.status_expected.broken == 0", `unknown stat "broken" for checks; allowed: failed or passed`},
		{"error rate above one", "error_rate < 5", "out of range"},
		{"error rate above 100 percent", "error_rate < 150%", "out of range"},
		{"a bare 1 is ambiguous", "error_rate < 1", "1 is ambiguous; write 100% for every one, or 1% for one in a hundred"},
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
			_, err := Parse(tt.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// metric returns the row of the metric table named name.
func metric(name string) *Metric {
	m, ok := LookupMetric(name)
	if !ok {
		panic("no metric " + name)
	}
	return m
}
