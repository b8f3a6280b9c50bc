package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/progress"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// runnerConfig translates a scenario's load block into the runner's terms.
// Client and Recorder are left for the caller.
func runnerConfig(s *scenarios.Scenario, o *runOptions, plan *scenarios.Plan) runner.Config {
	l := s.Load
	cfg := runner.Config{
		Model:       runner.Model(l.Model),
		Duration:    l.Duration,
		Requests:    uint64(l.Requests),
		Warmup:      l.Warmup,
		MaxInFlight: l.MaxInFlight,
		Drop:        l.OnSaturation == "drop",
		Concurrency: l.Concurrency,
		ThinkTime:   l.ThinkTime,
		Slack:       l.Slack,
		Source:      plan,
	}
	if l.PerCase > 0 {
		cfg.Requests = uint64(l.PerCase) * uint64(len(s.Mix))
	}
	share := 1.0
	if n := o.shard.N; n > 1 {
		// Shard i of N sends requests i, i+N, i+2N... of the plan at 1/N of
		// the rate, so that the N shards together send the plan once.
		share = 1 / float64(n)
		i := o.shard.I
		cfg.Source = runner.SourceFunc(func(k uint64) *runner.Request { return plan.Request(k*n + i) })
		if cfg.Requests > 0 {
			cfg.Requests = (cfg.Requests - i + n - 1) / n
		}
	}
	if cfg.Model == runner.Open {
		cfg.Pacer = pacer(l, share)
	}
	return cfg
}

// pacer returns the open-model schedule of l at share of its rate: 1 for
// the whole run, 1/N for one of N shards.
func pacer(l scenarios.LoadSpec, share float64) runner.Pacer {
	if len(l.Stages) > 0 {
		st := make(runner.Stages, len(l.Stages))
		for i, g := range l.Stages {
			st[i] = runner.Stage{Duration: g.Duration, Rate: g.Rate.PerSecond * share}
		}
		return st
	}
	return runner.Constant{PerSecond: l.Rate.PerSecond * share}
}

// saveEvery is how often a partial report.json is written during a run.
const saveEvery = 10 * time.Second

// saveLoop rewrites a partial report.json (no histograms: they would cost
// the generator CPU while it measures) every saveEvery while the run goes on.
func saveLoop(ctx context.Context, col *report.Collector, meta func(runner.Summary) report.Meta, rn *runner.Runner, warmup time.Duration, out string) {
	t := time.NewTicker(saveEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			p := rn.Progress()
			rep := partialReport(col, meta, rn)
			// Not a verdict yet: a reader must not take a running run for a passed one.
			rep.Passed, rep.Outcome, rep.Verdict = false, report.OutcomeRunning, "running: partial report"
			if measured := p.Elapsed - warmup; measured > 0 {
				rep.Load.AchievedRate = float64(rep.Requests.Sent) / measured.Seconds()
			}
			_ = report.WriteJSONFile(out, rep) // best effort; the final write reports its errors
		}
	}
}

// plannedLength is how long a run is planned to last, warm-up included, or
// 0 when that is not known beforehand (a closed model bounded by a request
// count). The collector sizes the report's intervals by it.
func plannedLength(cfg runner.Config) time.Duration {
	switch {
	case cfg.Duration > 0:
		return cfg.Duration
	case cfg.Model != runner.Open || cfg.Requests == 0:
		return 0
	}
	switch p := cfg.Pacer.(type) {
	case runner.Constant:
		return time.Duration(float64(cfg.Requests) / p.PerSecond * float64(time.Second))
	case runner.Stages:
		return p.Duration()
	}
	return 0
}

// snapshot returns what the progress line of a run shows, read from the
// runner's counters and the collector's running totals. While the run goes
// on, the rate and latencies are those of the last slice; once final holds
// the run's metadata (set after the collector's Finish), every figure is
// the measured phase's, as in the summary.
func snapshot(cfg runner.Config, rn *runner.Runner, col *report.Collector, final *atomic.Pointer[report.Meta]) func() progress.Snapshot {
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	return func() progress.Snapshot {
		p, l := rn.Progress(), col.Live()
		sn := progress.Snapshot{Elapsed: p.Elapsed, Total: cfg.Duration, InFlight: p.InFlight, Phase: "measure"}
		if cfg.Model == runner.Closed {
			sn.Workers = cfg.Concurrency
		}
		counts := l.Measured
		if p.Elapsed < cfg.Warmup {
			sn.Phase, counts = "warm-up", l.Run
		}
		if m := final.Load(); m != nil && l.Finished {
			sn.Final, sn.Elapsed, counts = true, m.Summary.Elapsed, l.Measured
			sn.Window, sn.Target = m.Window, m.TargetRate
			if w := m.Window.Seconds(); w > 0 {
				sn.Rate = float64(l.Measured.Sent) / w // as report.json's load.achieved_rate
			}
			sn.P50, sn.P99 = ms(l.LatencyMs.P50), ms(l.LatencyMs.P99)
		} else if d := l.Last.DurationS; d > 0 {
			sn.Window = time.Duration(d * float64(time.Second))
			sn.Rate, sn.Target = float64(l.Last.Sent)/d, l.LastTarget
			sn.P50, sn.P99 = ms(l.Last.LatencyMs.P50), ms(l.Last.LatencyMs.P99)
		}
		sn.Completed, sn.Errors, sn.Failed = counts.Completed, counts.Errors, counts.Failed
		return sn
	}
}
