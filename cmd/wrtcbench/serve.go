package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/faults"
	"github.com/wrtcbench/wrtcbench/internal/refserver"
	"github.com/wrtcbench/wrtcbench/internal/units"
)

// defaultServeAddr keeps `wrtcbench serve` on loopback unless told otherwise.
const defaultServeAddr = "127.0.0.1:8080"

// serveOptions is everything `wrtcbench serve` is told by its flags.
type serveOptions struct {
	addr, account, username, password string
	seed                              int64
	tls                               bool
	caOut                             string
	maxSeats                          int
	faultsFile                        string
	urlFile                           string
	faults                            faults.Faults
	statsOut                          string
}

// runServe is `wrtcbench serve`: the reference API on a socket until ctx is
// cancelled, then a graceful shutdown and nil.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opts, err := parseServeFlags(args, stderr)
	if err != nil {
		return err
	}
	cfg, err := opts.config()
	if err != nil {
		return err
	}
	run, err := refserver.Start(ctx, cfg, opts.addr, opts.tls)
	if err != nil {
		return targetError(err)
	}
	if opts.caOut != "" {
		if err := run.WriteCA(opts.caOut); err != nil {
			return errors.Join(err, run.Close())
		}
		fmt.Fprintf(stderr, "wrtcbench serve: CA certificate written to %s (use it as target.tls.ca_file)\n", opts.caOut)
	} else if opts.tls {
		fmt.Fprintln(stderr, "wrtcbench serve: the certificate is self-signed; pass --ca-out FILE to let clients trust it")
	}
	fmt.Fprintf(stdout, "wrtcbench serve: listening on %s (account %s, user %s)\n", run.URL, opts.account, opts.username)
	if opts.urlFile != "" {
		// Written whole, then renamed: a script waiting for the file never reads half a URL.
		tmp := opts.urlFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(run.URL+"\n"), 0o644); err != nil {
			return errors.Join(err, run.Close())
		}
		if err := os.Rename(tmp, opts.urlFile); err != nil {
			return errors.Join(err, run.Close())
		}
	}
	select {
	case <-ctx.Done():
	case <-run.Done():
	}
	if err := run.Close(); err != nil {
		return fmt.Errorf("serving: %w", err)
	}
	if opts.statsOut != "" {
		return writeServeStats(opts.statsOut, run.Server.Stats())
	}
	return nil
}

// serveStats is the file `serve --stats-out` writes when it stops: what the
// server answered, counted on its side, to hold a run's report against.
type serveStats struct {
	Requests       uint64                         `json:"requests"`
	Status         map[int]uint64                 `json:"status"`
	AddParticipant map[int]uint64                 `json:"add_participant"` // Add Participant to Session answers, setup's seating included
	Faults         map[refserver.FaultKind]uint64 `json:"faults"`
}

