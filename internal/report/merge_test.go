package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shardReport builds a minimal shard report with one case and the given statuses.
func shardReport(status map[string]int64, unseen []int) *Report {
	var n int64
	for _, v := range status {
		n += v
	}
	return &Report{
		Format: Format, Scenario: ScenarioInfo{Name: "s", Seed: 1},
		Requests: Requests{Scheduled: n, Sent: n, Completed: n},
		Status:   status,
		Checks:   map[string]Counts{"status_expected": {Passed: n}},
		Cases: []Case{{Name: "unknown_session", Expected: []int{404}, Requests: n, Completed: n, Status: status,
			Checks: map[string]Counts{"status_expected": {Passed: n}}}},
		Coverage: Coverage{StatusesUnseen: unseen},
	}
}

func TestMergeAddsCountsAndCoverage(t *testing.T) {
	// Shard 0 saw only 401s (the case never reached its purpose there);
	// shard 1 saw the expected 404s. Together: 404 is seen and the case reached.
	a := shardReport(map[string]int64{"401": 3}, []int{204, 404, 500})
	b := shardReport(map[string]int64{"404": 2}, []int{204, 401, 500})
	m, err := Merge([]*Report{a, b})
	require.NoError(t, err)
	assert.Equal(t, int64(5), m.Requests.Completed)
	assert.Equal(t, map[string]int64{"401": 3, "404": 2}, m.Status)
	assert.Equal(t, Counts{Passed: 5}, m.Checks["status_expected"])
	require.Len(t, m.Cases, 1)
	assert.Equal(t, int64(5), m.Cases[0].Requests)
	assert.Equal(t, []int{401, 404}, m.Coverage.StatusesSeen)
	assert.Equal(t, []int{204, 500}, m.Coverage.StatusesUnseen, "unseen only when every shard missed it")
	assert.Empty(t, m.Coverage.CasesNeverReached, "one shard reached it")
	assert.NotContains(t, m.Coverage.CasesNotRun, "unknown_session")

	_, err = Merge([]*Report{a, {Format: Format, Scenario: ScenarioInfo{Name: "other", Seed: 1}}})
	assert.ErrorContains(t, err, "not shards of one run")
}
