package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/metrics"
	"github.com/wrtcbench/wrtcbench/internal/progress"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// runOptions are the flags of `wrtcbench run`.
type runOptions struct {
	target     string
	account    string
	out        string
	rate       optRate
	duration   optDuration
	requests   optUint
	seed       optUint
	shard      shard
	interval   time.Duration
	noProgress bool
	quiet      bool
	force      bool
	contract   string
	// k is the contract responses are judged by: the project's, or --contract's.
	k *contract.Contract

	startAt       optTime
	metricsAddr   string
	metricsLinger time.Duration
	// hashes holds each scenario file's hash ("sha256:…"), by path.
	hashes map[string]string
	// metrics serves the live metrics with --metrics-addr; nil without.
	metrics *metrics.Server
}

// flags registers the run flags on fs.
func (o *runOptions) flags(fs *flag.FlagSet) {
	fs.StringVar(&o.target, "target", "", "base URL of the API, ending in /v1, or \"embedded\" (overrides target.url)")
	fs.StringVar(&o.account, "account", "", "account id in every request path (overrides target.account_id; default $WRTC_ACCOUNT_ID for a target that is not embedded)")
	fs.StringVar(&o.out, "out", "", "result folder (default results/<name>-<UTC time>)")
	fs.Var(&o.rate, "rate", "arrival rate, e.g. 100/s or 0.5/s (overrides load.rate and load.stages)")
	fs.Var(&o.duration, "duration", "how long the load lasts, e.g. 30s (overrides load.duration)")
	fs.Var(&o.requests, "requests", "stop after N requests (overrides load.duration)")
	fs.Var(&o.seed, "seed", "seed of the request plan (overrides load.seed)")
	fs.Var(&o.shard, "shard", "run shard i of N (0-based) of a distributed run, e.g. 0/4")
	fs.DurationVar(&o.interval, "interval", report.DefaultInterval, "length of one time slice of the report")
	fs.BoolVar(&o.noProgress, "no-progress", false, "no live progress bars; a plain line every 10s instead")
	fs.BoolVar(&o.quiet, "quiet", false, "print nothing but errors")
	fs.BoolVar(&o.force, "force", false, "write into an --out folder that already holds files (a baseline, say), replacing them")
	fs.StringVar(&o.contract, "contract", "", "judge responses against this OpenAPI document instead of the project's")
	fs.Var(&o.startAt, "start-at", "set up, then start the schedule at this instant (RFC 3339, e.g. 2026-11-28T10:00:00Z), so that shards start together")
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "serve Prometheus metrics of the run at http://ADDR/metrics, e.g. 127.0.0.1:9464")
	fs.DurationVar(&o.metricsLinger, "metrics-linger", 0, "after the report is written, keep serving metrics until one scrape has read the final figures, at most this long")
}

// runRun is `wrtcbench run SCENARIO.yaml... [flags]`: every scenario file,
// in order, as one suite. Every file is loaded and checked before anything
// is sent.
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o runOptions
	fs := newFlagSet("run", stderr)
	o.flags(fs)
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return usageError(err)
	}
	if len(files) == 0 {
		return usagef("no scenario file given; usage: wrtcbench run SCENARIO.yaml... [flags]")
	}
	if o.interval <= 0 {
		return usagef("--interval must be > 0")
	}
	if err := o.loadContract(); err != nil {
		return err
	}
	var list []*scenarios.Scenario
	var errs []error
	o.hashes = map[string]string{}
	for _, f := range files {
		s, err := o.load(f)
		if err == nil {
			err = o.apply(s)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		list = append(list, s)
	}
	if len(errs) > 0 {
		return usageError(errors.Join(errs...))
	}
	if err := o.checkOut(list); err != nil {
		return err
	}
	if err := o.checkStartAt(len(list), time.Now()); err != nil {
		return err
	}
	if o.metricsAddr != "" {
		srv, err := metrics.Listen(o.metricsAddr)
		if err != nil {
			return usagef("--metrics-addr: %v", err)
		}
		defer srv.Close()
		o.metrics = srv
		if !o.quiet {
			fmt.Fprintf(stderr, "wrtcbench run: metrics at %s\n", srv.URL)
		}
	}
	mode := progressMode(stdout, stderr, &o)
	var worst error
	var reps []*report.Report
	for _, s := range list {
		out := o.out
		if out != "" && len(list) > 1 {
			out = filepath.Join(out, s.Name)
		}
		pg := progress.New(stderr, mode)
		err := runScenario(ctx, s, &o, out, stdout, pg, func(r *report.Report) { reps = append(reps, r) })
		pg.Close()
		switch {
		case err == nil, errors.Is(err, errChecksFailed), errors.Is(err, errBehindSchedule):
		case errors.Is(err, context.Canceled):
			fmt.Fprintf(stderr, "wrtcbench run: %s: interrupted; the report covers what ran\n", s.Name)
			err = reported(err)
		default:
			fmt.Fprintf(stderr, "wrtcbench run: %s: %v\n", s.Name, err)
			err = reported(err)
		}
		worst = worse(worst, err)
		if ctx.Err() != nil {
			break
		}
	}
	if len(list) > 1 && o.out != "" && len(reps) > 0 {
		// A suite also gets one junit.xml with a testsuite per scenario.
		if err := writeSuiteJUnit(filepath.Join(o.out, "junit.xml"), reps); err != nil {
			worst = worse(worst, err)
		}
	}
	return worst
}

