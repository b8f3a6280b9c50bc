package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

func TestChartIntervals(t *testing.T) {
	h := NewHistogram()
	h.RecordValue(1000)
	one := func(start, dur float64, sent int64) Interval {
		return Interval{StartS: start, DurationS: dur, Sent: sent, Completed: 1, Status: map[string]int64{"204": 1},
			LatencyMs: summarize(h), Histogram: encodeHist(h)}
	}
	r := &Report{IntervalS: 1}
	for i := range 10 {
		r.Intervals = append(r.Intervals, one(float64(i), 1, 100))
	}
	r.Intervals = append(r.Intervals, one(10, 0.05, 0)) // the drain after the schedule ended
	ivs := chartIntervals(r, 440)
	if assert.Len(t, ivs, 10, "a last slice shorter than half the others joins the one before") {
		last := ivs[9]
		assert.InDelta(t, 1.05, last.DurationS, 1e-9)
		assert.Equal(t, int64(100), last.Sent)
		assert.Equal(t, int64(2), last.LatencyMs.Count)
	}
	ivs = chartIntervals(r, 4)
	assert.Len(t, ivs, 3, "more intervals than columns are joined in pairs until they fit")
	var sent int64
	for _, iv := range ivs {
		sent += iv.Sent
	}
	assert.Equal(t, int64(1000), sent, "joining keeps every request")
	assert.Len(t, r.Intervals, 11, "the report is left alone")
}

func TestSteps(t *testing.T) {
	ivs := []Interval{{StartS: 0, DurationS: 1, Sent: 10}, {StartS: 1, DurationS: 2, Sent: 0}, {StartS: 3, DurationS: 1, Sent: 30}}
	got := steps(ivs, func(iv Interval) (float64, bool) { return perSecond(iv.Sent, iv), iv.Sent > 0 })
	assert.Equal(t, plotter.XYs{{X: 0, Y: 10}, {X: 1, Y: 10}, {X: 3, Y: 30}, {X: 4, Y: 30}}, got,
		"each value is held over its interval's span; a left-out interval is bridged")
}

func TestEnvelopeKeepsPeaks(t *testing.T) {
	var xys plotter.XYs
	for i := range 10_000 {
		y := 1.0
		if i == 4321 {
			y = 500 // a one-point spike
		}
		if i == 7000 {
			y = 0.01 // and a dip
		}
		xys = append(xys, plotter.XY{X: float64(i), Y: y})
	}
	got := envelope(xys, 0, 10_000, 100)
	assert.LessOrEqual(t, len(got), 400, "at most four points a column")
	var hi, lo = 0.0, 1e9
	for i, p := range got {
		hi, lo = max(hi, p.Y), min(lo, p.Y)
		if i > 0 {
			assert.GreaterOrEqual(t, p.X, got[i-1].X, "points stay in order")
		}
	}
	assert.Equal(t, 500.0, hi, "the spike survives")
	assert.Equal(t, 0.01, lo, "the dip survives")
	short := xys[:50]
	assert.Equal(t, short, envelope(short, 0, 50, 100), "a thin line is left as it is")
}

// tickLabels joins the labels of ticks.
func tickLabels(ticks []plot.Tick) string {
	var out []string
	for _, tk := range ticks {
		if tk.Label != "" {
			out = append(out, tk.Label)
		}
	}
	return strings.Join(out, " ")
}

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  string
		want string
	}{
		{"latency, two decades: 1-2-5", tickLabels(latencyTicks{}.Ticks(1, 100)), "1ms 2ms 5ms 10ms 20ms 50ms 100ms"},
		{"latency, five decades: powers of ten", tickLabels(latencyTicks{}.Ticks(0.1, 10000)), "0.1ms 1ms 10ms 100ms 1s 10s"},
		{"latency, a narrow span widened", tickLabels(latencyTicks{}.Ticks(niceLogBounds(1.2, 3))), "1ms 2ms 5ms"},
		{"time, a minute", tickLabels(timeTicks{}.Ticks(0, 60)), "0 10s 20s 30s 40s 50s 1m"},
		{"time, a day", tickLabels(timeTicks{}.Ticks(0, 86400)), "0 6h 12h 18h 24h"},
		{"time, half an hour", tickLabels(timeTicks{}.Ticks(0, 1800)), "0 5m 10m 15m 20m 25m 30m"},
		{"linear, at least three labels", tickLabels(plainTicks{}.Ticks(0, 17.92)), "0 5 10 15"},
		{"percent", tickLabels(plainTicks{suffix: "%"}.Ticks(0, 1.2)), "0% 0.5% 1%"},
	} {
		assert.Equal(t, tc.want, tc.got, tc.name)
	}
	lo, hi := niceLogBounds(0.38, 590)
	assert.Equal(t, [2]float64{0.2, 1000}, [2]float64{lo, hi})
}
