package report

import (
	"fmt"
	"math"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// The geometry of the empty histograms the renderers write for intervals
// that recorded nothing: microseconds from 1 µs to one hour, three
// significant digits, the same as the run's own histograms.
const (
	emptyHistLowest  = 1
	emptyHistHighest = 3_600_000_000
	emptyHistDigits  = 3
)

// decodeHistogram decodes a histogram of report.json (HdrHistogram V2
// compressed encoding, base64, values in integer microseconds). An empty
// string is no histogram: it returns nil and no error.
func decodeHistogram(s string) (*hdr.Histogram, error) {
	if s == "" {
		return nil, nil
	}
	h, err := hdr.Decode([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("decode histogram: %w", err)
	}
	return h, nil
}

// percentilePoint is one point of a percentile spectrum: the latency at
// quantile Q (0..1), in milliseconds.
type percentilePoint struct {
	Q  float64
	Ms float64
}

// spectrum samples the percentile distribution of h (microseconds) at
// quantiles spaced evenly on the 1/(1-q) log axis, ten points per decade,
// from the minimum (q = 0) up to the last quantile that the count resolves,
// 1 - 1/count, and ends with the maximum (q = 1). It returns nil for
// an empty or missing histogram.
func spectrum(h *hdr.Histogram) []percentilePoint {
	if h == nil || h.TotalCount() == 0 {
		return nil
	}
	n := float64(h.TotalCount())
	var pts []percentilePoint
	// x = 1/(1-q) runs from 1 (q = 0) to n; q = 1 - 1/x.
	for i := 0; ; i++ {
		x := math.Pow(10, float64(i)/10)
		if x > n {
			break
		}
		q := 1 - 1/x
		pts = append(pts, percentilePoint{Q: q, Ms: float64(h.ValueAtPercentile(q*100)) / 1000})
	}
	pts = append(pts, percentilePoint{Q: 1, Ms: float64(h.Max()) / 1000})
	return pts
}
