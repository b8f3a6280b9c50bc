package report

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/wrtcbench/wrtcbench/internal/runner"
)

func TestInFlightMaxIsTheSlicesPeak(t *testing.T) {
	f := newSliceFeed(t, 0)
	var p runner.Progress
	f.col.agg.sample = func() runner.Progress { return p }
	peek := func(inFlight, highWater int64) {
		p.InFlight, p.MaxInFlight = inFlight, highWater
		f.col.mu.Lock()
		f.col.agg.notePeak(p)
		f.col.mu.Unlock()
	}
	peek(3, 3)
	peek(10, 10)
	peek(2, 157) // a stall between two readings: the runner's own high-water mark saw 157
	p.InFlight = 2
	f.slice(0, 1, time.Millisecond, time.Second, false)
	peek(4, 157)
	p.InFlight = 1
	f.slice(0, 1, time.Millisecond, time.Second, false)
	p.InFlight = 0
	f.slice(0, 1, time.Millisecond, time.Second, true)

	r := f.report()
	var got [][2]int64
	for _, iv := range r.Intervals {
		got = append(got, [2]int64{iv.InFlight, iv.InFlightMax})
	}
	assert.Equal(t, [][2]int64{{2, 157}, {1, 4}, {0, 1}}, got,
		"each slice: in flight at its end, and its peak, which counts what was in flight at its start")
}

func TestLive(t *testing.T) {
	f := newSliceFeed(t, 0)
	p := runner.Progress{TargetRate: 100}
	f.col.agg.sample = func() runner.Progress { return p }
	assert.Zero(t, f.col.Live().Last.DurationS, "no slice closed yet")

	f.slice(0, 1, time.Millisecond, time.Second, false)
	assert.InDelta(t, 100.0, f.col.Live().LastTarget, 1e-9, "the first slice: the rate at its end")
	p.TargetRate, p.Sent, p.Scheduled = 200, 150, 150 // a ramp from 100/s to 200/s
	f.slice(0, 2, time.Millisecond, time.Second, false)
	l := f.col.Live()
	assert.Equal(t, int64(150), l.Last.Sent)
	assert.InDelta(t, 150.0, l.LastTarget, 1e-9, "the schedule's mean rate over the slice")
	assert.Equal(t, int64(3), l.Measured.Completed)
	assert.False(t, l.Finished)
	assert.Zero(t, l.LatencyMs.Count, "the measured phase's latency comes with the end of the run")
	assert.Empty(t, l.Last.Histogram, "the progress display needs no histogram")

	f.slice(0, 2, 5*time.Millisecond, time.Second, true)
	l = f.col.Live()
	assert.True(t, l.Finished)
	assert.Equal(t, int64(5), l.LatencyMs.Count, "the whole measured phase, as report.json's latency_ms")
	assert.Equal(t, f.report().LatencyMs, l.LatencyMs)
}
