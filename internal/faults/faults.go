package faults

import (
	"slices"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/units"
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

// Faults is what the reference server does wrong on purpose. The zero value
// injects nothing. Every random choice is drawn from a source seeded with
// the server's seed and the arrival number of the request, so the same seed
// and the same request order give the same faults.
//
// In YAML (a scenario's target.embedded block, or a file for serve
// --faults), with every key:
//
//	routes: add_participant          # or all
//	latency:
//	  fixed: 2ms                     # or uniform: {min: 1ms, max: 5ms}
//	                                 # or lognormal: {median: 2ms, sigma: 0.5, max: 1s}
//	  tail: {fraction: 0.01, latency: 200ms}
//	  tails: [{fraction: 0.2, latency: 5ms}]   # more tails, each drawn on its own
//	errors: {500: 0.01, 503: 0.02}
//	rate_limit: {rate: 1000/s, burst: 100}
//	stall: {every: 5s, for: 1s}
//	reset: 0.001
//	close: 0.001
//	slow_body: {probability: 0.01, delay: 500ms}
//	bad: {wrong_status: 0.01, bad_error_body: 0.01}
//	accept_invalid: participant_id_number
//
// The stages run in this order for a request on a faulted route: stall wait,
// rate limit, latency, connection fault (reset or close), error status, the
// real handler, bad-mode rewrite, slow body.
type Faults struct {
	// Routes selects the operations the faults below apply to.
	Routes Routes
	// Latency delays a request before it is handled.
	Latency Latency
	// Errors answers a status instead of handling the request, with the
	// given probability per status (400..599). The probabilities add up to at
	// most 1. A 503 or 429 carries Retry-After: 1.
	Errors map[int]float64
	// RateLimit answers 429 with Retry-After above a rate.
	RateLimit RateLimit
	// Stall pauses all handling periodically.
	Stall Stall
	// Reset is the probability of aborting the connection with a TCP RST
	// (SO_LINGER 0) instead of answering. Over HTTP/2 the stream is reset.
	Reset float64
	// Close is the probability of closing the connection without an answer.
	// Reset and Close add up to at most 1.
	Close float64
	// SlowBody delays the middle of the response body.
	SlowBody SlowBody
	// Bad makes the server break the documented contract, for testing a
	// conformance checker.
	Bad Bad
	// AcceptInvalid names one shape of request body the request-body
	// schema refuses that the server accepts nonetheless, every time: a
	// deterministic contract break whose count (refserver Stats) a checker's
	// findings can be held to. Empty: none.
	AcceptInvalid AcceptInvalid
}

// AcceptInvalid is a shape of schema-invalid subscriptions body (Add
// Participant to Session, Update Participant Subscriptions) that the server
// accepts as if it were valid. A body is of the shape when every problem
// the schema finds in it is of that kind, and it names no JSON member twice
// (so that what it means is not in doubt).
type AcceptInvalid string

// The shapes of AcceptInvalid.
const (
	// AcceptParticipantIDNumber: participantIds that are numbers, each
	// taken as its text.
	AcceptParticipantIDNumber AcceptInvalid = "participant_id_number"
	// AcceptDuplicateAliases: streamAliases that repeat an alias.
	AcceptDuplicateAliases AcceptInvalid = "duplicate_aliases"
)

// AcceptInvalidShapes lists every shape, in documentation order.
func AcceptInvalidShapes() []AcceptInvalid {
	return []AcceptInvalid{AcceptParticipantIDNumber, AcceptDuplicateAliases}
}

// Latency delays requests. At most one base distribution (Fixed, Uniform,
// LogNormal) may be set; Tail and each of Tails add on top of it.
type Latency struct {
	// Fixed delays every request by this much.
	Fixed time.Duration
	// Uniform draws the delay uniformly from [Min, Max].
	Uniform Uniform
	// LogNormal draws the delay as Median·exp(Sigma·N(0,1)), capped at Max if set.
	LogNormal LogNormal
	// Tail adds Latency to a Fraction of the requests, on top of the base delay.
	Tail Tail
	// Tails are more tails, each drawn on its own (independently of Tail and
	// of one another), so that two slow paths can overlap: a 10% tail and a
	// 20% one give 8% of requests the first only, 18% the second only and 2%
	// both.
	Tails []Tail
}

// Uniform is a delay drawn uniformly from [Min, Max]. Max zero: off.
type Uniform struct {
	Min, Max time.Duration
}

// LogNormal is a delay Median·exp(Sigma·Z), Z standard normal. Median zero: off.
// Max, when not zero, caps the draw.
type LogNormal struct {
	Median time.Duration
	Sigma  float64
	Max    time.Duration
}

// Tail adds Latency to a Fraction (0..1) of the requests. Fraction zero: off.
type Tail struct {
	Fraction float64
	Latency  time.Duration
}

// RateLimit answers 429 to requests above Rate, with a token bucket of Burst
// requests (0: a tenth of a second's worth, at least 1). Rate zero: off.
// Retry-After is the whole number of seconds until a token frees up, at least 1.
type RateLimit struct {
	Rate  units.Rate
	Burst int
}

// BucketSize returns the token bucket's size: Burst, or a tenth of a
// second's worth of Rate when Burst is 0, at least 1.
func (r RateLimit) BucketSize() int {
	if r.Burst > 0 {
		return r.Burst
	}
	return max(1, int(r.Rate.PerSecond/10))
}

// Stall pauses all handling for For at the end of every period Every,
// measured from server start: the server handles requests during
// [k·Every, k·Every+Every-For) and holds every request that arrives in
// [k·Every+Every-For, (k+1)·Every) until the stall ends. Every zero: off.
type Stall struct {
	Every, For time.Duration
}

// SlowBody writes the status, headers and first half of the body, flushes,
// waits Delay, then writes the rest, for a Probability (0..1) of the
// responses. A bodiless response (204) is held for Delay after its headers
// are flushed, which a keep-alive client sees on its next request.
type SlowBody struct {
	Probability float64
	Delay       time.Duration
}

// Bad breaks the documented contract on purpose, each with a probability (0..1).
type Bad struct {
	// WrongStatus answers 200 with a small JSON body instead of 204.
	WrongStatus float64
	// BadErrorBody sends an error (4xx/5xx) body as text/plain that is not JSON.
	BadErrorBody float64
}

// Enabled reports whether f injects anything at all.
func (f Faults) Enabled() bool {
	return f.Latency.enabled() || len(f.Errors) > 0 || f.RateLimit.Rate.PerSecond > 0 || f.Stall.Every > 0 ||
		f.Reset > 0 || f.Close > 0 || f.SlowBody.Probability > 0 ||
		f.Bad.WrongStatus > 0 || f.Bad.BadErrorBody > 0 || f.AcceptInvalid != ""
}

func (l Latency) enabled() bool {
	return l.Fixed > 0 || l.Uniform.Max > 0 || l.LogNormal.Median > 0 || l.Tail.Fraction > 0 || len(l.Tails) > 0
}

// ErrorStatuses returns the statuses of f.Errors in ascending order, so the
// draw that picks one is the same on every run.
func (f Faults) ErrorStatuses() []int {
	codes := make([]int, 0, len(f.Errors))
	for c := range f.Errors {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}
