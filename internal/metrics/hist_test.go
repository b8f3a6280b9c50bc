package metrics

import (
	"math"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nativeCounts decodes the native buckets of h: bucket index → count.
func nativeCounts(h *dto.Histogram) map[int]uint64 {
	out := map[int]uint64{}
	i, d := 0, 0
	var count int64
	for _, s := range h.PositiveSpan {
		i += int(s.GetOffset())
		for range s.GetLength() {
			count += h.PositiveDelta[d]
			d++
			out[i] = uint64(count)
			i++
		}
	}
	return out
}

func write(t *testing.T, h *hist) *dto.Histogram {
	t.Helper()
	var m dto.Metric
	require.NoError(t, h.metric(prometheus.NewDesc("x", "x", nil, nil)).Write(&m))
	return m.Histogram
}

func TestHistNativeBuckets(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    time.Duration
		want int
	}{
		{"1 s is the upper bound of bucket 0", time.Second, 0},
		{"just above 1 s", 1050 * time.Millisecond, 1},
		{"2^(1/8) s is bucket 1's upper bound", time.Duration(math.Pow(2, 1.0/8) * 1e9), 1},
		{"0.5 s is the upper bound of bucket -8", 500 * time.Millisecond, -8},
		{"1 ms", time.Millisecond, -79}, // log2(0.001)*8 = -79.7
		{"below the range: the lowest bucket", time.Nanosecond, nativeMin},
		{"above an hour: the highest bucket", 2 * time.Hour, nativeMax},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h hist
			h.observe(tc.d)
			assert.Equal(t, map[int]uint64{tc.want: 1}, nativeCounts(write(t, &h)))
		})
	}
}

func TestHistSpansAndClassicBuckets(t *testing.T) {
	var h hist
	for _, d := range []time.Duration{time.Second, time.Second, 1050 * time.Millisecond, 500 * time.Millisecond, 20 * time.Second, 0} {
		h.observe(d)
	}
	m := write(t, &h)
	assert.Equal(t, map[int]uint64{-8: 1, 0: 2, 1: 1, 35: 1}, nativeCounts(m), "log2(20)*8 = 34.6")
	assert.Equal(t, uint64(1), m.GetZeroCount())
	assert.Equal(t, uint64(6), m.GetSampleCount())
	assert.InDelta(t, 23.55, m.GetSampleSum(), 1e-9, "the sum is exact")
	cum := map[float64]uint64{}
	for _, b := range m.Bucket {
		cum[b.GetUpperBound()] = b.GetCumulativeCount()
	}
	assert.Equal(t, uint64(1), cum[0.25], "only the zero")
	assert.Equal(t, uint64(2), cum[0.5], "0.5 ≤ 0.5: le is inclusive")
	assert.Equal(t, uint64(4), cum[1])
	assert.Equal(t, uint64(5), cum[10], "20 s is above every bound")
}

func TestHistEmptyIsStillNative(t *testing.T) {
	var h hist
	m := write(t, &h)
	require.Len(t, m.PositiveSpan, 1)
	assert.Equal(t, uint32(0), m.PositiveSpan[0].GetLength())
	assert.Len(t, m.Bucket, len(ClassicBuckets))
}
