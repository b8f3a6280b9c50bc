package compare

import (
	"math"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/aclements/go-moremath/stats"
)

// Estimate is a quantile of a latency distribution with its confidence
// interval, in milliseconds. An interval bound is infinite when the sample
// is too small to bound the quantile on that side at the confidence asked.
type Estimate struct {
	Value, Lo, Hi float64
}

// quantileCI estimates the q-quantile (0 < q < 1) of the distribution a
// histogram of microseconds was sampled from, with a distribution-free
// confidence interval. Of n samples, the number that fall below the true
// q-quantile is Binomial(n, q); the interval runs from the l-th to the u-th
// smallest sample, where l and u bound the central `confidence` of that
// binomial (stats.QuantileCI: exact up to 30 samples, the normal
// approximation above). The histogram gives the k-th smallest sample as its
// value at quantile k/n. No assumption is made about the distribution's
// shape: where it has a knee, the ranks l and u fall on both sides of it and
// the interval spans both modes.
func quantileCI(h *hdr.Histogram, q, confidence float64) Estimate {
	n := h.TotalCount()
	ci := stats.QuantileCI(int(n), q, confidence)
	return Estimate{Value: valueAtQuantile(h, q), Lo: valueAtRank(h, ci.LoOrder), Hi: valueAtRank(h, ci.HiOrder)}
}

// valueAtRank returns the k-th smallest value of h (1-based) in
// milliseconds: -Inf below the first, +Inf above the last.
func valueAtRank(h *hdr.Histogram, k int) float64 {
	n := h.TotalCount()
	switch {
	case k < 1:
		return math.Inf(-1)
	case int64(k) > n:
		return math.Inf(1)
	}
	return valueAtQuantile(h, float64(k)/float64(n))
}

// valueAtQuantile returns h's q-quantile (0..1) in milliseconds.
func valueAtQuantile(h *hdr.Histogram, q float64) float64 {
	return float64(h.ValueAtQuantile(100*q)) / 1000
}

// disjoint reports whether two intervals do not overlap.
func disjoint(a, b Estimate) bool { return a.Hi < b.Lo || b.Hi < a.Lo }

// uTest is the Mann-Whitney U test of two samples (two-sided): the
// probability of ranks at least this far apart if both were drawn from one
// distribution. ok is false when the samples are too small for any
// arrangement of them to reach alpha: the test can then not tell anything.
func uTest(a, b []float64, alpha float64) (p float64, ok bool) {
	if uTestMinP(len(a), len(b)) >= alpha {
		return 1, false
	}
	res, err := stats.MannWhitneyUTest(a, b, stats.LocationDiffers)
	if err != nil {
		return 1, true // every value equal: no difference to find
	}
	return res.P, true
}

// uTestMinP is the smallest two-sided p-value the U test can give for
// samples of n1 and n2 values: when they do not interleave at all, 2 of the
// C(n1+n2, n1) equally likely arrangements are that extreme.
func uTestMinP(n1, n2 int) float64 {
	if n1 == 0 || n2 == 0 {
		return 1
	}
	lc, _ := math.Lgamma(float64(n1 + n2 + 1))
	l1, _ := math.Lgamma(float64(n1 + 1))
	l2, _ := math.Lgamma(float64(n2 + 1))
	return math.Min(1, 2*math.Exp(l1+l2-lc))
}

// fisher is the one-sided Fisher exact test of two proportions, a of n and
// b of m: the probability, if both came from one proportion, that the
// second would be at least as far from the first in the direction it moved
// (up when b/m > a/n). With the a+b events fixed, the first side's count is
// hypergeometric; the test sums its tail, so it stays exact for counts as
// small as 0 and 3.
func fisher(a, n, b, m int64) float64 {
	if n == 0 || m == 0 {
		return 1
	}
	d := stats.HypergeometicDist{N: int(n + m), K: int(a + b), Draws: int(n)}
	if float64(b)*float64(n) >= float64(a)*float64(m) {
		return math.Min(1, d.CDF(float64(a))) // the first side has this few or fewer
	}
	d.Draws = int(m)
	return math.Min(1, d.CDF(float64(b))) // the second side has this few or fewer
}
