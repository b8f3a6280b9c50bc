package report

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/curl"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// Meta is what the Collector cannot see for itself: which run this was.
type Meta struct {
	Tool        Tool
	Scenario    ScenarioInfo
	Target      string
	Contract    string // where the contract came from: "built-in" or a file
	Load        Load   // model, shape, limits and warm-up; the figures are filled in
	Summary     runner.Summary
	Window      time.Duration // the measured phase: from the end of the warm-up to the end of the schedule
	TargetRate  float64       // the schedule's mean rate over Window, requests per second
	Credentials curl.Credentials
	Thresholds  []Gate
	// Budgets are the checks' error budgets, by check name.
	Budgets map[string]Budget
	// RequireEveryCase fails a run in which a case of the mix got no
	// response (Coverage.CasesWithoutResponse).
	RequireEveryCase bool
	// Aborted says which abort_on_fail threshold stopped the run, if one did.
	Aborted *Abort
	Phases  []Phase
	// StartAt, when set, is the instant the run was told to start at
	// (run --start-at): the report's Started, common to every shard.
	StartAt time.Time
	// Shard identifies the shard of a distributed run; nil for a whole run.
	Shard *ShardInfo
}

// Report builds the report of everything recorded so far. Call Finish first.
func (c *Collector) Report(m Meta) *Report { return c.build(m, false) }

// PartialReport builds a report of what was folded so far, while the run
// goes on, leaving out every histogram (the interval histograms are in the
// live latency.hlog): it costs the generator no histogram encoding, so it
// can be saved often without disturbing the measurement.
func (c *Collector) PartialReport(m Meta) *Report { return c.build(m, true) }

func (c *Collector) build(m Meta, partial bool) *Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.agg
	r := &Report{
		Format: Format, Tool: m.Tool, Scenario: m.Scenario, Target: m.Target, Contract: m.Contract,
		Started: m.Summary.Start.UTC().Truncate(time.Millisecond), DurationS: m.Summary.Elapsed.Seconds(),
		Interrupted: m.Summary.Interrupted, Aborted: m.Aborted, Load: m.Load, Phases: m.Phases,
		Requests: Requests{
			Scheduled: a.sent + a.dropped, Sent: a.sent, Completed: a.completed, Dropped: a.dropped,
			TransportErrors: a.sent - a.completed, Canceled: a.errs[runner.ErrCanceled], Failed: a.failed, Warmup: a.warmup,
		},
		Status: statusMap(a.status), TransportErrors: map[string]int64{}, Shedding: a.shed,
		LatencyMs: summarize(a.lat), ServiceMs: summarize(a.svc), LagMs: summarize(a.lag),
		Checks: map[string]Counts{}, Violations: []Violation{}, Thresholds: []Threshold{},
		Intervals: slices.Clone(a.intervals),
	}
	if !m.StartAt.IsZero() {
		r.Started = m.StartAt.UTC().Truncate(time.Millisecond)
		r.StartDelayMs = ms(m.Summary.Start.Sub(m.StartAt))
	}
	r.Shard = m.Shard
	if partial {
		for i := range r.Intervals {
			r.Intervals[i].Histogram = ""
		}
	} else {
		r.Histograms = Histograms{Latency: encodeHist(a.lat), Service: encodeHist(a.svc), Lag: encodeHist(a.lag)}
	}
	r.Load.MaxInFlightSeen = m.Summary.MaxInFlightSeen
	r.Load.Late = m.Summary.Late
	r.Load.Behind = m.Summary.Behind
	r.Load.TargetRate = m.TargetRate
	if w := m.Window.Seconds(); w > 0 {
		r.Load.AchievedRate = float64(a.sent) / w
	}
	for k, n := range a.errs {
		if n > 0 {
			r.TransportErrors[runner.ErrKind(k).String()] = n
		}
	}
	for ch, n := range a.checks {
		if n.Passed+n.Failed > 0 {
			r.Checks[contract.Check(ch).String()] = n
		}
	}
	for i, ca := range a.cases {
		r.Cases = append(r.Cases, c.caseReport(i, &ca, partial))
	}
	// Violations in a stable order: by check, then case, then status.
	keys := slices.Clone(a.vorder)
	slices.SortFunc(keys, func(x, y vkey) int {
		return cmp.Or(cmp.Compare(x.check, y.check), cmp.Compare(x.caseIdx, y.caseIdx), cmp.Compare(x.status, y.status))
	})
	for _, k := range keys {
		r.Violations = append(r.Violations, c.violation(k, a.violations[k], m.Credentials))
	}
	for name, b := range m.Budgets {
		n := r.Checks[name]
		n.Budget = &b
		r.Checks[name] = n
	}
	r.Coverage = coverageOf(r, c.contract.Documented.Codes(), m.RequireEveryCase)
	for _, g := range m.Thresholds {
		r.Thresholds = append(r.Thresholds, g.Evaluate(r))
	}
	Decide(r)
	return r
}

