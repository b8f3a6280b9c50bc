package refserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"gopkg.in/yaml.v3"
)

// Routes says which operations the per-request faults apply to. Stalls always
// apply to every route: they pause the whole server.
type Routes string

const (
	// RoutesAddParticipant (also the zero value) injects faults into Add
	// Participant to Session only, so fixture setup and teardown stay clean.
	RoutesAddParticipant Routes = "add_participant"
	// RoutesAll injects faults into every route the server knows.
	RoutesAll Routes = "all"
)

// Faults is what the server does wrong on purpose. The zero value injects
// nothing. Every random choice is drawn from a source seeded with Config.Seed
// and the arrival number of the request, so the same seed and the same request
// order give the same faults. A scenario's `target.embedded:` block decodes
// straight into it; see DecodeFaultsYAML for the YAML shape.
//
// The stages run in this order for a request on a faulted route: stall wait,
// rate limit, latency, connection fault (reset or close), error status, the
// real handler, bad-mode rewrite, slow body.
type Faults struct {
	// Routes selects the operations the faults below apply to.
	Routes Routes `yaml:"routes"`
	// Latency delays a request before it is handled.
	Latency Latency `yaml:"latency"`
	// Errors answers a status instead of handling the request, with the
	// given probability per status (400..599). The probabilities add up to at
	// most 1. A 503 or 429 carries Retry-After: 1.
	Errors map[int]float64 `yaml:"errors"`
	// RateLimit answers 429 with Retry-After above a rate.
	RateLimit RateLimit `yaml:"rate_limit"`
	// Stall pauses all handling periodically.
	Stall Stall `yaml:"stall"`
	// Reset is the probability of aborting the connection with a TCP RST
	// (SO_LINGER 0) instead of answering. Over HTTP/2 the stream is reset.
	Reset float64 `yaml:"reset"`
	// Close is the probability of closing the connection without an answer.
	// Reset and Close add up to at most 1.
	Close float64 `yaml:"close"`
	// SlowBody delays the middle of the response body.
	SlowBody SlowBody `yaml:"slow_body"`
	// Bad makes the server break the documented contract, for testing a
	// conformance checker.
	Bad Bad `yaml:"bad"`
}

// Latency delays requests. At most one base distribution (Fixed, Uniform,
// LogNormal) may be set; Tail adds on top of it.
type Latency struct {
	// Fixed delays every request by this much.
	Fixed Duration `yaml:"fixed"`
	// Uniform draws the delay uniformly from [Min, Max].
	Uniform Uniform `yaml:"uniform"`
	// LogNormal draws the delay as Median·exp(Sigma·N(0,1)), capped at Max if set.
	LogNormal LogNormal `yaml:"lognormal"`
	// Tail adds Latency to a Fraction of the requests, on top of the base delay.
	Tail Tail `yaml:"tail"`
}

// Uniform is a delay drawn uniformly from [Min, Max]. Max zero: off.
type Uniform struct {
	Min Duration `yaml:"min"`
	Max Duration `yaml:"max"`
}

// LogNormal is a delay Median·exp(Sigma·Z), Z standard normal. Median zero: off.
// Max, when not zero, caps the draw.
type LogNormal struct {
	Median Duration `yaml:"median"`
	Sigma  float64  `yaml:"sigma"`
	Max    Duration `yaml:"max"`
}

// Tail adds Latency to a Fraction (0..1) of the requests. Fraction zero: off.
type Tail struct {
	Fraction float64  `yaml:"fraction"`
	Latency  Duration `yaml:"latency"`
}

// RateLimit answers 429 to requests above Rate, with a token bucket of Burst
// requests (0: a tenth of a second's worth, at least 1). Rate zero: off.
// Retry-After is the whole number of seconds until a token frees up, at least 1.
type RateLimit struct {
	Rate  Rate `yaml:"rate"`
	Burst int  `yaml:"burst"`
}

// burst returns the effective bucket size.
func (r RateLimit) burst() int {
	if r.Burst > 0 {
		return r.Burst
	}
	return max(1, int(r.Rate.PerSecond()/10))
}

// Stall pauses all handling for For at the end of every period Every,
// measured from server start: the server handles requests during
// [k·Every, k·Every+Every-For) and holds every request that arrives in
// [k·Every+Every-For, (k+1)·Every) until the stall ends. Every zero: off.
type Stall struct {
	Every Duration `yaml:"every"`
	For   Duration `yaml:"for"`
}

// SlowBody writes the status, headers and first half of the body, flushes,
// waits Delay, then writes the rest, for a Probability (0..1) of the
// responses. A bodiless response (204) is held for Delay after its headers
// are flushed, which a keep-alive client sees on its next request.
type SlowBody struct {
	Probability float64  `yaml:"probability"`
	Delay       Duration `yaml:"delay"`
}

// Bad breaks the documented contract on purpose, each with a probability (0..1).
type Bad struct {
	// WrongStatus answers 200 with a small JSON body instead of 204.
	WrongStatus float64 `yaml:"wrong_status"`
	// BadErrorBody sends an error (4xx/5xx) body as text/plain that is not JSON.
	BadErrorBody float64 `yaml:"bad_error_body"`
}

// Enabled reports whether f injects anything at all.
func (f Faults) Enabled() bool {
	return f.Latency.enabled() || len(f.Errors) > 0 || f.RateLimit.Rate > 0 || f.Stall.Every > 0 ||
		f.Reset > 0 || f.Close > 0 || f.SlowBody.Probability > 0 ||
		f.Bad.WrongStatus > 0 || f.Bad.BadErrorBody > 0
}

