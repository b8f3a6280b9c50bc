package report

import (
	"testing"
	"time"

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

// asShard makes r shard i of n of a 300/s run.
func asShard(r *Report, i, n int) *Report {
	r.Shard = &ShardInfo{Index: i, Count: n, RunShape: "constant 300/s"}
	r.Scenario.Hash = "sha256:aaaa"
	r.Load = Load{Model: "open", Shape: "constant 150/s", TargetRate: 300 / float64(n), MaxInFlight: 64}
	return r
}

func TestMergeAddsCountsAndCoverage(t *testing.T) {
	// Shard 0 saw only 401s (the case never reached its purpose there);
	// shard 1 saw the expected 404s. Together: 404 is seen and the case reached.
	a := asShard(shardReport(map[string]int64{"401": 3}, []int{204, 404, 500}), 0, 2)
	b := asShard(shardReport(map[string]int64{"404": 2}, []int{204, 401, 500}), 1, 2)
	m, err := Merge([]*Report{b, a}, MergeOptions{})
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
}

// TestMergeKeepsGeneratedCoverage: a generated case's schema coverage and
// shrunk reproducer survive the merge of its shards.
func TestMergeKeepsGeneratedCoverage(t *testing.T) {
	gen := func(valid int64, muts map[string]map[string]int64, unexercised ...string) *GeneratedCase {
		return &GeneratedCase{Valid: valid, Project: 1, Undecided: 2, Mutations: muts,
			Possible: 4, Exercised: 4 - len(unexercised), Unexercised: unexercised}
	}
	a := asShard(shardReport(map[string]int64{"204": 3}, nil), 0, 2)
	b := asShard(shardReport(map[string]int64{"204": 2}, nil), 1, 2)
	a.Cases[0].Name, b.Cases[0].Name = "generated_body", "generated_body"
	a.Cases[0].Generated = gen(5, map[string]map[string]int64{"sessionId": {"type": 2}}, "participants: huge", "body: null", "sessionId: null")
	b.Cases[0].Generated = gen(7, map[string]map[string]int64{"sessionId": {"type": 1, "null": 4}, "body": {"null": 1}}, "participants: huge", "sessionId: type")
	shrunk := &Shrink{Replays: 12, Reproduced: 9, FromBytes: 900, ToBytes: 40, Stopped: "minimal"}
	a.Violations = []Violation{{Check: "status_expected", Case: "generated_body", Status: 204, Count: 2, Curl: "curl a"}}
	b.Violations = []Violation{{Check: "status_expected", Case: "generated_body", Status: 204, Count: 3,
		Curl: "curl small", OriginalCurl: "curl b", Shrink: shrunk}}

	m, err := Merge([]*Report{a, b}, MergeOptions{})
	require.NoError(t, err)
	assert.Equal(t, &GeneratedCase{Valid: 12, Project: 2, Undecided: 4,
		Mutations: map[string]map[string]int64{"sessionId": {"type": 3, "null": 4}, "body": {"null": 1}},
		Possible:  4, Exercised: 3, Unexercised: []string{"participants: huge"}}, m.Cases[0].Generated,
		"a pair one shard exercised is exercised")
	require.Len(t, m.Violations, 1)
	assert.Equal(t, int64(5), m.Violations[0].Count)
	assert.Equal(t, "curl small", m.Violations[0].Curl, "the shard that shrank the failure gives the reproducer")
	assert.Equal(t, "curl b", m.Violations[0].OriginalCurl)
	assert.Equal(t, shrunk, m.Violations[0].Shrink)
}

func TestMergeDescribesTheWholeRun(t *testing.T) {
	a := asShard(shardReport(map[string]int64{"204": 3}, nil), 0, 2)
	b := asShard(shardReport(map[string]int64{"204": 2}, nil), 1, 2)
	start := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	a.Started, b.Started = start, start.Add(250*time.Millisecond)
	m, err := Merge([]*Report{a, b}, MergeOptions{})
	require.NoError(t, err)
	assert.Equal(t, "constant 300/s", m.Load.Shape, "the whole run's shape, not a shard's")
	assert.InDelta(t, 300, m.Load.TargetRate, 1e-9)
	assert.Equal(t, 128, m.Load.MaxInFlight, "the shards' caps add up")
	assert.Nil(t, m.Shard)
	assert.Empty(t, m.Scenario.Shard)
	assert.Equal(t, &MergeInfo{Count: 2, Shards: []int{0, 1}, StartSpreadMs: 250}, m.Merged)
	assert.Equal(t, start, m.Started, "the earliest shard's start")
}

func TestMergeAllowPartialListsTheMissing(t *testing.T) {
	a := asShard(shardReport(map[string]int64{"204": 3}, nil), 0, 3)
	c := asShard(shardReport(map[string]int64{"204": 2}, nil), 2, 3)
	m, err := Merge([]*Report{a, c}, MergeOptions{AllowPartial: true})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 2}, m.Merged.Shards)
	assert.Equal(t, []int{1}, m.Merged.Missing)
	assert.Equal(t, "constant 300/s (2 of 3 shards merged)", m.Load.Shape)
	assert.Equal(t, int64(5), m.Requests.Sent)
}

