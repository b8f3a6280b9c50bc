package report

import (
	"math"
	"slices"

	"gonum.org/v1/plot/plotter"
)

// chartIntervals returns the intervals the charts over time draw: r's, with
// a last slice shorter than half the others joined to the one before it (a
// rate over a few milliseconds says nothing), and with more intervals than
// the chart has columns joined by whole groups of adjacent ones, so that a
// chart stays the same size however long the run; the rates and counts of
// a joined interval are exact, its latency from the merged histograms.
func chartIntervals(r *Report, cols int) []Interval {
	ivs := r.Intervals
	if n := len(ivs); n >= 2 && ivs[n-1].DurationS < ivs[0].DurationS/2 {
		joined, err := joinAdjacent(ivs[n-2], ivs[n-1])
		if err == nil {
			ivs = append(slices.Clone(ivs[:n-2]), joined)
		}
	}
	for len(ivs) > cols {
		joined, err := halve(ivs)
		if err != nil {
			break // keep them all: a bigger chart rather than a wrong one
		}
		ivs = joined
	}
	return ivs
}

// intervalEnd returns the end of an interval in seconds from the start.
func intervalEnd(iv Interval) float64 { return iv.StartS + iv.DurationS }

// perSecond divides a count by an interval's duration.
func perSecond(n int64, iv Interval) float64 {
	if iv.DurationS <= 0 {
		return 0
	}
	return float64(n) / iv.DurationS
}

// steps returns the points of a step line: value(iv) held over each
// interval's span, from its start to its end. Intervals for which ok is
// false are left out; the line joins across them.
func steps(ivs []Interval, value func(Interval) (float64, bool)) plotter.XYs {
	xys := make(plotter.XYs, 0, 2*len(ivs))
	for _, iv := range ivs {
		v, ok := value(iv)
		if !ok {
			continue
		}
		xys = append(xys, plotter.XY{X: iv.StartS, Y: v}, plotter.XY{X: intervalEnd(iv), Y: v})
	}
	return xys
}

// envelope thins a line to at most four points per column of a chart cols
// wide over [xmin, xmax]: in each column it keeps the first, lowest,
// highest and last points, in order. Drawn at the chart's resolution the
// line covers the same pixels, peaks and dips included; it returns xys
// itself when it is thin enough already.
func envelope(xys plotter.XYs, xmin, xmax float64, cols int) plotter.XYs {
	if len(xys) <= 4*cols || xmax <= xmin || cols <= 0 {
		return xys
	}
	width := (xmax - xmin) / float64(cols)
	out := make(plotter.XYs, 0, 4*cols)
	for i := 0; i < len(xys); {
		col := math.Floor((xys[i].X - xmin) / width)
		j := i
		lo, hi := i, i
		for ; j < len(xys) && math.Floor((xys[j].X-xmin)/width) == col; j++ {
			if xys[j].Y < xys[lo].Y {
				lo = j
			}
			if xys[j].Y > xys[hi].Y {
				hi = j
			}
		}
		keep := []int{i, lo, hi, j - 1}
		slices.Sort(keep)
		for k, idx := range keep {
			if k == 0 || idx != keep[k-1] {
				out = append(out, xys[idx])
			}
		}
		i = j
	}
	return out
}

// niceLogBounds widens [lo, hi] (positive) to the nearest 1-2-5 values
// around it, so that a log axis always shows at least two labelled ticks.
func niceLogBounds(lo, hi float64) (float64, float64) {
	if lo <= 0 || hi <= 0 || math.IsNaN(lo) || math.IsNaN(hi) {
		return 1, 10
	}
	down := func(v float64) float64 {
		d := math.Pow(10, math.Floor(math.Log10(v)))
		for _, m := range []float64{5, 2, 1} {
			if m*d <= v*(1+1e-9) {
				return m * d
			}
		}
		return d
	}
	up := func(v float64) float64 {
		d := math.Pow(10, math.Floor(math.Log10(v)))
		for _, m := range []float64{1, 2, 5, 10} {
			if m*d >= v*(1-1e-9) {
				return m * d
			}
		}
		return 10 * d
	}
	lo, hi = down(lo), up(hi)
	if hi <= lo*1.0001 {
		hi = up(lo * 1.5)
	}
	return lo, hi
}