func (c *Collector) caseReport(i int, ca *caseAgg, partial bool) Case {
	meta := c.cases[i]
	cr := Case{
		Name: meta.Name(), Expected: meta.Expect.Codes(), Source: meta.Case.Source.String(), Judged: meta.Relaxed, Weight: meta.Weight,
		Requests: ca.requests, Completed: ca.completed, Failed: ca.failed, Status: statusMap(ca.status),
		LatencyMs: summarize(ca.lat), ServiceMs: summarize(ca.svc), Checks: map[string]Counts{},
	}
	for k, n := range ca.errs {
		if n > 0 {
			if cr.TransportErrors == nil {
				cr.TransportErrors = map[string]int64{}
			}
			cr.TransportErrors[runner.ErrKind(k).String()] = n
		}
	}
	for ch, n := range ca.checks {
		if n.Passed+n.Failed > 0 {
			cr.Checks[contract.Check(ch).String()] = n
		}
	}
	if ca.lat.TotalCount() > 0 && !partial {
		cr.Histogram = encodeHist(ca.lat)
		cr.ServiceHistogram = encodeHist(ca.svc)
	}
	return cr
}

func (c *Collector) violation(k vkey, v *violationAgg, cred curl.Credentials) Violation {
	meta := c.cases[k.caseIdx]
	out := Violation{Check: k.check.String(), Case: meta.Name(), Status: int(k.status), Count: v.count}
	for _, ex := range v.examples {
		e := Example{Seq: ex.seq, AtMs: ms(ex.at), Status: ex.status, Body: ex.body, Error: ex.errText,
			Curl: curl.Command(ex.req, cred)}
		out.Examples = append(out.Examples, e)
	}
	if len(out.Examples) > 0 {
		out.Curl = out.Examples[0].Curl
	}
	if k.check == contract.CheckTransport {
		out.Message = "no response"
		if len(v.examples) > 0 {
			out.Message = "no response: " + v.examples[0].errText
		}
		return out
	}
	resp := &contract.Response{Status: int(k.status)}
	if len(v.examples) > 0 {
		ex := v.examples[0]
		resp.Body, resp.BodyLen, resp.ContentType = []byte(ex.body), ex.bodyLen, ex.contentType
	}
	out.Message = c.contract.Message(k.check, meta.Name(), meta.Expect, resp)
	return out
}

// coverageOf lists, from r's own figures, the statuses seen, the documented
// statuses never seen, the catalogue cases the mix left out, the cases of the
// mix that got no response and those that never got an expected status.
// Both a run's report and a merged one are judged by it.
func coverageOf(r *Report, documented []int, requireEveryCase bool) Coverage {
	cov := Coverage{StatusesSeen: []int{}, StatusesUnseen: []int{}, CasesNotRun: []string{}, CasesNeverReached: []string{},
		CasesWithoutResponse: []string{}, RequireEveryCase: requireEveryCase}
	for s := range r.Status {
		if code, err := strconv.Atoi(s); err == nil {
			cov.StatusesSeen = append(cov.StatusesSeen, code)
		}
	}
	slices.Sort(cov.StatusesSeen)
	for _, code := range documented {
		if !slices.Contains(cov.StatusesSeen, code) {
			cov.StatusesUnseen = append(cov.StatusesUnseen, code)
		}
	}
	inMix := map[string]bool{}
	for _, c := range r.Cases {
		inMix[c.Name] = true
		if c.Completed == 0 {
			cov.CasesWithoutResponse = append(cov.CasesWithoutResponse, c.Name)
		}
		reached := false
		for code, n := range c.Status {
			s, err := strconv.Atoi(code)
			reached = reached || (err == nil && n > 0 && slices.Contains(c.Expected, s))
		}
		if !reached {
			cov.CasesNeverReached = append(cov.CasesNeverReached, c.Name)
		}
	}
	for _, name := range contract.CaseNames() {
		if !inMix[name] {
			cov.CasesNotRun = append(cov.CasesNotRun, name)
		}
	}
	return cov
}
