package faults

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/units"
	"github.com/wrtcbench/wrtcbench/internal/yamlnode"
)

// Validate reports every bad value in f, one per line, or nil. It is for
// faults built in code; a decoded block is checked by Decode's caller with
// Check, so that each problem names its place in the file.
func (f Faults) Validate() error {
	var p yamlnode.Problems
	f.Check(&p, "")
	return yamlnode.Join(p)
}

// Check adds a problem for every bad value in f to p, each by its path
// under path (the block's own path, e.g. "target.embedded", or "" for a
// file of its own): probabilities within 0..1, durations not negative, at
// most one base latency, both halves of a tail or slow body, error statuses
// within 400..599 whose probabilities add up to at most 1, and the like.
func (f Faults) Check(p *yamlnode.Problems, path string) {
	at := func(key string) string {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	// prob reports a probability outside 0..1 and whether v was one.
	prob := func(key string, v float64) bool {
		if !(v >= 0 && v <= 1) {
			p.Add(at(key), "%s is not a probability; use a number from 0 to 1", units.FormatFloat(v))
			return false
		}
		return true
	}
	nonNeg := func(key string, d time.Duration) {
		if d < 0 {
			p.Add(at(key), "%s must not be negative", d)
		}
	}
	switch f.Routes {
	case "", RoutesAddParticipant, RoutesAll:
	default:
		p.Add(at("routes"), "%q is not allowed; use %s or %s", f.Routes, RoutesAddParticipant, RoutesAll)
	}

	l := f.Latency
	nonNeg("latency.fixed", l.Fixed)
	nonNeg("latency.uniform.min", l.Uniform.Min)
	nonNeg("latency.uniform.max", l.Uniform.Max)
	nonNeg("latency.lognormal.median", l.LogNormal.Median)
	nonNeg("latency.lognormal.max", l.LogNormal.Max)
	bases := 0
	for _, on := range []bool{l.Fixed > 0, l.Uniform.Max > 0 || l.Uniform.Min > 0, l.LogNormal.Median > 0} {
		if on {
			bases++
		}
	}
	if bases > 1 {
		p.Add(at("latency"), "set at most one of fixed, uniform and lognormal")
	}
	if l.Uniform.Min > l.Uniform.Max {
		p.Add(at("latency.uniform"), "min %s is above max %s", l.Uniform.Min, l.Uniform.Max)
	}
	if s := l.LogNormal.Sigma; !(s >= 0 && s <= 10) {
		p.Add(at("latency.lognormal.sigma"), "%s is out of range; use a number from 0 to 10", units.FormatFloat(s))
	}
	if l.LogNormal.Median == 0 && (l.LogNormal.Sigma != 0 || l.LogNormal.Max != 0) {
		p.Add(at("latency.lognormal"), "sigma or max set without a median")
	}
	if l.LogNormal.Max != 0 && l.LogNormal.Max < l.LogNormal.Median {
		p.Add(at("latency.lognormal"), "max %s is below the median %s", l.LogNormal.Max, l.LogNormal.Median)
	}
	tail := func(key string, t Tail) {
		nonNeg(key+".latency", t.Latency)
		prob(key+".fraction", t.Fraction)
		if (t.Fraction > 0) != (t.Latency > 0) {
			p.Add(at(key), "set both fraction and latency, or neither")
		}
	}
	tail("latency.tail", l.Tail)
	for i, t := range l.Tails {
		tail("latency.tails["+strconv.Itoa(i)+"]", t)
	}

	sum, probs := 0.0, true
	for _, code := range f.ErrorStatuses() {
		key := "errors." + strconv.Itoa(code)
		if code < 400 || code > 599 {
			p.Add(at(key), "%d is not an error status; use a code from 400 to 599", code)
		}
		probs = prob(key, f.Errors[code]) && probs
		sum += f.Errors[code]
	}
	if probs && sum > 1+1e-9 {
		p.Add(at("errors"), "the probabilities add up to %s, above 1", units.FormatFloat(sum))
	}

	if r := f.RateLimit.Rate.PerSecond; r < 0 || math.IsInf(r, 0) || math.IsNaN(r) {
		p.Add(at("rate_limit.rate"), "%s must be a finite rate of 0 or more", f.RateLimit.Rate)
	}
	if f.RateLimit.Burst < 0 {
		p.Add(at("rate_limit.burst"), "%d must not be negative", f.RateLimit.Burst)
	}
	if f.RateLimit.Rate.PerSecond == 0 && f.RateLimit.Burst != 0 {
		p.Add(at("rate_limit"), "burst set without a rate")
	}

	nonNeg("stall.every", f.Stall.Every)
	nonNeg("stall.for", f.Stall.For)
	if (f.Stall.Every > 0 || f.Stall.For > 0) && !(f.Stall.For > 0 && f.Stall.For < f.Stall.Every) {
		p.Add(at("stall"), "for (%s) must be greater than 0 and shorter than every (%s)", f.Stall.For, f.Stall.Every)
	}

	resetOK, closeOK := prob("reset", f.Reset), prob("close", f.Close)
	if resetOK && closeOK && f.Reset+f.Close > 1+1e-9 {
		p.Add(at("close"), "reset and close add up to %s, above 1", units.FormatFloat(f.Reset+f.Close))
	}
	prob("slow_body.probability", f.SlowBody.Probability)
	nonNeg("slow_body.delay", f.SlowBody.Delay)
	if (f.SlowBody.Probability > 0) != (f.SlowBody.Delay > 0) {
		p.Add(at("slow_body"), "set both probability and delay, or neither")
	}
	prob("bad.wrong_status", f.Bad.WrongStatus)
	prob("bad.bad_error_body", f.Bad.BadErrorBody)
	if f.AcceptInvalid != "" && !slices.Contains(AcceptInvalidShapes(), f.AcceptInvalid) {
		p.Add(at("accept_invalid"), "%q is not a shape; use %s", f.AcceptInvalid, strings.Join(shapeNames(), " or "))
	}
}
