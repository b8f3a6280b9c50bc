package metrics

import (
	"math"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// ClassicBuckets are the upper bounds, in seconds, of the classic buckets of
// every histogram, for a Prometheus that does not ingest native histograms.
var ClassicBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// The native buckets: schema 3, so bucket i holds the values in
// (2^((i-1)/8), 2^(i/8)] seconds, each about 9% wider than the one before.
// Indexes nativeMin..nativeMax cover about 1 µs to an hour, the range of the
// report's HdrHistograms; a value outside it counts in the nearest end.
const (
	nativeSchema = 3
	nativeMin    = -160 // 2^-20 s ≈ 0.95 µs
	nativeMax    = 95   // 2^(95/8) s ≈ 61 min
	// zeroThreshold is client_golang's default: only a zero lands in the zero bucket.
	zeroThreshold = 2.938735877055719e-39
)

// nativeBounds are the upper bounds of one power of two's 8 buckets, as
// fractions in [0.5, 1) of math.Frexp: 2^(j/8 - 1).
var nativeBounds = func() []float64 {
	b := make([]float64, 1<<nativeSchema)
	for j := range b {
		b[j] = math.Pow(2, float64(j)/(1<<nativeSchema)-1)
	}
	return b
}()

// hist counts durations into native and classic buckets at once. It has
// no lock: the Exporter's guards it. The sum is exact (nanoseconds).
type hist struct {
	count   uint64
	sum     time.Duration
	zero    uint64
	classic [17]uint64 // per bucket of ClassicBuckets, not cumulative; the last is above 10 s
	native  [nativeMax - nativeMin + 1]uint64
}

// observe counts d.
func (h *hist) observe(d time.Duration) {
	h.count++
	h.sum += d
	if d <= 0 {
		h.zero++
		h.classic[0]++
		return
	}
	v := d.Seconds()
	h.classic[sort.SearchFloat64s(ClassicBuckets, v)]++
	frac, exp := math.Frexp(v)
	i := sort.SearchFloat64s(nativeBounds, frac) + (exp-1)<<nativeSchema
	h.native[min(max(i, nativeMin), nativeMax)-nativeMin]++
}

// metric returns h as a Prometheus histogram with both kinds of bucket.
func (h *hist) metric(desc *prometheus.Desc, labelValues ...string) prometheus.Metric {
	out := &dto.Histogram{
		SampleCount:   new(h.count),
		SampleSum:     new(h.sum.Seconds()),
		Schema:        new(int32(nativeSchema)),
		ZeroThreshold: new(float64(zeroThreshold)),
		ZeroCount:     new(h.zero),
	}
	var cum uint64
	for i, ub := range ClassicBuckets {
		cum += h.classic[i]
		out.Bucket = append(out.Bucket, &dto.Bucket{CumulativeCount: new(cum), UpperBound: new(ub)})
	}
	// Spans of consecutive non-empty buckets, each count as the difference
	// from the previous one, as the exposition format wants them.
	var span *dto.BucketSpan
	next, prev := 0, int64(0) // the index after the last span, the last count
	for k, n := range h.native {
		if n == 0 {
			span = nil
			continue
		}
		i := k + nativeMin
		if span == nil {
			offset := i - next
			if len(out.PositiveSpan) == 0 {
				offset = i
			}
			span = &dto.BucketSpan{Offset: new(int32(offset)), Length: new(uint32(0))}
			out.PositiveSpan = append(out.PositiveSpan, span)
		}
		*span.Length++
		out.PositiveDelta = append(out.PositiveDelta, int64(n)-prev)
		prev, next = int64(n), i+1
	}
	if len(out.PositiveSpan) == 0 {
		// An empty native histogram still needs a span to read as native.
		out.PositiveSpan = []*dto.BucketSpan{{Offset: new(int32(0)), Length: new(uint32(0))}}
	}
	return &histMetric{desc: desc, h: out, labels: prometheus.MakeLabelPairs(desc, labelValues)}
}

// histMetric is a finished histogram handed to the registry at a scrape.
type histMetric struct {
	desc   *prometheus.Desc
	h      *dto.Histogram
	labels []*dto.LabelPair
}

func (m *histMetric) Desc() *prometheus.Desc { return m.desc }

func (m *histMetric) Write(out *dto.Metric) error {
	out.Label, out.Histogram = m.labels, m.h
	return nil
}
