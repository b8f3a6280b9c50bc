package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/faults"
	"github.com/wrtcbench/wrtcbench/internal/fixtures"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// interruptedTeardown bounds the cleanup after a run that was interrupted;
// a run that ended by itself tears down within the fixtures client's own
// bounds.
const interruptedTeardown = 30 * time.Second

// fixtureSpec says what the scenario's fixtures are.
func fixtureSpec(s *scenarios.Scenario) fixtures.Spec {
	spec := fixtures.Spec{Name: s.Name, Sessions: s.Fixtures.Sessions, ParticipantsPerSession: s.Fixtures.ParticipantsPerSession,
		PublishersPerSession: s.Fixtures.PublishersPerSession, Seat: s.Seat()}
	for _, st := range s.Fixtures.Static {
		spec.Static = append(spec.Static, fixtures.Session{ID: st.Session, Participants: st.Participants, Publishers: st.Publishers})
	}
	return spec
}

// setUpFixtures sets up the scenario's fixtures through sr.client, showing
// the calls as they go. A setup that fails has deleted what it made; its
// result folder is written all the same (the setup phase says why) and the
// error is an exit 3.
func (sr *scenarioRun) setUpFixtures(ctx context.Context) error {
	s, tg := sr.s, sr.tg
	sr.fx = &fixtures.Client{HTTP: sr.client, BaseURL: tg.url, AccountID: tg.account, Username: tg.username, Password: tg.password,
		Origins: credentialOrigins(tg), Rate: fixtureRate(s), Concurrency: s.Fixtures.Concurrency, Seed: s.Load.Seed,
		OnProgress: func(p fixtures.Progress) {
			if st := sr.fxStep.Load(); st != nil {
				st.SetStatus(fixtureStatus(p, s.Fixtures.Rate.PerSecond))
			}
		}}
	step := sr.pg.Step(fmt.Sprintf("%s: set up fixtures against %s", s.Name, redactURL(tg.url)))
	sr.fxStep.Store(step)
	start := time.Now()
	set, err := sr.fx.Setup(ctx, fixtureSpec(s))
	step.Done(err)
	sr.setup = phase(report.PhaseSetup, start, sr.fx.Stats(), err) // a new client: all it sent was the setup
	if err == nil {
		sr.set = set
		return nil
	}
	if ctx.Err() != nil {
		return context.Canceled
	}
	err = fmt.Errorf("fixture setup failed: %w", err)
	if werr := sr.writeSetupFailure(start); werr != nil {
		err = errors.Join(err, werr)
	}
	return targetError(err)
}

// writeSetupFailure writes the result folder of a run whose setup failed:
// nothing was measured, and the setup phase says why.
func (sr *scenarioRun) writeSetupFailure(start time.Time) error {
	s, o := sr.s, sr.o
	cfg := runnerConfig(s, o, nil)
	col := report.NewCollector(s.MixCases(), o.k, cfg.Workers(), o.interval)
	rep := col.Report(reportMeta(s, o, cfg, sr.tg, runner.Summary{Start: start}, sr.setup))
	sr.failed = rep
	if err := report.WriteFolder(sr.out, rep); err != nil {
		return fmt.Errorf("writing %s: %w", sr.out, err)
	}
	if !o.quiet {
		fmt.Fprintf(sr.stdout, "%s\nresults: %s\n", rep.Verdict, sr.out)
	}
	return nil
}

// tearDown deletes the fixtures that setup created, when the scenario asks,
// once: right after the load, so that its phase is in the report, or on the
// way out when the run failed before that. The embedded server's faults are
// switched off first: teardown is not measured. After an interrupt (ctx
// done) it takes at most interruptedTeardown.
func (sr *scenarioRun) tearDown(ctx context.Context) report.Phase {
	s := sr.s
	if sr.tornDown || sr.set == nil || !s.Cleanup() || s.Fixtures.Mode == "static" {
		return report.Phase{Name: report.PhaseTeardown}
	}
	sr.tornDown = true
	if sr.tg.embedded != nil {
		_ = sr.tg.embedded.SetFaults(faults.Faults{}) // cannot fail: no faults
	}
	step := sr.pg.Step(s.Name + ": tear down fixtures")
	sr.fxStep.Store(step)
	tctx, cancel := context.WithCancel(context.Background())
	if ctx.Err() != nil {
		tctx, cancel = context.WithTimeout(context.Background(), interruptedTeardown)
	}
	defer cancel()
	start, before := time.Now(), sr.fx.Stats()
	err := sr.fx.Teardown(tctx, sr.set)
	step.Done(err)
	return phase(report.PhaseTeardown, start, sr.fx.Stats().Since(before), err)
}

// phase is the report's account of a setup or teardown.
func phase(name string, start time.Time, st fixtures.Stats, err error) report.Phase {
	ph := report.Phase{Name: name, DurationS: time.Since(start).Seconds(), Requests: st.Requests, Retries: st.Retries, Retried: st.Retried}
	if err != nil {
		ph.Error = err.Error()
	}
	return ph
}

// fixtureStatus is the progress line of a setup or teardown, e.g.
// "creating participants: 312/1025 calls, 4 retried, pace lowered to 40/s".
func fixtureStatus(p fixtures.Progress, rate float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d/%d calls", p.Doing, p.Done, p.Total)
	if p.Retries > 0 {
		fmt.Fprintf(&b, ", %d retried", p.Retries)
	}
	if p.Rate < rate {
		fmt.Fprintf(&b, ", pace lowered to %s/s after 429", strconv.FormatFloat(math.Round(p.Rate*10)/10, 'f', -1, 64))
	}
	return b.String()
}

// credentialOrigins says where the user name, the password and the account
// id of the run came from (scenarios.Origin: the scenario file, a flag, the
// environment or the embedded server's defaults), for the message of a 401
// or 403 during setup.
func credentialOrigins(tg *target) fixtures.Origins {
	return fixtures.Origins{Username: tg.origin.Username, Password: tg.origin.Password, AccountID: tg.origin.Account}
}

// fixtureRate is the pace of setup and teardown: fixtures.rate, kept under
// the target's rate cap (target.max_rate, or the production host's default).
func fixtureRate(s *scenarios.Scenario) float64 {
	r := s.Fixtures.Rate.PerSecond
	if limit, ok := s.Target.RateCap(); ok {
		r = min(r, limit)
	}
	return r
}
