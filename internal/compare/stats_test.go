package compare

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/wrtcbench/wrtcbench/internal/report"
)

// TestQuantileCIKnownValues: in a histogram of the values 1..n µs (exact at
// three significant digits), the k-th smallest value is k µs, so the
// interval's bounds are its order statistics themselves.
func TestQuantileCIKnownValues(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		q      float64
		lo, hi float64 // the ranks of the bounds; 0 or n+1 for an infinite one
		why    string
	}{
		{"median of 10", 10, 0.5, 2, 9, "the textbook interval X(2)..X(9), 97.9% (X(3)..X(8) covers only 89%)"},
		{"median of 1000", 1000, 0.5, 469, 532, "500 ± 1.96·√250, the normal approximation"},
		{"p90 of 1000", 1000, 0.9, 881, 919, "900 ± 1.96·√90"},
		{"p99.9 of 1000", 1000, 0.999, 997, 1001, "too few requests above p99.9 to bound it from above"},
		{"median of 2", 2, 0.5, 0, 3, "two samples bound nothing at 95%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := report.NewHistogram()
			for v := 1; v <= tt.n; v++ {
				require.NoError(t, h.RecordValue(int64(v)))
			}
			e := quantileCI(h, tt.q, 0.95)
			rank := func(ms float64) float64 {
				switch {
				case math.IsInf(ms, -1):
					return 0
				case math.IsInf(ms, 1):
					return float64(tt.n + 1)
				}
				return ms * 1000
			}
			assert.InDelta(t, tt.lo, rank(e.Lo), 1, "lower bound: %s", tt.why)
			assert.InDelta(t, tt.hi, rank(e.Hi), 1, "upper bound: %s", tt.why)
			assert.InDelta(t, tt.q*float64(tt.n), rank(e.Value), 1, "the estimate is the quantile")
		})
	}
}

// TestQuantileCIKnee: p90 of a 90/10 mixture sits at the knee between the
// modes. Its interval runs from rank 881 to 919 of 1000, so it spans both
// modes whenever the sample's own share of slow requests is within
// 10% ± 1.9 points, as it is 19 times in 20: that is what keeps compare from
// flapping there.
func TestQuantileCIKnee(t *testing.T) {
	spans := 0
	for seed := range uint64(40) {
		h := hist(rand.New(rand.NewPCG(seed, 1)), bimodal(0.1), 1000)
		e := quantileCI(h, 0.9, 0.95)
		var n int64
		for _, b := range h.Distribution() {
			if b.From > 20_000 {
				n += b.Count
			}
		}
		slow := float64(n) / float64(h.TotalCount())
		both := e.Lo < 5 && e.Hi > 35
		if slow > 0.083 && slow < 0.117 {
			assert.True(t, both, "seed %d: %.1f%% slow, yet the interval [%v, %v] misses a mode", seed, 100*slow, e.Lo, e.Hi)
		}
		if both {
			spans++
		}
	}
	assert.GreaterOrEqual(t, spans, 34, "the interval spans both modes in most samples")
}

func TestUTestMinP(t *testing.T) {
	tests := []struct {
		name   string
		n1, n2 int
		want   float64
		usable bool // at alpha 0.05
	}{
		{"5 and 5 intervals", 5, 5, 2.0 / 252, true},
		{"4 and 4", 4, 4, 2.0 / 70, true},
		{"3 and 4 cannot reach 0.05", 3, 4, 2.0 / 35, false},
		{"one interval each", 1, 1, 1, false},
		{"no interval", 0, 6, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.InDelta(t, tt.want, uTestMinP(tt.n1, tt.n2), 1e-12)
			a, b := make([]float64, tt.n1), make([]float64, tt.n2)
			for i := range b {
				b[i] = 1
			}
			_, ok := uTest(a, b, 0.05)
			assert.Equal(t, tt.usable, ok)
		})
	}
	p, ok := uTest([]float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10}, 0.05)
	assert.True(t, ok)
	assert.InDelta(t, 2.0/252, p, 1e-9, "no overlap at all: the smallest p there is")
	p, _ = uTest([]float64{1, 3, 5, 7, 9}, []float64{2, 4, 6, 8, 10}, 0.05)
	assert.Greater(t, p, 0.5, "interleaved samples: no difference")
}

// TestFisher: the one-sided exact test of two shares, in the direction the
// second moved.
func TestFisher(t *testing.T) {
	tests := []struct {
		name       string
		a, n, b, m int64
		lo, hi     float64 // the p-value's range
		why        string
	}{
		{"none and three", 0, 1000, 3, 1000, 0.12, 0.13, "C(1000,3)/C(2000,3): three failures fall on one side one time in eight"},
		{"ten and forty", 10, 1000, 40, 1000, 0, 1e-4, "a fourfold rise in a thousand requests"},
		{"forty and ten", 40, 1000, 10, 1000, 0, 1e-4, "the same fall is as significant"},
		{"equal shares", 5, 1000, 10, 2000, 0.5, 1, "5 of 1000 and 10 of 2000 are the same share"},
		{"nothing on either side", 0, 1000, 0, 1000, 1, 1, "no failure, no difference"},
		{"an empty side", 0, 0, 3, 1000, 1, 1, "nothing to compare with"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fisher(tt.a, tt.n, tt.b, tt.m)
			assert.GreaterOrEqual(t, p, tt.lo, tt.why)
			assert.LessOrEqual(t, p, tt.hi, tt.why)
		})
	}
}
