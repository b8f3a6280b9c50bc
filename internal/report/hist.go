package report

import (
	"fmt"
	"math"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// The one geometry of every histogram of a report: integer microseconds
// from 1 µs to one hour, three significant digits.
const (
	histLowest  = 1
	histHighest = int64(time.Hour / time.Microsecond)
	histSigFigs = 3
)

// NewHistogram returns an empty histogram with the report's range and
// precision (microseconds, 1 µs to 1 h, 3 significant digits).
func NewHistogram() *hdr.Histogram { return hdr.New(histLowest, histHighest, histSigFigs) }

// recordDuration records d in microseconds, clamped into the histogram's
// range so that no value is lost (a value above an hour counts as an hour).
func recordDuration(h *hdr.Histogram, d time.Duration) {
	us := int64(d / time.Microsecond)
	us = min(max(us, histLowest), histHighest)
	_ = h.RecordValue(us) // cannot fail: us is within the range
}

// encodeHist returns h in HdrHistogram's compressed V2 encoding, base64, as
// report.json holds it.
func encodeHist(h *hdr.Histogram) string {
	b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
	if err != nil {
		return "" // Encode fails only on a broken writer; the figures stay in the summaries
	}
	return string(b)
}

// DecodeHistogram decodes a histogram of report.json (HdrHistogram V2
// compressed encoding, base64, values in integer microseconds). An empty
// string is no histogram: it returns nil and no error.
func DecodeHistogram(s string) (*hdr.Histogram, error) {
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
