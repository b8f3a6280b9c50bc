package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/curl"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// reportMeta collects what the report needs to know about the run.
func reportMeta(s *scenarios.Scenario, o *runOptions, cfg runner.Config, tg *target, sum runner.Summary, setup report.Phase) report.Meta {
	// The measured phase runs from the end of the warm-up to the last request
	// handed out: a generator that fell behind took longer than the schedule,
	// and its achieved rate shows it.
	window := sum.ScheduleEnd - cfg.Warmup
	if cfg.Duration > 0 && !sum.Interrupted {
		window = max(window, cfg.Duration-cfg.Warmup)
	}
	m := report.Meta{
		Tool:     toolInfo(),
		Scenario: report.ScenarioInfo{Name: s.Name, Description: s.Description, File: s.File, Seed: s.Load.Seed, Shard: o.shard.String()},
		Target:   redactURL(tg.url),
		Contract: o.k.Source,
		Load: report.Load{Model: string(cfg.Model), MaxInFlight: cfg.MaxInFlight, Concurrency: cfg.Concurrency,
			WarmupS: cfg.Warmup.Seconds(), SlackMS: float64(cfg.Slack) / float64(time.Millisecond)},
		Summary: sum, Window: window,
		Credentials: curl.Credentials{Username: tg.username, Password: tg.password},
		Phases:      []report.Phase{setup},
		StartAt:     o.startAt.t,
	}
	m.Scenario.Hash = o.hashes[s.File]
	if o.shard.N > 0 {
		m.Shard = &report.ShardInfo{Index: int(o.shard.I), Count: int(o.shard.N)}
		if cfg.Model == runner.Open {
			m.Shard.RunShape = pacer(s.Load, 1).String()
		}
	}
	if cfg.Model == runner.Open {
		m.Load.Shape = cfg.Pacer.String()
		end := cfg.Warmup + window
		if cfg.Duration > 0 {
			end = min(end, cfg.Duration) // the schedule's own length, however long the run took
		}
		m.TargetRate = meanRate(cfg.Pacer, cfg.Warmup, end)
	}
	for _, t := range s.Thresholds {
		m.Thresholds = append(m.Thresholds, t)
	}
	m.Budgets, m.RequireEveryCase = s.Checks, s.Coverage.EveryCase()
	return m
}

// meanRate integrates the pacer's rate between from and to.
func meanRate(p runner.Pacer, from, to time.Duration) float64 {
	if to <= from {
		return p.Rate(from)
	}
	const steps = 1000
	dt := (to - from) / steps
	var sum float64
	for i := range steps {
		sum += p.Rate(from + dt*time.Duration(i) + dt/2)
	}
	return sum / steps
}

// describeLoad says in a few words what the load is.
func describeLoad(cfg runner.Config) string {
	if cfg.Model == runner.Closed {
		return fmt.Sprintf("closed model, %d workers", cfg.Concurrency)
	}
	return fmt.Sprintf("open model, %s, at most %d in flight", cfg.Pacer, cfg.MaxInFlight)
}

// describeEnd says when the run ends.
func describeEnd(cfg runner.Config) string {
	var parts []string
	if cfg.Duration > 0 {
		parts = append(parts, cfg.Duration.String())
	}
	if cfg.Requests > 0 {
		parts = append(parts, fmt.Sprintf("%d requests", cfg.Requests))
	}
	if len(parts) == 0 {
		return "the whole schedule"
	}
	return strings.Join(parts, " or ")
}