// writeServeStats writes st to path as JSON.
func writeServeStats(path string, st refserver.Stats) error {
	data, err := json.MarshalIndent(serveStats{Requests: st.Requests, Status: st.Status,
		AddParticipant: st.AddParticipant, Faults: st.Faults}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// parseServeFlags reads the command line. Bad flags are usage errors; -h is
// flag.ErrHelp.
func parseServeFlags(args []string, stderr io.Writer) (serveOptions, error) {
	o := serveOptions{}
	var flt faultFlags
	fs := flag.NewFlagSet("wrtcbench serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wrtcbench serve [flags]")
		fmt.Fprintln(stderr, "Runs the reference WebRTC participants API until interrupted.")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.addr, "addr", defaultServeAddr, "listen `address` (port 0: any free port)")
	fs.StringVar(&o.account, "account", "", "account `id` the server serves (default $WRTC_ACCOUNT_ID, else "+refserver.DefaultAccount+")")
	fs.StringVar(&o.username, "username", "", "Basic-auth user `name` (default $WRTC_USERNAME, else "+refserver.DefaultUsername+")")
	fs.StringVar(&o.password, "password", "", "Basic-auth `password` (default $WRTC_PASSWORD, else the built-in default)")
	fs.Int64Var(&o.seed, "seed", 0, "`seed` of every random fault")
	fs.BoolVar(&o.tls, "tls", false, "serve HTTPS and HTTP/2 with a fresh self-signed certificate")
	fs.StringVar(&o.caOut, "ca-out", "", "with --tls, write the certificate to `FILE` for clients to trust")
	fs.IntVar(&o.maxSeats, "max-participants", refserver.DefaultMaxParticipantsPerSession, "participants per session `limit`")
	fs.StringVar(&o.faultsFile, "faults", "", "read faults from a YAML `FILE` (instead of the fault flags)")
	fs.StringVar(&o.urlFile, "url-file", "", "once listening, write the base URL (ending in /v1) to `FILE`, for scripts that start the server on port 0")
	fs.StringVar(&o.statsOut, "stats-out", "", "when stopped, write the server's own counts (requests, statuses) to `FILE` as JSON")
	flt.register(fs, &o.faults)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, usageError(err)
	}
	if fs.NArg() > 0 {
		return o, usagef("unexpected argument %q: serve takes flags only", fs.Arg(0))
	}
	if o.caOut != "" && !o.tls {
		return o, usagef("--ca-out needs --tls")
	}
	if o.faultsFile != "" {
		if flt.used {
			return o, usagef("--faults FILE and the fault flags exclude each other")
		}
		var err error
		if o.faults, err = faults.Load(o.faultsFile); err != nil {
			return o, usageError(err) // each line names file:line:column
		}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if given["account"] && o.account == "" {
		return o, usagef("--account: empty; give the account id the server serves")
	}
	o.account = firstSet(o.account, os.Getenv("WRTC_ACCOUNT_ID"), refserver.DefaultAccount)
	o.username = firstSet(o.username, os.Getenv("WRTC_USERNAME"), refserver.DefaultUsername)
	o.password = firstSet(o.password, os.Getenv("WRTC_PASSWORD"), refserver.DefaultPassword)
	return o, nil
}

// config turns the options into a validated server configuration.
func (o serveOptions) config() (refserver.Config, error) {
	cfg := refserver.Config{
		Accounts:                  []refserver.Account{{ID: o.account, Username: o.username, Password: o.password}},
		MaxParticipantsPerSession: o.maxSeats,
		Faults:                    o.faults,
		Seed:                      o.seed,
	}
	if o.maxSeats <= 0 {
		return cfg, usagef("--max-participants %d: must be at least 1", o.maxSeats)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usageError(err)
	}
	return cfg, nil
}

// firstSet returns the first non-empty string.
func firstSet(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// faultFlags registers the fault flags and remembers whether any was given.
type faultFlags struct{ used bool }

func (ff *faultFlags) register(fs *flag.FlagSet, f *faults.Faults) {
	add := func(name, usage string, set func(string) error) {
		fs.Func(name, usage, func(s string) error {
			ff.used = true
			return set(s)
		})
	}
	add("latency", "base delay `SPEC`: fixed:2ms | uniform:1ms-5ms | lognormal:MEDIAN,SIGMA[,MAX]", func(s string) error {
		return parseLatency(s, &f.Latency)
	})
	add("tail", "tail delay added to a fraction of requests: `FRACTION:DURATION`, e.g. 0.01:200ms", func(s string) error {
		p, d, err := probAndDuration(s)
		f.Latency.Tail = faults.Tail{Fraction: p, Latency: d}
		return err
	})
	add("error", "answer STATUS with probability P: `STATUS:P` (repeatable, or comma-separated)", func(s string) error {
		return parseErrors(s, f)
	})
	add("rate-limit", "answer 429 above `RATE[,BURST]`, e.g. 1000/s or 1000/s,50", func(s string) error {
		return parseRateLimit(s, &f.RateLimit)
	})
	add("stall", "pause all handling for FOR every EVERY: `FOR/EVERY`, e.g. 1s/5s", func(s string) error {
		forS, everyS, ok := strings.Cut(s, "/")
		if !ok {
			return errors.New("want FOR/EVERY, e.g. 1s/5s")
		}
		var err error
		f.Stall.For, err = units.ParseDuration(forS)
		if err == nil {
			f.Stall.Every, err = units.ParseDuration(everyS)
		}
		return err
	})
	add("reset", "`probability` of resetting the connection (TCP RST) instead of answering", func(s string) (err error) {
		f.Reset, err = parseProb(s)
		return err
	})
	add("close", "`probability` of closing the connection without an answer", func(s string) (err error) {
		f.Close, err = parseProb(s)
		return err
	})
	add("slow-body", "write the body slowly: `PROBABILITY:DELAY`, e.g. 0.01:500ms", func(s string) error {
		p, d, err := probAndDuration(s)
		f.SlowBody = faults.SlowBody{Probability: p, Delay: d}
		return err
	})
	add("wrong-status", "`probability` of answering 200 with a body instead of 204", func(s string) (err error) {
		f.Bad.WrongStatus, err = parseProb(s)
		return err
	})
	add("bad-error-body", "`probability` of sending an error body as non-JSON text/plain", func(s string) (err error) {
		f.Bad.BadErrorBody, err = parseProb(s)
		return err
	})
	add("fault-routes", "which `routes` the faults hit: add_participant (default) or all", func(s string) error {
		f.Routes = faults.Routes(s)
		return nil
	})
}

// parseLatency parses fixed:D, uniform:MIN-MAX or lognormal:MEDIAN,SIGMA[,MAX]
// into the base part of l, keeping its tail.
func parseLatency(s string, l *faults.Latency) error {
	kind, arg, ok := strings.Cut(s, ":")
	if !ok {
		return errors.New("want fixed:2ms, uniform:1ms-5ms or lognormal:2ms,0.5")
	}
	tail := l.Tail
	*l = faults.Latency{Tail: tail}
	switch kind {
	case "fixed":
		d, err := units.ParseDuration(arg)
		l.Fixed = d
		return err
	case "uniform":
		lo, hi, ok := strings.Cut(arg, "-")
		if !ok {
			return errors.New("want uniform:MIN-MAX, e.g. uniform:1ms-5ms")
		}
		var err error
		if l.Uniform.Min, err = units.ParseDuration(lo); err != nil {
			return err
		}
		l.Uniform.Max, err = units.ParseDuration(hi)
		return err
	case "lognormal":
		parts := strings.Split(arg, ",")
		if len(parts) < 2 || len(parts) > 3 {
			return errors.New("want lognormal:MEDIAN,SIGMA[,MAX], e.g. lognormal:2ms,0.5")
		}
		var err error
		if l.LogNormal.Median, err = units.ParseDuration(parts[0]); err != nil {
			return err
		}
		if l.LogNormal.Sigma, err = strconv.ParseFloat(parts[1], 64); err != nil {
			return fmt.Errorf("sigma %q: not a number", parts[1])
		}
		if len(parts) == 3 {
			l.LogNormal.Max, err = units.ParseDuration(parts[2])
		}
		return err
	default:
		return fmt.Errorf("latency kind %q: want fixed, uniform or lognormal", kind)
	}
}

// parseErrors adds STATUS:P pairs, comma-separated, to f.Errors.
func parseErrors(s string, f *faults.Faults) error {
	for _, pair := range strings.Split(s, ",") {
		code, prob, ok := strings.Cut(pair, ":")
		if !ok {
			return fmt.Errorf("%q: want STATUS:PROBABILITY, e.g. 503:0.02", pair)
		}
		c, err := strconv.Atoi(code)
		if err != nil {
			return fmt.Errorf("status %q: not a number", code)
		}
		p, err := parseProb(prob)
		if err != nil {
			return err
		}
		if f.Errors == nil {
			f.Errors = map[int]float64{}
		}
		f.Errors[c] = p
	}
	return nil
}

// parseRateLimit parses RATE[,BURST].
func parseRateLimit(s string, rl *faults.RateLimit) error {
	rateS, burstS, hasBurst := strings.Cut(s, ",")
	r, err := units.ParseRate(rateS)
	if err != nil {
		return err
	}
	rl.Rate, rl.Burst = r, 0
	if hasBurst {
		if rl.Burst, err = strconv.Atoi(burstS); err != nil {
			return fmt.Errorf("burst %q: not a whole number", burstS)
		}
	}
	return nil
}

// probAndDuration parses P:DURATION.
func probAndDuration(s string) (float64, time.Duration, error) {
	ps, ds, ok := strings.Cut(s, ":")
	if !ok {
		return 0, 0, errors.New("want PROBABILITY:DURATION, e.g. 0.01:200ms")
	}
	p, err := parseProb(ps)
	if err != nil {
		return 0, 0, err
	}
	d, err := units.ParseDuration(ds)
	return p, d, err
}

func parseProb(s string) (float64, error) {
	p, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(p >= 0 && p <= 1) {
		return 0, fmt.Errorf("probability %q: want a number within 0..1", s)
	}
	return p, nil
}