// load reads and parses one scenario file, and keeps the hash of its bytes
// for report.json (scenario.hash): merge tells shards of one scenario by it.
func (o *runOptions) load(path string) (*scenarios.Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := scenarios.Parse(path, data, os.LookupEnv)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	o.hashes[path] = "sha256:" + hex.EncodeToString(sum[:])
	return s, nil
}

// checkOut refuses, before anything is sent, an --out folder that already
// holds files, unless --force: a result folder kept as a baseline must not be
// overwritten by a mistyped command.
func (o *runOptions) checkOut(list []*scenarios.Scenario) error {
	if o.out == "" || o.force {
		return nil
	}
	dirs := []string{o.out}
	if len(list) > 1 {
		dirs = dirs[:0]
		for _, s := range list {
			dirs = append(dirs, filepath.Join(o.out, s.Name))
		}
	}
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			if fi, serr := os.Stat(d); serr == nil && !fi.IsDir() {
				return usagef("--out %s is a file, not a folder", d)
			}
			return usageError(err)
		case len(entries) > 0:
			what := "holds files"
			if _, err := os.Stat(filepath.Join(d, "report.json")); err == nil {
				what = "holds the result of an earlier run"
			}
			return usagef("--out %s %s; choose another folder, or add --force to replace it", d, what)
		}
	}
	return nil
}

// writeSuiteJUnit writes the JUnit file of a whole suite.
func writeSuiteJUnit(path string, reps []*report.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := report.RenderJUnitSuites(f, reps); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// progressMode picks live bars only when both output streams are terminals,
// plain lines otherwise (CI logs), nothing with --quiet.
func progressMode(stdout, stderr io.Writer, o *runOptions) progress.Mode {
	file := func(w io.Writer) *os.File {
		f, _ := w.(*os.File)
		return f
	}
	m := progress.ModeFor(file(stdout), o.noProgress, o.quiet)
	if m == progress.Bars && progress.ModeFor(file(stderr), false, false) != progress.Bars {
		m = progress.Lines
	}
	return m
}

// loadContract reads --contract, or takes the project's contract.
func (o *runOptions) loadContract() error {
	if o.contract == "" {
		o.k = contract.Default()
		return nil
	}
	k, err := contract.Load(o.contract)
	if err != nil {
		return usagef("--contract: %v", err)
	}
	o.k = k
	return nil
}

// mix returns the scenario's mix as this run judges it: with --contract, each
// case whose expectation that document does not support is relaxed to its
// documented statuses (contract.Contract.Adapt).
func (o *runOptions) mix(s *scenarios.Scenario) []contract.MixCase {
	mix := s.MixCases()
	if o.contract != "" {
		for i := range mix {
			mix[i] = o.k.Adapt(mix[i])
		}
	}
	return mix
}

// apply puts the command-line overrides on s and checks the result again.
//
// The identity of a target that is not embedded comes, for each part, from
// the first of: the flag (--account), the scenario file, the environment
// ($WRTC_ACCOUNT_ID, $WRTC_USERNAME, $WRTC_PASSWORD). The embedded reference
// API's defaults never reach a real target: a scenario written for embedded
// and aimed elsewhere with --target must be told the account to use.
func (o *runOptions) apply(s *scenarios.Scenario) error {
	t := &s.Target
	if o.target != "" {
		t.URL = o.target
		if t.Origin.Account == scenarios.EmbeddedDefault && !t.IsEmbedded() {
			t.AccountID, t.Origin.Account = "", ""
		}
	}
	if o.account != "" {
		t.AccountID, t.Origin.Account = o.account, "--account"
	}
	if !t.IsEmbedded() {
		t.FillFromEnv(os.LookupEnv)
	}
	if o.rate.set {
		s.Load.Rate, s.Load.Stages = o.rate.rate, nil
		if s.Load.Model == "closed" {
			return fmt.Errorf("%s: --rate: the scenario uses the closed model, which has no rate", s.File)
		}
	}
	if o.duration.set {
		s.Load.Duration, s.Load.Requests = o.duration.d, 0
	}
	if o.requests.set {
		s.Load.Requests, s.Load.Duration = int64(o.requests.n), 0
	}
	if o.seed.set {
		s.Load.Seed, s.Load.SeedSet = o.seed.n, true
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("after command-line overrides: %w", err)
	}
	return nil
}

// severity orders exit codes for a suite: the worst one wins. A failed fact
// (exit 1) outranks another scenario's invalid timing (exit 4), so that no
// failed check hides behind a noisy machine.
var severity = map[int]int{exitOK: 0, exitInvalid: 1, exitFailed: 2, exitTarget: 3, exitUsage: 4, exitInterrupted: 5}

// worse returns whichever of a and b maps to the more severe exit code.
func worse(a, b error) error {
	if severity[exitCode(b)] > severity[exitCode(a)] {
		return b
	}
	return a
}
