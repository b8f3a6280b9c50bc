package metrics

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dashboardQueries returns every PromQL query of the Grafana dashboard: the
// panels' exprs and the template variables' queries.
func dashboardQueries(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../../deploy/grafana/wrtcbench.json")
	require.NoError(t, err)
	var doc any
	require.NoError(t, json.Unmarshal(data, &doc))
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if s, ok := c.(string); ok && (k == "expr" || k == "definition") {
					out = append(out, s)
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)
	return out
}

var (
	metricName = regexp.MustCompile(`\bwrtcbench_[a-z0-9_]+\b`)
	byClause   = regexp.MustCompile(`\b(?:by|without)\s*\(([^)]*)\)`)
	matcher    = regexp.MustCompile(`\{([^}]*)\}`)
	labelName  = regexp.MustCompile(`^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)`)
)

func TestDashboardQueriesNameExportedMetrics(t *testing.T) {
	queries := dashboardQueries(t)
	require.NotEmpty(t, queries)
	exported := Names()
	labels := []string{"le", labelScenario, labelShard}
	for _, d := range defs {
		labels = append(labels, d.labels...)
	}
	used := map[string]bool{}
	for _, q := range queries {
		for _, name := range metricName.FindAllString(q, -1) {
			assert.Contains(t, exported, name, "query %q names a metric the run does not export", q)
			used[name] = true
		}
		for _, m := range byClause.FindAllStringSubmatch(q, -1) {
			for _, l := range strings.Split(m[1], ",") {
				assert.Contains(t, labels, strings.TrimSpace(l), "query %q groups by a label no metric has", q)
			}
		}
		for _, m := range matcher.FindAllStringSubmatch(q, -1) {
			for _, part := range strings.Split(m[1], ",") {
				if l := labelName.FindStringSubmatch(part); l != nil {
					assert.Contains(t, labels, l[1], "query %q matches a label no metric has", q)
				}
			}
		}
	}
	// What the dashboard is for: rate, latency percentiles over time, the
	// status mix, the checks and the generator's lag.
	for _, want := range []string{
		"wrtcbench_target_rate", "wrtcbench_achieved_rate", "wrtcbench_latency_seconds_bucket",
		"wrtcbench_requests_total", "wrtcbench_check_failures_total", "wrtcbench_lag_seconds_bucket",
	} {
		assert.True(t, used[want], "the dashboard has no panel on %s", want)
	}
	assert.True(t, slices.ContainsFunc(queries, func(q string) bool { return strings.Contains(q, "histogram_quantile(0.99") }))
}
