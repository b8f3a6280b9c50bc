package main

import (
	"context"
	"fmt"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// runnerConfig translates a scenario's load block into the runner's terms.
// Client, Contract and Recorder are left for the caller.
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
		Cases:       plan.Cases(),
		Source:      plan,
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
		if len(l.Stages) > 0 {
			st := make(runner.Stages, len(l.Stages))
			for i, g := range l.Stages {
				st[i] = runner.Stage{Duration: g.Duration, Rate: g.Rate.PerSecond * share}
			}
			cfg.Pacer = st
		} else {
			cfg.Pacer = runner.Constant{PerSecond: l.Rate.PerSecond * share}
		}
	}
	return cfg
}

// saveLoop rewrites report.json every few intervals while the run goes on.
func saveLoop(ctx context.Context, col *report.Collector, meta func(runner.Summary) report.Meta, rn *runner.Runner, out string) {
	const every = 5 * time.Second
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			p := rn.Progress()
			sum := runner.Summary{Start: time.Now().Add(-p.Elapsed), Elapsed: p.Elapsed, Scheduled: p.Scheduled,
				Sent: p.Sent, Dropped: p.Dropped, MaxInFlightSeen: p.MaxInFlight, Interrupted: true}
			rep := col.Report(meta(sum))
			rep.Verdict = "running: partial report"
			_ = report.WriteJSONFile(out, rep) // best effort; the final write reports its errors
		}
	}
}

// startProgress shows the run's progress until ctx ends; the returned channel
// closes when its goroutine has stopped.
func startProgress(ctx context.Context, o *runOptions, name string, cfg runner.Config, rn *runner.Runner,
	col *report.Collector, say func(string, ...any)) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if o.quiet {
			return
		}
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				p, l := rn.Progress(), col.Live()
				say("wrtcbench: %s: %s sent %d, in flight %d, completed %d, errors %d, violations %d, p50 %s p99 %s",
					name, p.Elapsed.Truncate(time.Second), p.Sent, p.InFlight, l.Completed, l.Errors, l.Violations, l.P50, l.P99)
			}
		}
	}()
	_ = fmt.Sprint
	return done
}
