package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/fixtures"
	"github.com/wrtcbench/wrtcbench/internal/metrics"
	"github.com/wrtcbench/wrtcbench/internal/progress"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// scenarioRun is one scenario on its way through setup, load and teardown.
type scenarioRun struct {
	s      *scenarios.Scenario
	o      *runOptions
	out    string // the result folder
	stdout io.Writer
	pg     *progress.Progress

	tg     *target
	client *http.Client
	fx     *fixtures.Client
	fxStep atomic.Pointer[progress.Step] // the setup or teardown step fx reports to
	set    *fixtures.Set
	setup  report.Phase
	failed *report.Report // the report of a failed setup

	tornDown bool
}

// runScenario runs one scenario end to end and writes its result folder. It
// hands the report to done, when the run got far enough to have one.
func runScenario(ctx context.Context, s *scenarios.Scenario, o *runOptions, out string, stdout io.Writer,
	pg *progress.Progress, done func(*report.Report)) error {
	if out == "" {
		out = filepath.Join("results", fmt.Sprintf("%s-%s", s.Name, time.Now().UTC().Format("20060102T150405Z")))
	}
	sr := &scenarioRun{s: s, o: o, out: out, stdout: stdout, pg: pg}
	tg, err := resolveTarget(s)
	if err != nil {
		return err
	}
	defer tg.close()
	sr.tg = tg
	if err := sr.setUp(ctx); err != nil {
		if sr.failed != nil {
			done(sr.failed) // a failed setup has a report too
		}
		return err
	}
	defer sr.tearDown(ctx) // a no-op when fire tore down already
	plan, err := sr.plan()
	if err != nil {
		return usageError(err)
	}
	if tg.embedded != nil {
		if err := tg.embedded.SetFaults(tg.faults); err != nil {
			return usageError(err)
		}
	}
	res, err := sr.fire(ctx, plan)
	if err != nil {
		return err
	}
	done(res)
	return outcomeError(res.Outcome)
}

// setUp makes the HTTP client, checks that the target answers and sets up
// the fixtures (fixtures.go).
func (sr *scenarioRun) setUp(ctx context.Context) error {
	s, tg := sr.s, sr.tg
	workers := s.Load.MaxInFlight
	if s.Load.Model == string(runner.Closed) {
		workers = s.Load.Concurrency
	}
	client, err := runner.NewClient(runner.ClientConfig{
		Timeout: s.Target.Timeout, Conns: workers, HTTP2: runner.HTTP2(s.Target.HTTP2), Engine: runner.Engine(s.Target.Engine),
		InsecureSkipVerify: s.Target.TLS.InsecureSkipVerify, CAFile: s.Target.TLS.CAFile,
	})
	if err != nil {
		return usageError(err)
	}
	sr.client = client
	if err := preflight(ctx, client, tg.url, s.Target.Timeout); err != nil {
		return targetError(err)
	}
	return sr.setUpFixtures(ctx)
}

// plan renders the requests of the run from the fixtures.
func (sr *scenarioRun) plan() (*scenarios.Plan, error) {
	s, tg := sr.s, sr.tg
	return scenarios.NewPlan(scenarios.PlanConfig{
		Seed: s.Load.Seed, BaseURL: tg.url, AccountID: tg.account, Username: tg.username, Password: tg.password,
		Aliases: s.Fixtures.Aliases, Mix: sr.o.mix(s), Fixtures: sr.set, InTurn: s.Load.PerCase > 0, Contract: sr.o.k,
	})
}

