package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// latencyRange tracks the positive span of latency values a log axis must show.
type latencyRange struct{ lo, hi float64 }

func (l *latencyRange) add(v float64) {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	if l.lo == 0 || v < l.lo {
		l.lo = v
	}
	l.hi = max(l.hi, v)
}

// apply sets p's y axis to a log scale over the range, widened to round
// values, labelled as durations, and returns its bounds.
func (l latencyRange) apply(p *plot.Plot) (float64, float64) {
	lo, hi := niceLogBounds(l.lo, l.hi)
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = latencyTicks{}
	p.Y.Min, p.Y.Max = lo, hi
	return lo, hi
}

// spectrumChart plots the latency percentile spectrum of the whole measured
// phase, the HdrHistogram "percentile distribution": x is 1/(1-q) on a log
// axis labelled 50%, 90%, 99%…, y the latency on a log axis, so that the
// median and the tail both get room. Service time (from the actual send)
// is drawn wide and pale, latency (from the scheduled send) narrow on top
// of it: where they agree the latency line sits inside the service band;
// where latency rises above it, requests waited to be sent, the
// coordinated omission that latency corrects. The bounds of the latency
// and service thresholds are drawn across. It returns an empty chart when
// the report holds no latency histogram.
func spectrumChart(r *Report) (chart, error) {
	var c chart
	lat, err := DecodeHistogram(r.Histograms.Latency)
	if err != nil {
		return c, fmt.Errorf("latency: %w", err)
	}
	svc, err := DecodeHistogram(r.Histograms.Service)
	if err != nil {
		return c, fmt.Errorf("service: %w", err)
	}
	if lat == nil || lat.TotalCount() == 0 {
		return c, nil
	}
	p := newChart("percentile (log)", "latency (log)")
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = percentileTicks{}
	var yr latencyRange
	xMax := 1.0
	for _, s := range []struct {
		name  string
		h     *hdr.Histogram
		col   color.Color
		width float64
	}{
		{"service time, from the actual send", svc, colService, 5},
		{"latency, from the scheduled send", lat, colLatency, 1.6},
	} {
		pts := spectrum(s.h)
		if len(pts) == 0 {
			continue
		}
		n := float64(s.h.TotalCount())
		xys := make(plotter.XYs, len(pts))
		for i, pt := range pts {
			x := n
			if pt.Q < 1 {
				x = 1 / (1 - pt.Q)
			}
			xys[i] = plotter.XY{X: x, Y: math.Max(pt.Ms, 0.001)}
			yr.add(xys[i].Y)
		}
		xMax = max(xMax, n)
		if err := c.addLine(p, s.name, xys, s.col, s.width, false); err != nil {
			return c, err
		}
	}
	bounds := append(boundsOf(r, "latency"), boundsOf(r, "service")...)
	for _, t := range bounds {
		yr.add(t.Bound)
	}
	yr.apply(p)
	p.X.Min, p.X.Max = 1, max(xMax, 10)
	for _, t := range bounds {
		if err := c.addBound(p, t, t.Bound, p.X.Min, p.X.Max); err != nil {
			return c, err
		}
	}
	c.SVG, err = svgOf(p, "latency percentile spectrum", wideWidth, wideHeight)
	return c, err
}

// overTime returns a chart over time of the intervals, with the time axis
// set to their span, the warm-up to be shaded, and a note on what one step
// covers.
func overTime(r *Report, ivs []Interval, yLabel string) (*plot.Plot, chart) {
	p := newChart("time since start", yLabel)
	p.X.Tick.Marker = timeTicks{}
	p.Y.Tick.Marker = plainTicks{}
	var c chart
	if len(ivs) > 0 {
		p.X.Min, p.X.Max = ivs[0].StartS, max(intervalEnd(ivs[len(ivs)-1]), ivs[0].StartS+1e-3)
		c.Note = "one step per " + fmtTickSeconds(sliceWidth(ivs))
		if len(ivs) > 1 && sliceWidth(ivs) != sliceWidth(r.Intervals) {
			c.Note += " (slices joined to fit the chart)"
		}
	}
	return p, c
}

