package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/wrtcbench/wrtcbench/internal/curl"
	"github.com/wrtcbench/wrtcbench/internal/fixtures"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
	"github.com/wrtcbench/wrtcbench/internal/units"
)

// runPlan is `wrtcbench plan SCENARIO.yaml`: a dry run that prints the
// fixtures, the case mix, the rate schedule and one sample request per case
// as a curl command. It sends nothing; fixture ids are placeholders.
func runPlan(_ context.Context, args []string, stdout, stderr io.Writer) error {
	var o runOptions
	fs := newFlagSet("plan", stdout)
	o.planFlags(fs.FlagSet)
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
		Username: user, Password: pass, Aliases: s.Fixtures.Aliases, Mix: mix, Fixtures: set, InTurn: s.Load.PerCase > 0, Contract: o.k})
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
		fmt.Fprintf(stdout, "fixtures create: %s × %s (%s), aliases %v; seat %v, cleanup %v\n",
			count(s.Fixtures.Sessions, "session"), count(s.Fixtures.ParticipantsPerSession, "participant"),
			count(s.Fixtures.PublishersPerSession, "publisher"), s.Fixtures.Aliases, s.Seat(), s.Cleanup())
	}
	if n := fixtureSpec(s).Calls(); n > 0 {
		took := time.Duration(float64(n) / s.Fixtures.Rate.PerSecond * float64(time.Second))
		fmt.Fprintf(stdout, "setup    %d calls at %s, %d at a time: %s at least\n", n, s.Fixtures.Rate, s.Fixtures.Concurrency, took.Round(100*time.Millisecond))
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "load     %s, until %s; warm-up %s", describeLoad(cfg), describeEnd(cfg), fmtSpan(cfg.Warmup))
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
		if m.Case.Generated() && !m.Explicit {
			fmt.Fprintf(stdout, "%s: generated from %s; each request expects its own statuses (one of %s)\n", m.Name(), o.k.Source, m.Expect)
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

// printSchedule prints the schedule of an open model below its load line:
// each stage from boundary to boundary with the rate at both ends (a linear
// ramp between them), cut where the run ends; then how many requests it
// asks for in all.
func printSchedule(w io.Writer, cfg runner.Config) {
	const indent = "         "
	rate := func(r float64) string {
		if r == math.Trunc(r) {
			return units.FormatCount(int64(r)) + "/s"
		}
		return units.FormatPerSecond(r)
	}
	end := cfg.Duration
	switch p := cfg.Pacer.(type) {
	case runner.Stages:
		if end <= 0 || end > p.Duration() {
			end = p.Duration()
		}
		var rows [][2]string
		var from time.Duration
		prev := 0.0
		for _, st := range p {
			if from >= end {
				break
			}
			to := min(from+st.Duration, end)
			at := p.Rate(to - 1) // the rate just before the boundary: the stage's own, also where the run cuts it
			if to == from+st.Duration {
				at = st.Rate
			}
			span := fmtSpan(from) + " → " + fmtSpan(to)
			switch {
			case at == prev:
				rows = append(rows, [2]string{span, rate(at)})
			case at > prev:
				rows = append(rows, [2]string{span, rate(prev) + " rising to " + rate(at)})
			default:
				rows = append(rows, [2]string{span, rate(prev) + " falling to " + rate(at)})
			}
			from, prev = to, st.Rate
		}
		width := 0
		for _, r := range rows {
			width = max(width, utf8.RuneCountInString(r[0]))
		}
		for _, r := range rows {
			fmt.Fprintf(w, "%s%s%s  %s\n", indent, r[0], strings.Repeat(" ", width-utf8.RuneCountInString(r[0])), r[1])
		}
		if cfg.Duration > 0 && cfg.Duration < p.Duration() {
			fmt.Fprintf(w, "%sthe run ends at %s, before the stages do\n", indent, fmtSpan(cfg.Duration))
		}
	}
	if cfg.Requests > 0 {
		fmt.Fprintf(w, "%s%s requests in all, or fewer if the schedule ends first\n", indent, units.FormatCount(int64(cfg.Requests)))
		return
	}
	if end > 0 {
		total := meanRate(cfg.Pacer, 0, end) * end.Seconds()
		fmt.Fprintf(w, "%sabout %s requests in all\n", indent, units.FormatCount(int64(math.Round(total))))
	}
}

// fmtSpan formats a point of the schedule: "0s", "10s", "1m30s", "2.5s".
func fmtSpan(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	return strings.Replace(d.String(), "m0s", "m", 1)
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
