package report

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

func TestGroupFor(t *testing.T) {
	for _, tc := range []struct {
		name          string
		planned, base time.Duration
		want          int
	}{
		{"unknown length", 0, time.Second, 1},
		{"a short run keeps every slice", 30 * time.Second, time.Second, 1},
		{"just under the limit", (MaxIntervals - 3) * time.Second, time.Second, 1},
		{"just over it", MaxIntervals * time.Second, time.Second, 2},
		{"an hour", time.Hour, time.Second, 4},
		{"a day at 1 s", 24 * time.Hour, time.Second, 128},
		{"a day at 100 ms", 24 * time.Hour, 100 * time.Millisecond, 1024},
	} {
		g := groupFor(tc.planned, tc.base)
		assert.Equal(t, tc.want, g, tc.name)
		if tc.planned > 0 {
			n := int(tc.planned/tc.base) + 2
			assert.Less(t, (n+g-1)/g, MaxIntervals, "%s: the planned run must fit", tc.name)
		}
	}
}

// sliceFeed drives a Collector slice by slice, with the slices' end times
// chosen by the test rather than the clock.
type sliceFeed struct {
	t      *testing.T
	col    *Collector
	seq    uint64
	now    time.Duration
	slices []Interval // what OnInterval received
}

func newSliceFeed(t *testing.T, planned time.Duration) *sliceFeed {
	f := &sliceFeed{t: t, col: NewCollector(colCases, contract.Default(), 4, time.Second)}
	f.col.Planned = planned
	f.col.OnInterval = func(iv Interval) { f.slices = append(f.slices, iv) }
	return f
}

// slice records n answers of case caseIdx with latencies lat, lat+1µs...
// and closes a slice of length d.
func (f *sliceFeed) slice(caseIdx, n int, lat, d time.Duration, final bool) {
	for i := range n {
		l := lat + time.Duration(i)*time.Microsecond
		f.col.Record(i, &runner.Result{Seq: f.seq, Req: colRequest(caseIdx, f.seq), Scheduled: f.now, Sent: f.now, Done: f.now + l,
			Response: runner.Response{Status: 204}})
		f.seq++
	}
	f.now += d
	f.col.mu.Lock()
	iv := f.col.foldAt(f.now, final)
	f.col.mu.Unlock()
	if f.col.OnInterval != nil {
		f.col.OnInterval(iv)
	}
}

func (f *sliceFeed) report() *Report {
	return f.col.Report(Meta{Scenario: ScenarioInfo{Name: "slices"}, Summary: runner.Summary{Elapsed: f.now}})
}

func TestCollectorJoinsTheSlicesOfAPlannedLongRun(t *testing.T) {
	// Planned for 3000 s: four one-second slices to an interval.
	f := newSliceFeed(t, 3000*time.Second)
	for i := range 10 {
		f.slice(i%2, 5, time.Duration(i+1)*time.Millisecond, time.Second, false)
	}
	f.slice(0, 1, 50*time.Millisecond, 300*time.Millisecond, true) // the partial last slice
	r := f.report()

	require.Len(t, f.slices, 11, "the hlog still gets every slice")
	require.Len(t, r.Intervals, 3, "11 slices in fours")
	assert.InDelta(t, 1.0, r.IntervalS, 1e-9)
	for i, want := range []struct{ start, dur float64 }{{0, 4}, {4, 4}, {8, 2.3}} {
		iv := r.Intervals[i]
		assert.InDelta(t, want.start, iv.StartS, 1e-9, "interval %d start", i)
		assert.InDelta(t, want.dur, iv.DurationS, 1e-9, "interval %d span", i)
	}
	// The first interval holds slices 0-3: 20 answers, latencies 1..4 ms.
	first := r.Intervals[0]
	assert.Equal(t, int64(20), first.Completed)
	assert.Equal(t, int64(20), first.LatencyMs.Count)
	assert.InDelta(t, 1.0, first.LatencyMs.Min, 0.01)
	assert.InDelta(t, 4.004, first.LatencyMs.Max, 0.01)
	h, err := DecodeHistogram(first.Histogram)
	require.NoError(t, err)
	assert.Equal(t, int64(20), h.TotalCount(), "the interval's histogram covers its four slices")
	// Slices 0 and 2 were subscribe_all, 1 and 3 malformed_json.
	sub, mal := first.CaseLatencyMs[contract.SubscribeAll], first.CaseLatencyMs[contract.MalformedJSON]
	assert.Equal(t, int64(10), sub.Count)
	assert.Equal(t, int64(10), mal.Count)
	assert.InDelta(t, 3.004, sub.Max, 0.01, "subscribe_all's slowest: slice 2")
	assert.InDelta(t, 4.004, mal.Max, 0.01, "malformed_json's slowest: slice 3")

	var total int64
	for _, iv := range r.Intervals {
		total += iv.Completed
	}
	assert.Equal(t, r.Requests.Completed, total, "the intervals add up to the run")
}

