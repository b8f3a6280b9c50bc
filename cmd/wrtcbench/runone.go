package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/faults"
	"github.com/wrtcbench/wrtcbench/internal/fixtures"
	"github.com/wrtcbench/wrtcbench/internal/progress"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// teardownTimeout bounds the cleanup after a run, interrupted or not.
const teardownTimeout = 30 * time.Second

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
	set    *fixtures.Set
	setup  report.Phase

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
		return err
	}
	defer sr.tearDown() // a no-op when fire tore down already
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
// the fixtures.
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
	sr.fx = &fixtures.Client{HTTP: client, BaseURL: tg.url, AccountID: tg.account, Username: tg.username, Password: tg.password}
	spec := fixtures.Spec{Name: s.Name, Sessions: s.Fixtures.Sessions, ParticipantsPerSession: s.Fixtures.ParticipantsPerSession,
		PublishersPerSession: s.Fixtures.PublishersPerSession, Seat: s.Seat()}
	for _, st := range s.Fixtures.Static {
		spec.Static = append(spec.Static, fixtures.Session{ID: st.Session, Participants: st.Participants, Publishers: st.Publishers})
	}
	step := sr.pg.Step(fmt.Sprintf("%s: set up fixtures against %s", s.Name, redactURL(tg.url)))
	start := time.Now()
	set, err := sr.fx.Setup(ctx, spec)
	step.Done(err)
	sr.setup = report.Phase{Name: "setup", DurationS: time.Since(start).Seconds(), Requests: sr.fx.Calls()}
	if err != nil {
		if ctx.Err() != nil {
			return context.Canceled
		}
		return targetError(fmt.Errorf("fixture setup failed: %w", err))
	}
	sr.set = set
	return nil
}

// plan renders the requests of the run from the fixtures.
func (sr *scenarioRun) plan() (*scenarios.Plan, error) {
	s, tg := sr.s, sr.tg
	return scenarios.NewPlan(scenarios.PlanConfig{
		Seed: s.Load.Seed, BaseURL: tg.url, AccountID: tg.account, Username: tg.username, Password: tg.password,
		Aliases: s.Fixtures.Aliases, Mix: sr.o.mix(s), Fixtures: sr.set, Contract: sr.o.k,
	})
}

// tearDown deletes the fixtures that setup created, when the scenario asks,
// once: right after the load, so that its phase is in the report, or on the
// way out when the run failed before that. The embedded server's faults are
// switched off first: teardown is not measured.
func (sr *scenarioRun) tearDown() report.Phase {
	ph := report.Phase{Name: "teardown"}
	s := sr.s
	if sr.tornDown || sr.set == nil || !s.Cleanup() || s.Fixtures.Mode == "static" {
		return ph
	}
	sr.tornDown = true
	if sr.tg.embedded != nil {
		_ = sr.tg.embedded.SetFaults(faults.Faults{}) // cannot fail: no faults
	}
	step := sr.pg.Step(s.Name + ": tear down fixtures")
	start, calls := time.Now(), sr.fx.Calls()
	ctx, cancel := context.WithTimeout(context.Background(), teardownTimeout)
	defer cancel()
	err := sr.fx.Teardown(ctx, sr.set)
	step.Done(err)
	if err != nil {
		ph.Error = err.Error()
	}
	ph.DurationS, ph.Requests = time.Since(start).Seconds(), sr.fx.Calls()-calls
	return ph
}

// fire runs the measured phase, tears down and writes the result folder.
func (sr *scenarioRun) fire(ctx context.Context, plan *scenarios.Plan) (*report.Report, error) {
	s, o, out := sr.s, sr.o, sr.out
	cfg := runnerConfig(s, o, plan)
	cfg.Client = sr.client
	col := report.NewCollector(o.mix(s), o.k, cfg.Workers(), o.interval)
	col.Expectations = plan // generated requests are judged by their own expectation
	cfg.Recorder = col
	rn, err := runner.New(cfg)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	meta := func(sum runner.Summary) report.Meta { return reportMeta(s, o, cfg, sr.tg, sum, sr.setup) }

	// latency.hlog grows by one line per interval while the run goes on, so
	// a crash loses at most the interval being filled; WriteFolder rewrites
	// it whole at the end.
	hlog, err := os.Create(filepath.Join(out, "latency.hlog"))
	if err != nil {
		return nil, err
	}
	defer hlog.Close()
	if hw, err := report.NewHlogWriter(hlog, s.Name, time.Now()); err == nil {
		col.OnInterval = func(iv report.Interval) { _ = hw.Interval(iv) } // best effort: the final write reports errors
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
	bar := sr.pg.Scenario(fmt.Sprintf("%s: %s for %s → %s", s.Name, describeLoad(cfg), describeEnd(cfg), out),
		cfg.Duration, snapshot(cfg, rn, col))
	sum, err := rn.Run(ctx)
	bar.Done()
	stopCol()
	<-colDone
	<-saverDone
	if err != nil {
		return nil, err
	}
	col.Finish()
	_ = hlog.Close() // WriteFolder replaces it with the whole log
	m := meta(sum)
	sr.shrink(ctx, plan, col, &m) // generated cases' failures, made small (shrink.go)
	m.Phases = append(m.Phases, sr.tearDown())
	sr.pg.Wait() // the bars are drawn before the summary is printed
	rep := col.Report(m)
	if err := report.WriteFolder(out, rep); err != nil {
		return nil, fmt.Errorf("writing %s: %w", out, err)
	}
	if !o.quiet {
		if err := report.RenderText(sr.stdout, rep); err != nil {
			return nil, err
		}
		fmt.Fprintf(sr.stdout, "\nresults: %s\n", out)
	}
	return rep, nil
}
