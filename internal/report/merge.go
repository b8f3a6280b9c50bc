package report

import (
	"cmp"
	"fmt"
	"slices"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// MergeOptions tunes Merge.
type MergeOptions struct {
	// Names names the reports in error messages, e.g. their folders;
	// report i is "report i+1" when Names has no entry for it.
	Names []string
	// AllowPartial merges the shards given when some of the run's are
	// missing, instead of refusing; Merged.Missing lists the missing ones.
	AllowPartial bool
}

// Merge combines the reports of the shards of one distributed run into one.
// It refuses (with an error that names the reports) anything that is not the
// shards of one run, each once: reports of different scenarios (name, file
// hash, whole-run load shape), seeds or shard counts, a whole run mixed with
// shards, the same shard twice, a partial report of a run still going, and,
// unless opts.AllowPartial, a run with shards missing.
//
// Counts add up; histograms are merged bucket by bucket, so every percentile
// of the result is exact (as exact as each shard's); intervals are merged by
// position; violations by (check, case, status), keeping the first examples.
// Rates and limits add up, since the shards ran side by side, and the load
// shape is the whole run's. Thresholds are not carried over: the caller
// evaluates them again on the result.
func Merge(rs []*Report, opts MergeOptions) (*Report, error) {
	info, rs, err := checkShards(rs, opts)
	if err != nil {
		return nil, err
	}
	m := &Report{
		Format: Format, Tool: rs[0].Tool, Scenario: rs[0].Scenario, Target: rs[0].Target,
		Started: rs[0].Started, Load: rs[0].Load, Merged: info, IntervalS: rs[0].IntervalS,
		Status: map[string]int64{}, TransportErrors: map[string]int64{}, Checks: map[string]Counts{},
		Violations: []Violation{}, Thresholds: []Threshold{},
	}
	m.Scenario.Shard = ""
	m.Load.TargetRate, m.Load.AchievedRate, m.Load.MaxInFlightSeen, m.Load.Late = 0, 0, 0, 0
	m.Load.MaxInFlight, m.Load.Concurrency = 0, 0
	if s := rs[0].Shard; s != nil && s.RunShape != "" {
		m.Load.Shape = s.RunShape
		if len(info.Missing) > 0 {
			m.Load.Shape += fmt.Sprintf(" (%d of %d shards merged)", len(info.Shards), info.Count)
		}
	}
	lat, svc, lag := NewHistogram(), NewHistogram(), NewHistogram()
	latest := rs[0].Started
	for _, r := range rs {
		if r.Started.Before(m.Started) {
			m.Started = r.Started
		}
		if r.Started.After(latest) {
			latest = r.Started
		}
		m.DurationS = max(m.DurationS, r.DurationS)
		m.Interrupted = m.Interrupted || r.Interrupted
		m.Load.TargetRate += r.Load.TargetRate
		m.Load.AchievedRate += r.Load.AchievedRate
		m.Load.MaxInFlight += r.Load.MaxInFlight
		m.Load.Concurrency += r.Load.Concurrency
		m.Load.MaxInFlightSeen += r.Load.MaxInFlightSeen // an upper bound: the shards' peaks need not coincide
		m.Load.Late += r.Load.Late
		m.Load.Behind = m.Load.Behind || r.Load.Behind
		addRequests(&m.Requests, r.Requests)
		addCounts(m.Status, r.Status)
		addCounts(m.TransportErrors, r.TransportErrors)
		addShedding(&m.Shedding, r.Shedding)
		for k, c := range r.Checks {
			m.Checks[k] = Counts{Passed: m.Checks[k].Passed + c.Passed, Failed: m.Checks[k].Failed + c.Failed,
				Budget: cmp.Or(m.Checks[k].Budget, c.Budget)}
		}
		for _, pair := range []struct {
			dst *hdr.Histogram
			enc string
		}{{lat, r.Histograms.Latency}, {svc, r.Histograms.Service}, {lag, r.Histograms.Lag}} {
			if err := mergeEncoded(pair.dst, pair.enc); err != nil {
				return nil, err
			}
		}
		if err := mergeCases(m, r); err != nil {
			return nil, err
		}
		mergeViolations(m, r)
		if err := mergeIntervals(m, r); err != nil {
			return nil, err
		}
		m.Phases = append(m.Phases, r.Phases...)
	}
	info.StartSpreadMs = ms(latest.Sub(m.Started))
	m.LatencyMs, m.ServiceMs, m.LagMs = summarize(lat), summarize(svc), summarize(lag)
	m.Histograms = Histograms{Latency: encodeHist(lat), Service: encodeHist(svc), Lag: encodeHist(lag)}
	// A documented status is unseen in the whole only if every shard missed
	// it, so the union of the shards' unseen lists stands for the documented set.
	var documented []int
	for _, r := range rs {
		for _, code := range r.Coverage.StatusesUnseen {
			if !slices.Contains(documented, code) {
				documented = append(documented, code)
			}
		}
	}
	slices.Sort(documented)
	m.Coverage = coverageOf(m, documented, rs[0].Coverage.RequireEveryCase)
	Decide(m)
	return m, nil
}

func addRequests(d *Requests, s Requests) {
	d.Scheduled += s.Scheduled
	d.Sent += s.Sent
	d.Completed += s.Completed
	d.Dropped += s.Dropped
	d.TransportErrors += s.TransportErrors
	d.Canceled += s.Canceled
	d.Failed += s.Failed
	d.Warmup += s.Warmup
	d.Unsolicited += s.Unsolicited
}

func addShedding(d *Shedding, s Shedding) {
	d.Count += s.Count
	d.Status429 += s.Status429
	d.Status503 += s.Status503
	d.RetryAfter += s.RetryAfter
	d.RetryAfterMs = max(d.RetryAfterMs, s.RetryAfterMs)
}

func addCounts(d, s map[string]int64) {
	for k, v := range s {
		d[k] += v
	}
}

// mergeEncoded adds an encoded histogram into dst; "" adds nothing.
func mergeEncoded(dst *hdr.Histogram, enc string) error {
	h, err := DecodeHistogram(enc)
	if err != nil || h == nil {
		return err
	}
	if dropped := dst.Merge(h); dropped != 0 {
		return fmt.Errorf("merge: %d values fell outside the histogram's range", dropped)
	}
	return nil
}

func mergeCases(m, r *Report) error {
	for _, c := range r.Cases {
		i := slices.IndexFunc(m.Cases, func(x Case) bool { return x.Name == c.Name })
		if i < 0 {
			m.Cases = append(m.Cases, Case{Name: c.Name, Expected: c.Expected, Weight: c.Weight,
				Status: map[string]int64{}, Checks: map[string]Counts{}})
			i = len(m.Cases) - 1
		}
		mc := &m.Cases[i]
		mc.Requests += c.Requests
		mc.Completed += c.Completed
		mc.Failed += c.Failed
		addCounts(mc.Status, c.Status)
		if len(c.TransportErrors) > 0 {
			if mc.TransportErrors == nil {
				mc.TransportErrors = map[string]int64{}
			}
			addCounts(mc.TransportErrors, c.TransportErrors)
		}
		for k, n := range c.Checks {
			mc.Checks[k] = Counts{Passed: mc.Checks[k].Passed + n.Passed, Failed: mc.Checks[k].Failed + n.Failed}
		}
		if c.Generated != nil {
			mc.Generated = mergeGenerated(mc.Generated, c.Generated)
		}
		var err error
		if mc.Histogram, mc.LatencyMs, err = mergeInto(mc.Histogram, c.Histogram); err != nil {
			return err
		}
		if mc.ServiceHistogram, mc.ServiceMs, err = mergeInto(mc.ServiceHistogram, c.ServiceHistogram); err != nil {
			return err
		}
	}
	return nil
}

// mergeGenerated adds a shard's account of a generated case to the merged
// one (nil for none yet): counts add up, and a (where, kind) pair is
// unexercised only when every shard left it so. The shards generate against
// one contract, so they can make the same pairs.
func mergeGenerated(m, g *GeneratedCase) *GeneratedCase {
	if m == nil {
		m = &GeneratedCase{Mutations: map[string]map[string]int64{}, Possible: g.Possible,
			Unexercised: slices.Clone(g.Unexercised)}
	} else {
		m.Unexercised = slices.DeleteFunc(m.Unexercised, func(p string) bool { return !slices.Contains(g.Unexercised, p) })
	}
	m.Valid += g.Valid
	m.Project += g.Project
	m.Undecided += g.Undecided
	for where, kinds := range g.Mutations {
		if m.Mutations[where] == nil {
			m.Mutations[where] = map[string]int64{}
		}
		addCounts(m.Mutations[where], kinds)
	}
	m.Possible = max(m.Possible, g.Possible)
	m.Exercised = m.Possible - len(m.Unexercised)
	return m
}

// mergeInto merges two encoded histograms and returns the result with its summary.
func mergeInto(a, b string) (string, Summary, error) {
	h := NewHistogram()
	if err := mergeEncoded(h, a); err != nil {
		return "", Summary{}, err
	}
	if err := mergeEncoded(h, b); err != nil {
		return "", Summary{}, err
	}
	if h.TotalCount() == 0 {
		return "", Summary{}, nil
	}
	return encodeHist(h), summarize(h), nil
}

func mergeViolations(m, r *Report) {
	for _, v := range r.Violations {
		i := slices.IndexFunc(m.Violations, func(x Violation) bool {
			return x.Check == v.Check && x.Case == v.Case && x.Status == v.Status
		})
		if i < 0 {
			m.Violations = append(m.Violations, v)
			continue
		}
		mv := &m.Violations[i]
		mv.Count += v.Count
		if mv.Shrink == nil && v.Shrink != nil {
			// The first shard to have shrunk the group's failure gives
			// its reproducer.
			mv.Curl, mv.OriginalCurl, mv.Shrink = v.Curl, v.OriginalCurl, v.Shrink
		}
		for _, e := range v.Examples {
			if len(mv.Examples) < MaxExamples {
				mv.Examples = append(mv.Examples, e)
			}
		}
	}
}

// mergeIntervals adds r's intervals into m's, position by position: the
// shards started together, so their n-th intervals cover the same time
// (addShardIntervals, which also aligns shards whose slices were joined).
func mergeIntervals(m, r *Report) error {
	var err error
	m.Intervals, err = addShardIntervals(m.Intervals, r.Intervals)
	return err
}
