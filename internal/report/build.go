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
	Host        Host
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
	// Reproducers are the shrink phase's results, one per generated case
	// and wrong status (cmd/wrtcbench's shrink phase).
	Reproducers []Reproducer
}

// Reproducer is what the shrink phase made of one generated case and
// wrong status: the smallest request that still failed the same way (nil
// when none smaller did), and how it went. The violations of the status
// checks with that case and status show it.
type Reproducer struct {
	Case   string
	Status int
	Req    *runner.Request
	Shrink Shrink
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
		Format: Format, Tool: m.Tool, Host: m.Host, Scenario: m.Scenario, Target: m.Target, Contract: m.Contract,
		Started: m.Summary.Start.UTC().Truncate(time.Millisecond), DurationS: m.Summary.Elapsed.Seconds(),
		Interrupted: m.Summary.Interrupted, Aborted: m.Aborted, Load: m.Load, Phases: m.Phases,
		Requests: Requests{
			Scheduled: a.sent + a.dropped, Sent: a.sent, Completed: a.completed, Dropped: a.dropped,
			TransportErrors: a.sent - a.completed, Canceled: a.errs[runner.ErrCanceled], Failed: a.failed, Warmup: a.warmup,
			Unsolicited: int64(m.Summary.Unsolicited),
		},
		Status: statusMap(a.status), TransportErrors: map[string]int64{}, Shedding: a.shed,
		LatencyMs: summarize(a.lat), ServiceMs: summarize(a.svc), LagMs: summarize(a.lag),
		Checks: map[string]Counts{}, Violations: []Violation{}, Thresholds: []Threshold{},
		IntervalS: c.interval.Seconds(), Intervals: slices.Clone(a.intervals),
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
		r.Violations = append(r.Violations, c.violation(k, a.violations[k], m.Credentials, m.Reproducers))
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
	if ca.gen != nil {
		cr.Generated = generatedCase(ca.gen, meta.Case.Mutations(c.contract))
	}
	return cr
}

// generatedCase reports what a generated case's requests exercised of the
// pairs its generator can make (space).
func generatedCase(g *genAgg, space []contract.Mutation) *GeneratedCase {
	out := &GeneratedCase{Valid: g.valid, Project: g.project, Undecided: g.undecided,
		Mutations: map[string]map[string]int64{}, Possible: len(space), Unexercised: []string{}}
	for m, n := range g.mutations {
		if out.Mutations[m.Where] == nil {
			out.Mutations[m.Where] = map[string]int64{}
		}
		out.Mutations[m.Where][m.Kind] = n
	}
	for _, m := range space {
		if g.mutations[m] > 0 {
			out.Exercised++
		} else {
			out.Unexercised = append(out.Unexercised, m.String())
		}
	}
	return out
}

func (c *Collector) violation(k vkey, v *violationAgg, cred curl.Credentials, shrunk []Reproducer) Violation {
	meta := c.cases[k.caseIdx]
	out := Violation{Check: k.check.String(), Case: meta.Name(), Status: int(k.status), Count: v.count}
	for _, ex := range v.examples {
		e := Example{Seq: ex.seq, AtMs: ms(ex.at), Status: ex.status, Body: ex.body, Error: ex.errText,
			Curl: curl.Command(ex.req, cred)}
		if g := ex.gen; g != nil {
			e.Expected, e.Source, e.Why = g.Expect.Codes(), g.Source.String(), g.Why
			for _, m := range g.Mutations {
				e.Mutations = append(e.Mutations, m.String())
			}
		}
		out.Examples = append(out.Examples, e)
	}
	if len(out.Examples) > 0 {
		out.Curl = out.Examples[0].Curl
	}
	if isStatusCheck(k.check) {
		for _, rp := range shrunk {
			if rp.Case == out.Case && rp.Status == out.Status {
				sh := rp.Shrink
				out.Shrink = &sh
				if rp.Req != nil {
					out.OriginalCurl, out.Curl = out.Curl, curl.Command(rp.Req, cred)
				}
			}
		}
	}
	if k.check == contract.CheckTransport {
		out.Message = "no response"
		if len(v.examples) > 0 {
			out.Message = "no response: " + v.examples[0].errText
		}
		return out
	}
	resp := &contract.Response{Status: int(k.status)}
	name, expect, why := meta.Name(), meta.Expect, ""
	if len(v.examples) > 0 {
		ex := v.examples[0]
		resp.Body, resp.BodyLen, resp.ContentType = []byte(ex.body), ex.bodyLen, ex.contentType
		if g := ex.gen; g != nil && !meta.Explicit {
			name += " (" + contract.MutationText(g.Mutations) + ")"
			expect, why = g.Expect, " ["+g.Source.String()+": "+g.Why+"]"
		}
	}
	out.Message = c.contract.Message(k.check, name, expect, resp) + why
	return out
}

// isStatusCheck reports whether check c fails on the status alone, so that
// replaying a request shows whether it still fails.
func isStatusCheck(c contract.Check) bool {
	return c == contract.CheckStatusExpected || c == contract.CheckStatusDocumented || c == contract.CheckNoServerError
}

// Failure is a failing request of a generated case, the shrink phase's
// starting point: the first kept example of a status check that failed
// with Status, and its own expectation.
type Failure struct {
	Case   string
	Status int
	Req    *runner.Request
	Expect *contract.Expectation
}

// Failures lists, for each generated case and status that failed a status
// check (status_expected, status_documented, no_server_error), its first
// kept example, in report order; a case with the scenario's own expect:
// has none. Call it after Finish.
func (c *Collector) Failures() []Failure {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := slices.Clone(c.agg.vorder)
	slices.SortFunc(keys, func(x, y vkey) int {
		return cmp.Or(cmp.Compare(x.caseIdx, y.caseIdx), cmp.Compare(x.status, y.status), cmp.Compare(x.check, y.check))
	})
	var out []Failure
	for _, k := range keys {
		v := c.agg.violations[k]
		if !c.generated[k.caseIdx] || c.cases[k.caseIdx].Explicit || !isStatusCheck(k.check) ||
			len(v.examples) == 0 || v.examples[0].gen == nil {
			continue // a scenario's own expect: is not what a candidate is judged by
		}
		name := c.cases[k.caseIdx].Name()
		if slices.ContainsFunc(out, func(f Failure) bool { return f.Case == name && f.Status == int(k.status) }) {
			continue
		}
		ex := v.examples[0]
		out = append(out, Failure{Case: name, Status: int(k.status), Req: ex.req, Expect: ex.gen})
	}
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
	for _, c := range contract.Cases() {
		if !inMix[c.Name] && !c.Generated() { // the generated family is not part of the catalogue's checklist
			cov.CasesNotRun = append(cov.CasesNotRun, c.Name)
		}
	}
	return cov
}
