package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"golang.org/x/time/rate"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// The shrink phase's bounds: it is polite to the target and short.
const (
	shrinkRate    = 20              // replays per second, at most
	shrinkReplays = 200             // per generated case and wrong status
	shrinkTime    = 2 * time.Minute // for the whole phase
)

// Why a shrink stopped (report.Shrink.Stopped).
const (
	stopMinimal       = "minimal"
	stopBudget        = "budget"
	stopTime          = "time"
	stopInterrupted   = "interrupted"
	stopNotReproduced = "not_reproduced"
	stopNoBody        = "no_body"
)

// shrink is the shrink phase, between the load and teardown: for each
// generated case and wrong status (report.Collector.Failures), it replays
// smaller bodies of the first failing request (contract.Smaller) against
// the target, at most shrinkRate a second, keeping each one that is still
// answered with the same status while its own expectation excludes that
// status, until none smaller is. It records a phase and a reproducer per
// failure in m, whose violations then show the smallest request's curl
// line. It sends nothing when no generated case failed a status check, when
// the run was interrupted, or against the production host unless the
// scenario allows it.
func (sr *scenarioRun) shrink(ctx context.Context, plan *scenarios.Plan, col *report.Collector, m *report.Meta) {
	fs := col.Failures()
	t := sr.s.Target
	if len(fs) == 0 || ctx.Err() != nil || (t.IsProduction() && !t.AllowProduction) {
		return
	}
	step := sr.pg.Step(fmt.Sprintf("%s: shrink %d failing generated request(s)", sr.s.Name, len(fs)))
	start := time.Now()
	phase, cancel := context.WithTimeout(ctx, shrinkTime)
	defer cancel()
	sh := &shrinker{client: sr.client, plan: plan, limit: rate.NewLimiter(shrinkRate, 1), interrupted: ctx}
	ph := report.Phase{Name: "shrink"}
	for _, f := range fs {
		rp := sh.run(phase, f)
		ph.Requests += int64(rp.Shrink.Replays)
		m.Reproducers = append(m.Reproducers, rp)
	}
	ph.DurationS = time.Since(start).Seconds()
	var err error
	if ctx.Err() != nil {
		err = errors.New("interrupted")
		ph.Error = err.Error()
	}
	step.Done(err)
	m.Phases = append(m.Phases, ph)
}

// shrinker replays the candidates of one run's failures.
type shrinker struct {
	client *http.Client
	plan   interface {
		WithBody(req *runner.Request, body []byte) (*runner.Request, contract.Expectation, bool)
	}
	limit *rate.Limiter
	// interrupted is the run's context: done on Ctrl-C, as opposed to the
	// phase's time running out.
	interrupted context.Context
}

// run shrinks one failure and says how it went.
func (sh *shrinker) run(ctx context.Context, f report.Failure) report.Reproducer {
	rp := report.Reproducer{Case: f.Case, Status: f.Status}
	s := &rp.Shrink
	s.FromBytes, s.ToBytes = len(f.Req.Body), len(f.Req.Body)
	if f.Req.Body == nil {
		s.Stopped = stopNoBody
		return rp
	}
	// The original first: a failure that does not come back cannot be shrunk.
	st, err := sh.replay(ctx, f.Req, s)
	switch {
	case err != nil:
		s.Stopped = sh.why(ctx, err)
		return rp
	case st != f.Status:
		s.Stopped = stopNotReproduced
		return rp
	}
	s.Reproduced++
	best := f.Req.Body
	for {
		next, stop := sh.step(ctx, f, best, s)
		if stop != "" {
			s.Stopped = stop
			break
		}
		best, rp.Req = next.Body, next
		s.ToBytes = len(best)
	}
	return rp
}

// step tries the candidates smaller than best, in order, and returns the
// first that fails as f did, or why it found none.
func (sh *shrinker) step(ctx context.Context, f report.Failure, best []byte, s *report.Shrink) (*runner.Request, string) {
	for cand := range contract.Smaller(best) {
		req, exp, ok := sh.plan.WithBody(f.Req, cand)
		if !ok {
			return nil, "error: not a request of the plan"
		}
		if exp.Expect.Has(f.Status) {
			continue // the contract allows this status for it: it would show nothing
		}
		if s.Replays >= shrinkReplays {
			return nil, stopBudget
		}
		st, err := sh.replay(ctx, req, s)
		if err != nil {
			if ctx.Err() != nil {
				return nil, sh.why(ctx, err)
			}
			continue // a transport failure shows nothing either way
		}
		if st == f.Status {
			s.Reproduced++
			return req, ""
		}
	}
	return nil, stopMinimal
}

// why names the reason a replay could not be made.
func (sh *shrinker) why(ctx context.Context, err error) string {
	switch {
	case sh.interrupted.Err() != nil:
		return stopInterrupted
	case ctx.Err() != nil:
		return stopTime
	}
	return "error: " + err.Error()
}

// replay sends req through the run's own client, once the rate allows,
// counts it in s, and returns the status.
func (sh *shrinker) replay(ctx context.Context, req *runner.Request, s *report.Shrink) (int, error) {
	if err := sh.limit.Wait(ctx); err != nil {
		return 0, err
	}
	var body io.Reader = http.NoBody
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		return 0, err
	}
	for k, v := range req.Header {
		hr.Header[k] = slices.Clone(v)
	}
	s.Replays++
	resp, err := sh.client.Do(hr)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Body.Close()
}
