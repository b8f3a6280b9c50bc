package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/wrtcbench/wrtcbench/internal/curl"
	"github.com/wrtcbench/wrtcbench/internal/fixtures"
	"github.com/wrtcbench/wrtcbench/internal/progress"
	"github.com/wrtcbench/wrtcbench/internal/refserver"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// teardownTimeout bounds the cleanup after a run, interrupted or not.
const teardownTimeout = 30 * time.Second

// target is a resolved target: where to send, as whom, and what to stop after.
type target struct {
	url, account, username, password string
	close                            func()
	// embedded is the in-process reference API, when there is one, and
	// faults what it injects during the measured phase only: setup and
	// teardown go through a faultless server.
	embedded *refserver.Server
	faults   refserver.Faults
}

// resolveTarget starts the embedded reference API when the scenario asks for
// it, and reads the credentials.
func resolveTarget(s *scenarios.Scenario) (*target, error) {
	t := &target{url: s.Target.URL, account: s.Target.AccountID, username: s.Target.Username,
		password: s.Target.Password, close: func() {}}
	if !s.Target.IsEmbedded() {
		return t, nil
	}
	cfg := refserver.Config{Seed: int64(s.Load.Seed)}
	if n := s.Target.Embedded; n != nil {
		data, err := yaml.Marshal(n)
		if err == nil {
			t.faults, err = refserver.DecodeFaultsYAML(data)
		}
		if err != nil {
			return nil, usagef("%s:%d: target.embedded: %v", s.File, n.Line, err)
		}
	}
	if t.account == "" {
		t.account = refserver.DefaultAccount
	}
	if t.username == "" && t.password == "" {
		t.username, t.password = refserver.DefaultUsername, refserver.DefaultPassword
	}
	cfg.Accounts = []refserver.Account{{ID: t.account, Username: t.username, Password: t.password}}
	// The server outlives an interrupt: teardown still needs it.
	ctx, cancel := context.WithCancel(context.Background())
	rs, err := refserver.Start(ctx, cfg, "", false)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("embedded reference API: %w", err)
	}
	t.url, t.embedded = rs.URL, rs.Server
	t.close = func() { _ = rs.Close(); cancel() }
	return t, nil
}

// preflight dials the target once, so that an unreachable target is an exit
// 3 with one line rather than a run full of transport errors.
func preflight(ctx context.Context, base string, timeout time.Duration) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	host := u.Host
	if u.Port() == "" {
		if u.Scheme == "https" {
			host = net.JoinHostPort(u.Hostname(), "443")
		} else {
			host = net.JoinHostPort(u.Hostname(), "80")
		}
	}
	d := net.Dialer{Timeout: min(timeout, 5*time.Second)}
	c, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return fmt.Errorf("%s is unreachable: %w", host, unwrapOp(err))
	}
	return c.Close()
}

// unwrapOp strips net.OpError's address prefix, which the message already has.
func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// runScenario runs one scenario end to end and writes its result folder. It
// hands the report to done, when the run got far enough to have one.
func runScenario(ctx context.Context, s *scenarios.Scenario, o *runOptions, out string, stdout io.Writer,
	pg *progress.Progress, done func(*report.Report)) error {
	tg, err := resolveTarget(s)
	if err != nil {
		return err
	}
	defer tg.close()

	workers := s.Load.MaxInFlight
	if s.Load.Model == string(runner.Closed) {
		workers = s.Load.Concurrency
	}
	client, err := runner.NewClient(runner.ClientConfig{
		Timeout: s.Target.Timeout, Conns: workers, HTTP2: runner.HTTP2(s.Target.HTTP2),
		InsecureSkipVerify: s.Target.TLS.InsecureSkipVerify, CAFile: s.Target.TLS.CAFile,
	})
	if err != nil {
		return usageError(err)
	}
	if err := preflight(ctx, tg.url, s.Target.Timeout); err != nil {
		return targetError(err)
	}

	// Fixtures.
	fx := &fixtures.Client{HTTP: client, BaseURL: tg.url, AccountID: tg.account, Username: tg.username, Password: tg.password}
	spec := fixtures.Spec{Name: s.Name, Sessions: s.Fixtures.Sessions, ParticipantsPerSession: s.Fixtures.ParticipantsPerSession,
		PublishersPerSession: s.Fixtures.PublishersPerSession, Seat: s.Seat()}
	for _, st := range s.Fixtures.Static {
		spec.Static = append(spec.Static, fixtures.Session{ID: st.Session, Participants: st.Participants, Publishers: st.Publishers})
	}
	step := pg.Step(fmt.Sprintf("%s: set up fixtures against %s", s.Name, redactURL(tg.url)))
	setupStart := time.Now()
	set, err := fx.Setup(ctx, spec)
	step.Done(err)
	setup := report.Phase{Name: "setup", DurationS: time.Since(setupStart).Seconds(), Requests: fx.Calls()}
	if err != nil {
		if ctx.Err() != nil {
			return context.Canceled
		}
		return targetError(fmt.Errorf("fixture setup failed: %w", err))
	}

	// The plan.
	mix := make([]scenarios.PlanCase, len(s.Mix))
	for i, m := range s.Mix {
		mix[i] = scenarios.PlanCase{Name: m.Case, Weight: m.Weight, Expect: m.Expected()}
	}
	plan, err := scenarios.NewPlan(scenarios.PlanConfig{
		Seed: s.Load.Seed, BaseURL: tg.url, AccountID: tg.account, Username: tg.username, Password: tg.password,
		Aliases: s.Fixtures.Aliases, Mix: mix, Fixtures: set,
	})
	if err != nil {
		teardown(s, fx, set, pg)
		return usageError(err)
	}

	if tg.embedded != nil {
		if err := tg.embedded.SetFaults(tg.faults); err != nil {
			teardown(s, fx, set, pg)
			return usageError(err)
		}
	}
	// down tears the fixtures down once: right after the load, so that its
	// phase is in the report, or on the way out if fire failed before that.
	tornDown := false
	down := func() report.Phase {
		tornDown = true
		if tg.embedded != nil {
			_ = tg.embedded.SetFaults(refserver.Faults{}) // cannot fail: no faults
		}
		return teardown(s, fx, set, pg)
	}
	defer func() {
		if !tornDown {
			down()
		}
	}()
	res, runErr := fire(ctx, s, o, plan, client, tg, out, stdout, pg, setup, down)
	if runErr != nil {
		return runErr
	}
	done(res)
	switch {
	case res.Interrupted:
		return context.Canceled
	case res.Load.Behind:
		return errBehindSchedule
	case !res.Passed:
		return errChecksFailed
	}
	return nil
}

