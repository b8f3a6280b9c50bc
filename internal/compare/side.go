package compare

import (
	"fmt"
	"slices"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/wrtcbench/wrtcbench/internal/report"
)

// side is one side of a comparison, its runs pooled: histograms merged
// bucket by bucket (exact), counts added, and the per-interval histograms
// kept apart as the samples of the rank test.
type side struct {
	runs      []Run
	latency   *hdr.Histogram            // every measured response of every run
	intervals []*hdr.Histogram          // one per usable interval of every run
	cases     map[string]*hdr.Histogram // per case name, every run
	caseNames []string                  // in the first run's order, then new ones
	sent      int64                     // requests sent in the measured phases
	failed    int64                     // of them, those that failed a check
	checks    struct{ failed, judged int64 }
	rate      float64 // mean achieved rate of the runs, requests per second
	dropped   int64   // values a histogram merge could not hold
}

func newSide(runs []Run) (*side, error) {
	s := &side{runs: runs, latency: report.NewHistogram(), cases: map[string]*hdr.Histogram{}}
	for _, run := range runs {
		r := run.Report
		if err := s.merge(s.latency, r.Histograms.Latency); err != nil {
			return nil, fmt.Errorf("%s: latency: %w", run.Path, err)
		}
		for _, c := range r.Cases {
			h, ok := s.cases[c.Name]
			if !ok {
				h = report.NewHistogram()
				s.cases[c.Name] = h
				s.caseNames = append(s.caseNames, c.Name)
			}
			if err := s.merge(h, c.Histogram); err != nil {
				return nil, fmt.Errorf("%s: case %s: %w", run.Path, c.Name, err)
			}
		}
		for _, iv := range measuredIntervals(r) {
			h, err := report.DecodeHistogram(iv.Histogram)
			if err != nil {
				return nil, fmt.Errorf("%s: interval at %.1fs: %w", run.Path, iv.StartS, err)
			}
			if h != nil && h.TotalCount() > 0 {
				s.intervals = append(s.intervals, h)
			}
		}
		s.sent += r.Requests.Sent
		s.failed += r.Requests.Failed
		for _, c := range r.Checks {
			s.checks.failed += c.Failed
			s.checks.judged += c.Passed + c.Failed
		}
		s.rate += r.Load.AchievedRate / float64(len(runs))
	}
	return s, nil
}

// merge adds the encoded histogram enc into h.
func (s *side) merge(h *hdr.Histogram, enc string) error {
	x, err := report.DecodeHistogram(enc)
	if err != nil || x == nil {
		return err
	}
	s.dropped += h.Merge(x)
	return nil
}

// samples returns each usable interval's q-quantile in milliseconds: the
// values the rank test compares.
func (s *side) samples(q float64) []float64 {
	out := make([]float64, len(s.intervals))
	for i, h := range s.intervals {
		out[i] = valueAtQuantile(h, q)
	}
	return out
}

// measuredIntervals returns the intervals of r that are samples of the
// measured phase: it leaves out those that began during the warm-up (they
// hold warm-up requests) and those much shorter than the run's typical
// interval (the last, cut short when the run ends). A jitter of 5% of an
// interval at the warm-up's end is tolerated.
func measuredIntervals(r *report.Report) []report.Interval {
	durs := make([]float64, 0, len(r.Intervals))
	for _, iv := range r.Intervals {
		durs = append(durs, iv.DurationS)
	}
	if len(durs) == 0 {
		return nil
	}
	slices.Sort(durs)
	typical := durs[len(durs)/2]
	var out []report.Interval
	for _, iv := range r.Intervals {
		if iv.StartS < r.Load.WarmupS-0.05*iv.DurationS || iv.DurationS < typical/2 {
			continue
		}
		out = append(out, iv)
	}
	return out
}

// anyRun reports whether f holds for a run of the side.
func (s *side) anyRun(f func(*report.Report) bool) bool {
	for _, r := range s.runs {
		if f(r.Report) {
			return true
		}
	}
	return false
}

// most is the largest of f over the side's runs.
func (s *side) most(f func(*report.Report) float64) float64 {
	var m float64
	for _, r := range s.runs {
		m = max(m, f(r.Report))
	}
	return m
}

// disturbed reports whether a run of the side was disturbed (see disturbed).
func (s *side) disturbed() bool { return s.anyRun(disturbed) }

// poolFilled reports whether a run of the side filled its pool (see
// poolFilled).
func (s *side) poolFilled() bool { return s.anyRun(poolFilled) }

// maxLag is the longest lag (ms) of the side's runs: how long its
// generator was held up at most.
func (s *side) maxLag() float64 { return s.most(func(r *report.Report) float64 { return r.LagMs.Max }) }

// lagP99 is the highest lag p99 (ms) of the side's runs.
func (s *side) lagP99() float64 { return s.most(func(r *report.Report) float64 { return r.LagMs.P99 }) }
