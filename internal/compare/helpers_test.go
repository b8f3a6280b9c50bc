package compare

import (
	"math/rand/v2"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/wrtcbench/wrtcbench/internal/report"
)

// dist draws one latency in microseconds.
type dist func(r *rand.Rand) int64

// bimodal is fast (2 ms, with 0.3 ms of jitter) but for a share of slow
// requests (40 ms), like the reference server with a tail.
func bimodal(slow float64) dist {
	return func(r *rand.Rand) int64 {
		us := 2000 + r.Int64N(300)
		if r.Float64() < slow {
			us += 38000
		}
		return us
	}
}

// plus adds extra microseconds to a share of the requests drawn from d.
func plus(d dist, share float64, extra int64) dist {
	return func(r *rand.Rand) int64 {
		us := d(r)
		if r.Float64() < share {
			us += extra
		}
		return us
	}
}

// spec describes a synthetic run: its latency, how many one-second
// intervals of how many requests, and its failures.
type spec struct {
	seed      uint64
	d         dist
	intervals int // of perSecond requests each
	perSecond int
	failed    int64   // requests that failed a check
	checks    int64   // check verdicts that failed (of 5 per request)
	rate      float64 // achieved rate; 0 means perSecond
}

// synth builds a finished run's report from s, deterministically: the same
// spec gives the same report.
func synth(t testing.TB, path string, s spec) Run {
	t.Helper()
	r := rand.New(rand.NewPCG(s.seed, 0x5eed))
	total := report.NewHistogram()
	r0 := &report.Report{
		Format:   report.Format,
		Scenario: report.ScenarioInfo{Name: "synthetic", Seed: 1},
		Started:  time.Date(2026, 11, 28, 10, 0, int(s.seed%60), 0, time.UTC),
		Load:     report.Load{Model: "open", TargetRate: float64(s.perSecond), AchievedRate: float64(s.perSecond), WarmupS: 1},
		Verdict:  "passed",
		Passed:   true,
	}
	if s.rate != 0 {
		r0.Load.AchievedRate = s.rate
	}
	// The first interval is the warm-up and the last one is cut short:
	// neither may be a sample.
	r0.Intervals = append(r0.Intervals, report.Interval{StartS: 0, DurationS: 1, Histogram: encode(t, hist(r, bimodal(0.5), s.perSecond))})
	for i := range s.intervals {
		h := hist(r, s.d, s.perSecond)
		total.Merge(h)
		r0.Intervals = append(r0.Intervals, report.Interval{StartS: float64(1 + i), DurationS: 1, Completed: h.TotalCount(), Histogram: encode(t, h)})
	}
	r0.Intervals = append(r0.Intervals, report.Interval{StartS: float64(1 + s.intervals), DurationS: 0.01, Completed: 1,
		Histogram: encode(t, hist(r, func(*rand.Rand) int64 { return 900_000 }, 1))})
	n := total.TotalCount()
	r0.Requests = report.Requests{Scheduled: n, Sent: n, Completed: n, Failed: s.failed}
	r0.Checks = map[string]report.Counts{"status_expected": {Passed: 5*n - s.checks, Failed: s.checks}}
	r0.Histograms.Latency = encode(t, total)
	r0.Cases = []report.Case{{Name: "subscribe_all", Requests: n, Histogram: r0.Histograms.Latency}}
	return Run{Path: path, Report: r0}
}

func hist(r *rand.Rand, d dist, n int) *hdr.Histogram {
	h := report.NewHistogram()
	for range n {
		_ = h.RecordValue(d(r))
	}
	return h
}

func encode(t testing.TB, h *hdr.Histogram) string {
	t.Helper()
	b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