func TestCollectorHalvesAsARunOutgrowsItsPlan(t *testing.T) {
	f := newSliceFeed(t, 0) // unknown length: every slice, until MaxIntervals
	f.col.OnInterval = nil
	extra := 10
	for range MaxIntervals + extra {
		f.slice(0, 1, time.Millisecond, time.Second, false)
	}
	f.slice(0, 1, time.Millisecond, time.Second, true)
	r := f.report()
	n := MaxIntervals + extra + 1
	require.Len(t, r.Intervals, (n+1)/2, "joined in pairs once MaxIntervals was reached, and from then on")
	var total int64
	for i, iv := range r.Intervals {
		total += iv.Completed
		if i < len(r.Intervals)-1 {
			assert.InDelta(t, 2.0, iv.DurationS, 1e-9, "interval %d", i)
			assert.Equal(t, int64(2), iv.LatencyMs.Count, "interval %d", i)
		}
	}
	assert.Equal(t, int64(n), total)
}

func TestJoinAdjacentIsExact(t *testing.T) {
	a, b, both := NewHistogram(), NewHistogram(), NewHistogram()
	for v := int64(1); v <= 1000; v++ {
		a.RecordValue(v * 10)
		b.RecordValue(v * 1000)
		both.RecordValue(v * 10)
		both.RecordValue(v * 1000)
	}
	x := Interval{StartS: 0, DurationS: 1, Sent: 10, Completed: 1000, InFlight: 3, InFlightMax: 9, TargetRate: 5,
		Status: map[string]int64{"204": 1000}, LatencyMs: summarize(a), Histogram: encodeHist(a),
		CaseLatencyMs: map[string]CaseSlice{"c": {Count: 1000, P99: 9.9, Max: 10}}}
	y := Interval{StartS: 1, DurationS: 0.5, Sent: 20, Completed: 1000, InFlight: 1, InFlightMax: 4, TargetRate: 7,
		Status: map[string]int64{"204": 990, "500": 10}, LatencyMs: summarize(b), Histogram: encodeHist(b),
		CaseLatencyMs: map[string]CaseSlice{"c": {Count: 1000, P99: 990, Max: 1000}}}
	j, err := joinAdjacent(x, y)
	require.NoError(t, err)
	assert.Equal(t, summarize(both), j.LatencyMs, "latency is merged through the histograms")
	assert.InDelta(t, 1.5, j.DurationS, 1e-9)
	assert.Equal(t, int64(30), j.Sent)
	assert.Equal(t, map[string]int64{"204": 1990, "500": 10}, j.Status)
	assert.Equal(t, int64(1), j.InFlight, "in flight at the end of the later slice")
	assert.Equal(t, int64(9), j.InFlightMax)
	assert.InDelta(t, 7.0, j.TargetRate, 1e-9, "the target at the end of the later slice")
	assert.Equal(t, CaseSlice{Count: 2000, P99: 990, Max: 1000}, j.CaseLatencyMs["c"])
	assert.Equal(t, map[string]int64{"204": 1000}, x.Status, "the parts are left alone")

	y.Histogram = ""
	_, err = joinAdjacent(x, y)
	assert.Error(t, err, "a slice with answers but no histogram cannot be joined exactly")
}

func TestAddShardIntervalsAlignsJoinedSlices(t *testing.T) {
	mk := func(n int, dur float64, count int64) []Interval {
		var out []Interval
		for i := range n {
			h := NewHistogram()
			for range count {
				h.RecordValue(1000)
			}
			out = append(out, Interval{StartS: float64(i) * dur, DurationS: dur, Sent: count, Completed: count,
				InFlightMax: 2, Status: map[string]int64{"204": count}, LatencyMs: summarize(h), Histogram: encodeHist(h)})
		}
		return out
	}
	// One shard kept eight 1 s slices, the other joined its slices in pairs.
	got, err := addShardIntervals(mk(8, 1, 3), mk(4, 2, 5))
	require.NoError(t, err)
	require.Len(t, got, 4)
	for i, iv := range got {
		assert.InDelta(t, 2.0, iv.DurationS, 1e-9, "interval %d", i)
		assert.Equal(t, int64(11), iv.Sent, "interval %d: 2×3 + 5", i)
		assert.Equal(t, int64(11), iv.LatencyMs.Count, "interval %d", i)
		assert.Equal(t, int64(4), iv.InFlightMax, "interval %d: side by side the maxima add up", i)
	}
	// And the other way round.
	got, err = addShardIntervals(mk(4, 2, 5), mk(8, 1, 3))
	require.NoError(t, err)
	require.Len(t, got, 4)
	assert.Equal(t, int64(11), got[3].Sent)

	_, err = addShardIntervals(mk(6, 1, 1), mk(2, 3, 1))
	assert.Error(t, err, "slices of 1 s and 3 s do not align")
}
