package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/curl"
	"github.com/wrtcbench/wrtcbench/internal/fixtures"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// runPlan is `wrtcbench plan SCENARIO.yaml`: a dry run that prints the
// fixtures, the case mix, the rate schedule and one sample request per case
// as a curl command. It sends nothing; fixture ids are placeholders.
func runPlan(_ context.Context, args []string, stdout, stderr io.Writer) error {
	var o runOptions
	fs := newFlagSet("plan", stderr)
	o.flags(fs)
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return usageError(err)
	}
	if len(files) != 1 {
		return usagef("plan takes one scenario file; usage: wrtcbench plan SCENARIO.yaml")
	}
	if err := o.loadContract(); err != nil {
		return err
	}
	s, err := scenarios.Load(files[0])
	if err == nil {
		err = o.apply(s)
	}
	if err != nil {
		return usageError(err)
	}
	set := placeholderFixtures(s)
	base, account, user, pass := s.Target.URL, s.Target.AccountID, s.Target.Username, s.Target.Password
	if s.Target.IsEmbedded() {
		base = "http://127.0.0.1:PORT/v1"
	}
	mix := o.mix(s)
	var total float64
	for _, m := range mix {
		total += m.Weight
	}
	plan, err := scenarios.NewPlan(scenarios.PlanConfig{Seed: s.Load.Seed, BaseURL: base, AccountID: account,
		Username: user, Password: pass, Aliases: s.Fixtures.Aliases, Mix: mix, Fixtures: set, InTurn: s.Load.PerCase > 0})
	if err != nil {
		return usageError(err)
	}
	cfg := runnerConfig(s, &o, plan)

	fmt.Fprintf(stdout, "scenario %s (%s), seed %d\n", s.Name, s.File, s.Load.Seed)
	fmt.Fprintf(stdout, "target   %s, account %s (from %s)\n", s.Target.URL, account, s.Target.Origin.Account)
	if !s.Target.IsEmbedded() {
		fmt.Fprintf(stdout, "         user %q (from %s), password from %s\n", user, s.Target.Origin.Username, s.Target.Origin.Password)
	}
	fmt.Fprintln(stdout)
	if len(s.Fixtures.Static) > 0 {
		fmt.Fprintf(stdout, "fixtures static: %d sessions given; seat %v\n", len(set.Sessions), s.Seat())
	} else {
		fmt.Fprintf(stdout, "fixtures create: %d sessions × %d participants (%d publishers), aliases %v; seat %v, cleanup %v\n",
			s.Fixtures.Sessions, s.Fixtures.ParticipantsPerSession, s.Fixtures.PublishersPerSession, s.Fixtures.Aliases, s.Seat(), s.Cleanup())
	}
	if n := fixtureSpec(s).Calls(); n > 0 {
		took := time.Duration(float64(n) / s.Fixtures.Rate.PerSecond * float64(time.Second))
		fmt.Fprintf(stdout, "setup    %d calls at %s, %d at a time: %s at least\n", n, s.Fixtures.Rate, s.Fixtures.Concurrency, took.Round(100*time.Millisecond))
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "load     %s, until %s; warm-up %s", describeLoad(cfg), describeEnd(cfg), cfg.Warmup)
	if cfg.Slack > 0 {
		fmt.Fprintf(stdout, "; slack %s (a request due that soon after another goes out with it)", cfg.Slack)
	}
	fmt.Fprintln(stdout)
	if cfg.Model == runner.Open {
		printSchedule(stdout, cfg)
	}
	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "case\tweight\tshare\texpect\tsource\twhat")
	for _, m := range mix {
		fmt.Fprintf(tw, "%s\t%g\t%.1f%%\t%s\t%s\t%s\n", m.Name(), m.Weight, 100*m.Weight/total, m.Expect, m.Case.Source, m.Case.Summary)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, m := range mix {
		if m.Relaxed != "" {
			fmt.Fprintf(stdout, "%s: %s\n", m.Name(), m.Relaxed)
		}
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "one request per case (fixture ids are placeholders until setup):")
	cred := curl.Credentials{Username: user, Password: pass}
	for i, req := range plan.Sample() {
		fmt.Fprintf(stdout, "# %s\n%s\n", mix[i].Name(), curl.Command(req, cred))
	}
	return nil
}

// printSchedule prints the target rate at a few points of the run.
func printSchedule(w io.Writer, cfg runner.Config) {
	end := cfg.Duration
	if st, ok := cfg.Pacer.(runner.Stages); ok && end == 0 {
		end = st.Duration()
	}
	if end <= 0 {
		fmt.Fprintf(w, "         rate %.4g/s\n", cfg.Pacer.Rate(0))
		return
	}
	const points = 5
	var total float64
	for i := 0; i <= points; i++ {
		at := end * time.Duration(i) / points
		fmt.Fprintf(w, "         at %-8s %.4g/s\n", at, cfg.Pacer.Rate(min(at, end-1)))
	}
	total = meanRate(cfg.Pacer, 0, end) * end.Seconds()
	fmt.Fprintf(w, "         about %d requests in all\n", int64(math.Round(total)))
}

// placeholderFixtures builds fixture ids for a dry run: the static ones, or
// readable placeholders in create mode.
func placeholderFixtures(s *scenarios.Scenario) *fixtures.Set {
	set := &fixtures.Set{}
	for _, st := range s.Fixtures.Static {
		set.Sessions = append(set.Sessions, fixtures.Session{ID: st.Session, Participants: st.Participants, Publishers: st.Publishers})
	}
	if len(set.Sessions) > 0 {
		return set
	}
	for i := range s.Fixtures.Sessions {
		ss := fixtures.Session{ID: fmt.Sprintf("SESSION-%d", i+1)}
		for p := range s.Fixtures.ParticipantsPerSession {
			ss.Participants = append(ss.Participants, fmt.Sprintf("PARTICIPANT-%d-%d", i+1, p+1))
		}
		ss.Publishers = ss.Participants[:s.Fixtures.PublishersPerSession]
		set.Sessions = append(set.Sessions, ss)
	}
	return set
}