func TestMergeRefuses(t *testing.T) {
	shard := func(i, n int) *Report { return asShard(shardReport(map[string]int64{"204": 1}, nil), i, n) }
	whole := func() *Report { return shardReport(map[string]int64{"204": 1}, nil) }
	with := func(r *Report, f func(*Report)) *Report { f(r); return r }
	for _, tc := range []struct {
		name string
		rs   []*Report
		want string
	}{
		{"the same shard twice: every request counted twice", []*Report{shard(0, 2), shard(0, 2)},
			"a and b are both shard 0/2: each shard is merged once"},
		{"a whole run twice", []*Report{whole(), whole()}, "a and b are both a whole run"},
		{"one shard of two: half the run", []*Report{shard(0, 2)}, "shard 1 of 2 is missing (given: 0)"},
		{"two of four", []*Report{shard(0, 4), shard(3, 4)}, "shards 1, 2 of 4 are missing"},
		{"a shard with a whole run: 450/s of a 300/s scenario", []*Report{shard(0, 2), whole()},
			"a is shard 0/2 and b is a whole run (no --shard)"},
		{"shards of different counts", []*Report{shard(0, 2), shard(1, 3)}, "the shards of one run have one count"},
		{"another scenario", []*Report{shard(0, 2), with(shard(1, 2), func(r *Report) { r.Scenario.Name = "other" })},
			"not shards of one run: scenario s vs other"},
		{"another version of the file", []*Report{shard(0, 2), with(shard(1, 2), func(r *Report) { r.Scenario.Hash = "sha256:bbbb" })},
			"scenario file sha256:aaaa vs sha256:bbbb"},
		{"another seed", []*Report{shard(0, 2), with(shard(1, 2), func(r *Report) { r.Scenario.Seed = 2 })},
			"seed 1 vs 2"},
		{"another rate (--rate on one shard)", []*Report{shard(0, 2), with(shard(1, 2), func(r *Report) { r.Shard.RunShape = "constant 600/s" })},
			"load constant 300/s vs constant 600/s"},
		{"a run still going", []*Report{shard(0, 2), with(shard(1, 2), func(r *Report) { r.Outcome = OutcomeRunning })},
			"b is the partial report of a run that did not finish"},
		{"not a report", []*Report{with(shard(0, 1), func(r *Report) { r.Format = "x" })}, `format "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Merge(tc.rs, MergeOptions{Names: []string{"a", "b", "c"}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestShardOfReadsOldReports(t *testing.T) {
	// Reports written before the shard object existed name the shard in
	// scenario.shard only.
	id, err := shardOf(&Report{Scenario: ScenarioInfo{Shard: "2/3"}})
	require.NoError(t, err)
	assert.Equal(t, shardID{index: 2, count: 3}, id)
	_, err = shardOf(&Report{Scenario: ScenarioInfo{Shard: "3/3"}})
	assert.Error(t, err)
}
