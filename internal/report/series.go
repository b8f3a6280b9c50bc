package report

import (
	"errors"
	"fmt"
	"math"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// MaxIntervals is the most intervals a report holds. A run planned (or
// running) longer than MaxIntervals slices joins adjacent slices into one
// interval, by a power of two (2, 4, 8... slices each), so that report.json,
// report.html and re-rendering stay the same size however long the run:
// a 24-hour run at the default one-second slices holds 675 intervals of
// 128 s. The run's latency.hlog keeps every slice.
const MaxIntervals = 1024

// JoinedSlices reports whether r's intervals join several of the run's
// slices each (a run longer than MaxIntervals slices).
func (r *Report) JoinedSlices() bool {
	return r.IntervalS > 0 && sliceWidth(r.Intervals) > 1.5*r.IntervalS
}

// groupFor returns how many slices of length base one interval of the
// report joins for a run planned to last planned (warm-up included; 0 when
// unknown): the smallest power of two that keeps the run, a partial last
// slice and a little overrun, under MaxIntervals intervals. A run that
// outgrows its plan doubles it as it goes (see halve).
func groupFor(planned, base time.Duration) int {
	if planned <= 0 || base <= 0 {
		return 1
	}
	n := int64(planned/base) + 2
	g := int64(1)
	for (n+g-1)/g >= MaxIntervals {
		g *= 2
	}
	return int(g)
}

// groupAgg accumulates the slices of the report interval being filled.
type groupAgg struct {
	iv    Interval         // the counts of the slices joined so far
	n     int              // how many slices
	lat   *hdr.Histogram   // their latency
	cases []*hdr.Histogram // their latency per case, indexed like aggregate.cases
}

func newGroupAgg(cases int) groupAgg {
	g := groupAgg{lat: NewHistogram(), cases: make([]*hdr.Histogram, cases)}
	for i := range g.cases {
		g.cases[i] = NewHistogram()
	}
	return g
}

// add joins one closed slice (its counts; the latencies were recorded as
// they came) to the group.
func (g *groupAgg) add(slice Interval) {
	if g.n == 0 {
		g.iv = Interval{StartS: slice.StartS, Status: map[string]int64{}}
	}
	joinCounts(&g.iv, slice)
	g.n++
}

// close returns the group as one interval, with its per-case latency and,
// when full is set, its latency summary and histogram, and empties the
// group. names are the case names.
func (g *groupAgg) close(names []string, full bool) Interval {
	iv := g.iv
	if full {
		iv.LatencyMs = summarize(g.lat)
		if g.lat.TotalCount() > 0 {
			iv.Histogram = encodeHist(g.lat)
		}
	}
	for i, h := range g.cases {
		if h.TotalCount() == 0 {
			continue
		}
		if iv.CaseLatencyMs == nil {
			iv.CaseLatencyMs = map[string]CaseSlice{}
		}
		iv.CaseLatencyMs[names[i]] = CaseSlice{Count: h.TotalCount(),
			P99: float64(h.ValueAtPercentile(99)) / 1000, Max: float64(h.Max()) / 1000}
		h.Reset()
	}
	g.lat.Reset()
	g.iv, g.n = Interval{}, 0
	return iv
}

// joinCounts adds the counts of the slice b, which follows a in time, to
// a: the durations add up; the in-flight count and the target rate are
// those at the end of b; the in-flight maximum is the larger.
func joinCounts(a *Interval, b Interval) {
	a.DurationS += b.DurationS
	a.Scheduled += b.Scheduled
	a.Sent += b.Sent
	a.Completed += b.Completed
	a.Errors += b.Errors
	a.Violations += b.Violations
	if a.Status == nil {
		a.Status = map[string]int64{}
	}
	addCounts(a.Status, b.Status)
	a.InFlight = b.InFlight
	a.InFlightMax = max(a.InFlightMax, b.InFlightMax)
	a.TargetRate = b.TargetRate
}

// joinAdjacent returns the interval that spans a and the interval b that
// follows it: counts as joinCounts, latency from the two histograms merged
// (exact), each case's count and maximum exact and its p99 the larger of
// the two (an upper bound). When a histogram cannot be decoded it returns
// the interval with the latency summary approximated (percentiles the
// larger of the two) and the error.
func joinAdjacent(a, b Interval) (Interval, error) {
	out := a
	out.Status = map[string]int64{}
	addCounts(out.Status, a.Status)
	joinCounts(&out, b)
	out.CaseLatencyMs = joinCases(a.CaseLatencyMs, b.CaseLatencyMs)
	var err error
	out.Histogram, out.LatencyMs, err = joinLatency(a, b)
	return out, err
}

// joinLatency merges the latency of two intervals of one run.
func joinLatency(a, b Interval) (string, Summary, error) {
	if (a.Histogram == "" && a.LatencyMs.Count > 0) || (b.Histogram == "" && b.LatencyMs.Count > 0) {
		return "", upperSummary(a.LatencyMs, b.LatencyMs), errors.New("intervals: a slice with answers has no histogram")
	}
	h, s, err := mergeInto(a.Histogram, b.Histogram)
	if err != nil {
		return "", upperSummary(a.LatencyMs, b.LatencyMs), err
	}
	return h, s, nil
}

// upperSummary approximates the summary of two distributions without their
// histograms: count, min, max and mean exact, the rest the larger of the two.
func upperSummary(a, b Summary) Summary {
	switch {
	case a.Count == 0:
		return b
	case b.Count == 0:
		return a
	}
	n := a.Count + b.Count
	return Summary{
		Count: n, Min: math.Min(a.Min, b.Min), Max: math.Max(a.Max, b.Max),
		Mean:   (a.Mean*float64(a.Count) + b.Mean*float64(b.Count)) / float64(n),
		Stddev: math.Max(a.Stddev, b.Stddev), P50: math.Max(a.P50, b.P50), P90: math.Max(a.P90, b.P90),
		P95: math.Max(a.P95, b.P95), P99: math.Max(a.P99, b.P99), P99_9: math.Max(a.P99_9, b.P99_9),
	}
}

// joinCases joins two slices' per-case latency.
func joinCases(a, b map[string]CaseSlice) map[string]CaseSlice {
	if len(a)+len(b) == 0 {
		return nil
	}
	out := make(map[string]CaseSlice, max(len(a), len(b)))
	for _, m := range []map[string]CaseSlice{a, b} {
		for k, c := range m {
			o := out[k]
			out[k] = CaseSlice{Count: o.Count + c.Count, P99: math.Max(o.P99, c.P99), Max: math.Max(o.Max, c.Max)}
		}
	}
	return out
}

// halve joins the intervals in adjacent pairs; an odd last one stays alone.
func halve(ivs []Interval) ([]Interval, error) {
	var firstErr error
	out := make([]Interval, 0, (len(ivs)+1)/2)
	for i := 0; i < len(ivs); i += 2 {
		if i+1 == len(ivs) {
			out = append(out, ivs[i])
			break
		}
		iv, err := joinAdjacent(ivs[i], ivs[i+1])
		if err != nil && firstErr == nil {
			firstErr = err
		}
		out = append(out, iv)
	}
	return out, firstErr
}

// coarsen joins every factor adjacent intervals into one; factor is a
// power of two, as every join of a run is.
func coarsen(ivs []Interval, factor int) ([]Interval, error) {
	if factor < 1 || factor&(factor-1) != 0 {
		return nil, fmt.Errorf("intervals: slices of different lengths (%d to 1) cannot be aligned", factor)
	}
	var err error
	for ; factor > 1; factor /= 2 {
		if ivs, err = halve(ivs); err != nil {
			return nil, err
		}
	}
	return ivs, nil
}

// sliceWidth is the span of a series' full intervals: the first one's.
func sliceWidth(ivs []Interval) float64 {
	if len(ivs) == 0 {
		return 0
	}
	return ivs[0].DurationS
}

// addShardIntervals adds the intervals of one shard (src) into those of
// the others (dst), position by position: the shards of a run started
// together, so their n-th intervals cover the same span. When one side's
// intervals span more slices than the other's (a shard whose run outgrew
// MaxIntervals joined its slices), the finer side is joined to the
// coarser's span first. Counts add up, and latency merges exactly through
// the histograms. Side by side, the in-flight figures add up (the shards'
// peaks need not coincide: InFlightMax is an upper bound) and so do the
// target rates; a case's p99 is the larger of the shards' (an upper bound).
func addShardIntervals(dst, src []Interval) ([]Interval, error) {
	if wd, ws := sliceWidth(dst), sliceWidth(src); wd > 0 && ws > 0 {
		var err error
		switch f := math.Round(math.Max(wd, ws) / math.Min(wd, ws)); {
		case f <= 1:
		case wd < ws:
			dst, err = coarsen(dst, int(f))
		default:
			src, err = coarsen(src, int(f))
		}
		if err != nil {
			return nil, err
		}
	}
	for i, iv := range src {
		if i == len(dst) {
			dst = append(dst, Interval{StartS: iv.StartS, DurationS: iv.DurationS, Status: map[string]int64{}})
		}
		d := &dst[i]
		if d.Status == nil {
			d.Status = map[string]int64{}
		}
		d.DurationS = max(d.DurationS, iv.DurationS)
		d.Scheduled += iv.Scheduled
		d.Sent += iv.Sent
		d.Completed += iv.Completed
		d.Errors += iv.Errors
		d.Violations += iv.Violations
		d.InFlight += iv.InFlight
		d.InFlightMax += iv.InFlightMax
		d.TargetRate += iv.TargetRate
		addCounts(d.Status, iv.Status)
		d.CaseLatencyMs = joinCases(d.CaseLatencyMs, iv.CaseLatencyMs)
		var err error
		if d.Histogram, d.LatencyMs, err = mergeInto(d.Histogram, iv.Histogram); err != nil {
			return nil, err
		}
	}
	return dst, nil
}