// latencyOverTimeChart plots p50, p90, p99 and the maximum of each
// interval on a log axis, with the bounds of the run's latency thresholds.
func latencyOverTimeChart(r *Report, ivs []Interval) (chart, error) {
	var yr latencyRange
	have := func(iv Interval) bool { return iv.LatencyMs.Count > 0 || iv.LatencyMs.Max > 0 }
	for _, iv := range ivs {
		if have(iv) {
			yr.add(iv.LatencyMs.P50)
			yr.add(iv.LatencyMs.Max)
		}
	}
	if yr.hi == 0 {
		return chart{}, nil
	}
	bounds := boundsOf(r, "latency")
	for _, t := range bounds {
		yr.add(t.Bound)
	}
	p, c := overTime(r, ivs, "latency (log)")
	lo, hi := yr.apply(p)
	if err := c.addWarmup(p, r.Load.WarmupS, lo, hi); err != nil {
		return c, err
	}
	for _, l := range []struct {
		name string
		get  func(Summary) float64
		col  color.Color
		dash bool
	}{
		{"max", func(s Summary) float64 { return s.Max }, colMax, true},
		{"p99", func(s Summary) float64 { return s.P99 }, colP99, false},
		{"p90", func(s Summary) float64 { return s.P90 }, colP90, false},
		{"p50", func(s Summary) float64 { return s.P50 }, colP50, false},
	} {
		xys := steps(ivs, func(iv Interval) (float64, bool) {
			v := l.get(iv.LatencyMs)
			return math.Max(v, lo), have(iv)
		})
		if err := c.addLine(p, l.name, envelope(xys, p.X.Min, p.X.Max, smallWidth), l.col, 1.4, l.dash); err != nil {
			return c, err
		}
	}
	for _, t := range bounds {
		if err := c.addBound(p, t, t.Bound, p.X.Min, p.X.Max); err != nil {
			return c, err
		}
	}
	svg, err := svgOf(p, "latency over time", smallWidth, smallHeight)
	c.SVG = svg
	return c, err
}

// caseLatencyChart plots each case's p99 per interval on a log axis, with
// the bounds of the p99 thresholds on a single case.
func caseLatencyChart(r *Report, ivs []Interval) (chart, error) {
	var yr latencyRange
	for _, iv := range ivs {
		for _, cs := range iv.CaseLatencyMs {
			if cs.Count > 0 {
				yr.add(cs.P99)
			}
		}
	}
	if yr.hi == 0 {
		return chart{}, nil
	}
	var bounds []Threshold
	for _, t := range r.Thresholds {
		if t.Metric == "latency" && t.Case != "" && t.Stat == "p99" && t.Error == "" {
			bounds = append(bounds, t)
			yr.add(t.Bound)
		}
	}
	p, c := overTime(r, ivs, "p99 latency (log)")
	lo, hi := yr.apply(p)
	if err := c.addWarmup(p, r.Load.WarmupS, lo, hi); err != nil {
		return c, err
	}
	names := caseNames(r, ivs)
	for i, name := range names {
		xys := steps(ivs, func(iv Interval) (float64, bool) {
			cs, ok := iv.CaseLatencyMs[name]
			return math.Max(cs.P99, lo), ok && cs.Count > 0
		})
		col := caseColors[i%len(caseColors)]
		if err := c.addLine(p, name, envelope(xys, p.X.Min, p.X.Max, smallWidth), col, 1.3, i >= len(caseColors)); err != nil {
			return c, err
		}
	}
	for _, t := range bounds {
		if err := c.addBound(p, t, t.Bound, p.X.Min, p.X.Max); err != nil {
			return c, err
		}
	}
	svg, err := svgOf(p, "p99 latency per case over time", smallWidth, smallHeight)
	c.SVG = svg
	return c, err
}

// caseNames lists the cases with latency over time: the report's cases in
// mix order, then any other an interval names.
func caseNames(r *Report, ivs []Interval) []string {
	seen := map[string]bool{}
	var names []string
	for _, c := range r.Cases {
		seen[c.Name] = true
		names = append(names, c.Name)
	}
	var extra []string
	for _, iv := range ivs {
		for name := range iv.CaseLatencyMs {
			if !seen[name] {
				seen[name] = true
				extra = append(extra, name)
			}
		}
	}
	slices.Sort(extra)
	return append(names, extra...)
}