// fire runs the measured phase, tears down and writes the result folder.
func (sr *scenarioRun) fire(ctx context.Context, plan *scenarios.Plan) (*report.Report, error) {
	s, o, out := sr.s, sr.o, sr.out
	cfg := runnerConfig(s, o, plan)
	cfg.Client = sr.client
	cfg.ServesTarget = sr.tg.embedded != nil
	col := report.NewCollector(o.mix(s), o.k, cfg.Workers(), o.interval)
	col.Planned = plannedLength(cfg)
	col.Expectations = plan // generated requests are judged by their own expectation
	cfg.Recorder = col
	rn, err := runner.New(cfg)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	text := scenarioText(s.File, sr.tg.password)
	meta := func(sum runner.Summary) report.Meta {
		m := reportMeta(s, o, cfg, sr.tg, sum, sr.setup)
		m.Scenario.Text = text
		return m
	}

	// latency.hlog grows by one line per slice while the run goes on, so
	// a crash loses at most the slice being filled. WriteFolder rewrites it
	// whole at the end, from report.json, unless the report joined slices
	// (a long run): the log written as the run went keeps every one.
	hlog, err := os.Create(filepath.Join(out, "latency.hlog"))
	if err != nil {
		return nil, err
	}
	defer hlog.Close()
	start := o.startAt.t
	if start.IsZero() {
		start = time.Now()
	}
	hw, hlogErr := report.NewHlogWriter(hlog, s.Name, start)
	logged := 0 // slices in the log
	if hlogErr == nil {
		col.OnInterval = func(iv report.Interval) {
			logged++
			if err := hw.Interval(iv); err != nil && hlogErr == nil {
				hlogErr = err // the final write then renders the log from report.json
			}
		}
	}
	exp := sr.exporter(col, rn, start)
	// Everything is ready: with --start-at, the schedule starts at its instant.
	if err := sr.waitStart(ctx); err != nil {
		return nil, err
	}
	colCtx, stopCol := context.WithCancel(context.Background())
	colDone := make(chan struct{})
	go func() {
		defer close(colDone)
		col.Run(colCtx, rn.Progress)
	}()
	// Keep a partial report.json current during the run.
	saverDone := make(chan struct{})
	go func() {
		defer close(saverDone)
		saveLoop(colCtx, col, meta, rn, cfg.Warmup, out)
	}()
	// An abort_on_fail threshold that fails stops the run through its own
	// context: the run ends, tears down and reports as usual, but aborted,
	// not interrupted.
	runCtx, stopRun := context.WithCancelCause(ctx)
	defer stopRun(nil)
	abortDone := make(chan struct{})
	go func() {
		defer close(abortDone)
		abortWatch(colCtx, s.Thresholds, o.interval, cfg.Warmup, func() time.Duration { return rn.Progress().Elapsed },
			func() *report.Report { return partialReport(col, meta, rn) }, stopRun)
	}()
	sr.pg.Note(fmt.Sprintf("%s: %s for %s → %s", s.Name, describeLoad(cfg), describeEnd(cfg), out))
	var final atomic.Pointer[report.Meta]
	bar := sr.pg.Scenario(s.Name, cfg.Duration, snapshot(cfg, rn, col, &final))
	defer bar.Done()
	sum, err := rn.Run(runCtx)
	stopCol()
	<-colDone
	<-saverDone
	<-abortDone
	if err != nil {
		return nil, err
	}
	var aborted *errAborted
	if errors.As(context.Cause(runCtx), &aborted) && ctx.Err() == nil {
		sum.Interrupted = false // stopped by a threshold, not by the user
	} else {
		aborted = nil
	}
	col.Finish()
	if err := hlog.Close(); err != nil && hlogErr == nil {
		hlogErr = err
	}
	m := meta(sum)
	if aborted != nil {
		m.Aborted = &aborted.Abort
	}
	fm := m
	final.Store(&fm)
	bar.Done()                    // its last line: the measured phase, as the summary below
	sr.shrink(ctx, plan, col, &m) // generated cases' failures, made small (shrink.go)
	m.Phases = append(m.Phases, sr.tearDown(ctx))
	sr.pg.Wait() // the bars are drawn before the summary is printed
	rep := col.Report(m)
	files := report.FolderFiles()
	if hlogErr == nil && logged > len(rep.Intervals) {
		files = slices.DeleteFunc(files, func(f report.FolderFile) bool { return f.Format == report.FormatHlog })
	}
	if err := report.WriteFiles(out, rep, files); err != nil {
		return nil, fmt.Errorf("writing %s: %w", out, err)
	}
	if !o.quiet {
		if err := report.RenderText(sr.stdout, rep); err != nil {
			return nil, err
		}
		fmt.Fprintf(sr.stdout, "\nresults: %s\n", out)
	}
	if exp != nil {
		exp.Finish()
		o.metrics.Linger(ctx, exp, o.metricsLinger)
	}
	return rep, nil
}

// exporter makes the live metrics of this run and shows them on the
// --metrics-addr server, fed by the collector's folds: nil without the flag.
func (sr *scenarioRun) exporter(col *report.Collector, rn *runner.Runner, start time.Time) *metrics.Exporter {
	if sr.o.metrics == nil {
		return nil
	}
	run := metrics.Run{Scenario: sr.s.Name, Shard: sr.o.shard.String(), Seed: sr.s.Load.Seed,
		Hash: sr.o.hashes[sr.s.File], Start: start}
	for _, c := range sr.o.mix(sr.s) {
		run.Cases = append(run.Cases, c.Name())
	}
	exp := metrics.NewExporter(run, rn.Progress)
	col.Observer = exp
	if prev := col.OnInterval; prev != nil {
		col.OnInterval = func(iv report.Interval) { prev(iv); exp.Interval(iv) }
	} else {
		col.OnInterval = exp.Interval
	}
	sr.o.metrics.Set(exp)
	return exp
}