func (l Latency) enabled() bool {
	return l.Fixed > 0 || l.Uniform.Max > 0 || l.LogNormal.Median > 0 || l.Tail.Fraction > 0
}

// errorStatuses returns the statuses of f.Errors in ascending order, so the
// draw that picks one is the same on every run.
func (f Faults) errorStatuses() []int {
	codes := make([]int, 0, len(f.Errors))
	for c := range f.Errors {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// Validate reports every bad value in f, joined, or nil.
func (f Faults) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	prob := func(name string, p float64) {
		if !(p >= 0 && p <= 1) {
			bad("%s %v: a probability must be within 0..1", name, p)
		}
	}
	nonNeg := func(name string, d Duration) {
		if d < 0 {
			bad("%s %v: must not be negative", name, d)
		}
	}
	switch f.Routes {
	case "", RoutesAddParticipant, RoutesAll:
	default:
		bad("routes %q: want %q or %q", f.Routes, RoutesAddParticipant, RoutesAll)
	}

	l := f.Latency
	nonNeg("latency.fixed", l.Fixed)
	nonNeg("latency.uniform.min", l.Uniform.Min)
	nonNeg("latency.uniform.max", l.Uniform.Max)
	nonNeg("latency.lognormal.median", l.LogNormal.Median)
	nonNeg("latency.lognormal.max", l.LogNormal.Max)
	nonNeg("latency.tail.latency", l.Tail.Latency)
	bases := 0
	for _, on := range []bool{l.Fixed > 0, l.Uniform.Max > 0 || l.Uniform.Min > 0, l.LogNormal.Median > 0} {
		if on {
			bases++
		}
	}
	if bases > 1 {
		bad("latency: set at most one of fixed, uniform and lognormal")
	}
	if l.Uniform.Min > l.Uniform.Max {
		bad("latency.uniform: min %v is above max %v", l.Uniform.Min, l.Uniform.Max)
	}
	if s := l.LogNormal.Sigma; !(s >= 0 && s <= 10) {
		bad("latency.lognormal.sigma %v: must be within 0..10", s)
	}
	if l.LogNormal.Median == 0 && (l.LogNormal.Sigma != 0 || l.LogNormal.Max != 0) {
		bad("latency.lognormal: sigma or max set without a median")
	}
	if l.LogNormal.Max != 0 && l.LogNormal.Max < l.LogNormal.Median {
		bad("latency.lognormal: max %v is below the median %v", l.LogNormal.Max, l.LogNormal.Median)
	}
	prob("latency.tail.fraction", l.Tail.Fraction)
	if (l.Tail.Fraction > 0) != (l.Tail.Latency > 0) {
		bad("latency.tail: set both fraction and latency, or neither")
	}

	sum := 0.0
	for _, code := range f.errorStatuses() {
		p := f.Errors[code]
		if code < 400 || code > 599 {
			bad("errors: status %d: must be within 400..599", code)
		}
		prob(fmt.Sprintf("errors[%d]", code), p)
		sum += p
	}
	if sum > 1+1e-9 {
		bad("errors: the probabilities add up to %v, above 1", sum)
	}

	if r := f.RateLimit.Rate.PerSecond(); r < 0 || math.IsInf(r, 0) || math.IsNaN(r) {
		bad("rate_limit.rate %v: must be a finite, non-negative rate", f.RateLimit.Rate)
	}
	if f.RateLimit.Burst < 0 {
		bad("rate_limit.burst %d: must not be negative", f.RateLimit.Burst)
	}
	if f.RateLimit.Rate == 0 && f.RateLimit.Burst != 0 {
		bad("rate_limit: burst set without a rate")
	}

	nonNeg("stall.every", f.Stall.Every)
	nonNeg("stall.for", f.Stall.For)
	if (f.Stall.Every > 0 || f.Stall.For > 0) && !(f.Stall.For > 0 && f.Stall.For < f.Stall.Every) {
		bad("stall: want 0 < for (%v) < every (%v)", f.Stall.For, f.Stall.Every)
	}

	prob("reset", f.Reset)
	prob("close", f.Close)
	if f.Reset+f.Close > 1+1e-9 {
		bad("reset + close = %v: must not exceed 1", f.Reset+f.Close)
	}
	prob("slow_body.probability", f.SlowBody.Probability)
	nonNeg("slow_body.delay", f.SlowBody.Delay)
	if (f.SlowBody.Probability > 0) != (f.SlowBody.Delay > 0) {
		bad("slow_body: set both probability and delay, or neither")
	}
	prob("bad.wrong_status", f.Bad.WrongStatus)
	prob("bad.bad_error_body", f.Bad.BadErrorBody)
	return errors.Join(errs...)
}

// DecodeFaultsYAML decodes and validates a fault block. Unknown keys are
// errors. An example with every key:
//
//	routes: add_participant          # or all
//	latency:
//	  fixed: 2ms                     # or uniform: {min: 1ms, max: 5ms}
//	                                 # or lognormal: {median: 2ms, sigma: 0.5, max: 1s}
//	  tail: {fraction: 0.01, latency: 200ms}
//	errors: {500: 0.01, 503: 0.02}
//	rate_limit: {rate: 1000/s, burst: 100}
//	stall: {every: 5s, for: 1s}
//	reset: 0.001
//	close: 0.001
//	slow_body: {probability: 0.01, delay: 500ms}
//	bad: {wrong_status: 0.01, bad_error_body: 0.01}
func DecodeFaultsYAML(data []byte) (Faults, error) {
	var f Faults
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return Faults{}, err
	}
	if err := f.Validate(); err != nil {
		return Faults{}, err
	}
	return f, nil
}