// teardown deletes the fixtures that setup created, when the scenario asks.
func teardown(s *scenarios.Scenario, fx *fixtures.Client, set *fixtures.Set, pg *progress.Progress) report.Phase {
	ph := report.Phase{Name: "teardown"}
	if !s.Cleanup() || s.Fixtures.Mode == "static" {
		return ph
	}
	step := pg.Step(s.Name + ": tear down fixtures")
	start, calls := time.Now(), fx.Calls()
	ctx, cancel := context.WithTimeout(context.Background(), teardownTimeout)
	defer cancel()
	err := fx.Teardown(ctx, set)
	step.Done(err)
	if err != nil {
		ph.Error = err.Error()
	}
	ph.DurationS, ph.Requests = time.Since(start).Seconds(), fx.Calls()-calls
	return ph
}

// fire runs the measured phase and writes the result folder.
func fire(ctx context.Context, s *scenarios.Scenario, o *runOptions, plan *scenarios.Plan, client *http.Client,
	tg *target, out string, stdout io.Writer, pg *progress.Progress, setup report.Phase, down func() report.Phase) (*report.Report, error) {
	cfg := runnerConfig(s, o, plan)
	cfg.Client = client
	k := o.k
	cfg.Contract = k
	metas := make([]report.CaseMeta, len(s.Mix))
	for i, m := range s.Mix {
		metas[i] = report.CaseMeta{Name: m.Case, Expect: m.Expected(), Weight: m.Weight}
	}
	col := report.NewCollector(metas, k, cfg.Workers(), o.interval)
	cfg.Recorder = col
	rn, err := runner.New(cfg)
	if err != nil {
		return nil, err
	}
	if out == "" {
		out = filepath.Join("results", fmt.Sprintf("%s-%s", s.Name, time.Now().UTC().Format("20060102T150405Z")))
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}

	meta := func(sum runner.Summary) report.Meta {
		return reportMeta(s, o, cfg, tg, sum, setup)
	}
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
		saveLoop(colCtx, col, meta, rn, out)
	}()
	bar := pg.Scenario(fmt.Sprintf("%s: %s for %s → %s", s.Name, describeLoad(cfg), describeEnd(cfg), out),
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
	m.Phases = append(m.Phases, down())
	pg.Wait() // the bars are drawn before the summary is printed
	rep := col.Report(m)
	if err := report.WriteFolder(out, rep); err != nil {
		return nil, fmt.Errorf("writing %s: %w", out, err)
	}
	if !o.quiet {
		if err := report.RenderText(stdout, rep); err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "\nresults: %s\n", out)
	}
	return rep, nil
}

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
		Tool:     report.Tool{Name: "wrtcbench", Version: version},
		Scenario: report.ScenarioInfo{Name: s.Name, Description: s.Description, File: s.File, Seed: s.Load.Seed, Shard: o.shard.String()},
		Target:   redactURL(tg.url),
		Contract: cfg.Contract.Source,
		Load: report.Load{Model: string(cfg.Model), MaxInFlight: cfg.MaxInFlight, Concurrency: cfg.Concurrency,
			WarmupS: cfg.Warmup.Seconds()},
		Summary: sum, Window: window,
		Credentials: curl.Credentials{Username: tg.username, Password: tg.password},
		Phases:      []report.Phase{setup},
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
		m.Rules = append(m.Rules, ruleOf(t))
	}
	return m
}

// ruleOf converts a parsed threshold into the report's rule.
func ruleOf(t scenarios.Threshold) report.Rule {
	u := report.Rule{Expr: t.Expr, Metric: t.Metric, Case: t.Labels["case"], Stat: t.Stat, Op: t.Op, Value: t.Value}
	if t.Metric == "checks" {
		u.Stat = t.Labels["check"] + "." + t.Stat
	}
	return u
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

// redactURL drops any user information from a URL before it is reported.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	u.User = nil
	return u.String()
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
