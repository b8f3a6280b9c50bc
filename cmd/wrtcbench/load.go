package main

import (
	"context"
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

// snapshot returns what the progress bar of a run shows, read from the
// runner's counters and the collector's running totals.
func snapshot(cfg runner.Config, rn *runner.Runner, col *report.Collector) func() progress.Snapshot {
	return func() progress.Snapshot {
		p, l := rn.Progress(), col.Live()
		sn := progress.Snapshot{
			Elapsed: p.Elapsed, Total: cfg.Duration, TargetRate: p.TargetRate, InFlight: p.InFlight,
			Completed: l.Completed, Errors: l.Errors, Violations: l.Violations, P50: l.P50, P99: l.P99,
			Phase: "measure",
		}
		if p.Elapsed < cfg.Warmup {
			sn.Phase = "warm-up"
		}
		if s := p.Elapsed.Seconds(); s > 0 {
			sn.AchievedRate = float64(p.Sent) / s
		}
		return sn
	}
}
