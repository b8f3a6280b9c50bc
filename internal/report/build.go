package report

import (
	"cmp"
	"fmt"
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
	Rules       []Rule
	Phases      []Phase
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
		Interrupted: m.Summary.Interrupted, Load: m.Load, Phases: m.Phases,
		Requests: Requests{
			Scheduled: a.sent + a.dropped, Sent: a.sent, Completed: a.completed, Dropped: a.dropped,
			TransportErrors: a.sent - a.completed, Failed: a.failed, Warmup: a.warmup,
			Unsolicited: int64(m.Summary.Unsolicited),
		},
		Status: statusMap(a.status), TransportErrors: map[string]int64{}, Shedding: a.shed,
		LatencyMs: summarize(a.lat), ServiceMs: summarize(a.svc), LagMs: summarize(a.lag),
		Checks: map[string]Counts{}, Violations: []Violation{}, Thresholds: []Threshold{},
		Intervals: slices.Clone(a.intervals),
	}
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
	r.Coverage = coverageOf(r, c.contract.Documented.Codes())
	for _, rule := range m.Rules {
		r.Thresholds = append(r.Thresholds, rule.Evaluate(r))
	}
	r.Passed, r.Verdict = Decide(r)
	return r
}

func (c *Collector) caseReport(i int, ca *caseAgg, partial bool) Case {
	meta := c.cases[i]
	cr := Case{
		Name: meta.Name, Expected: meta.Expect.Codes(), Weight: meta.Weight,
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
	out := Violation{Check: k.check.String(), Case: meta.Name, Status: int(k.status), Count: v.count}
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
	out.Message = c.contract.Message(k.check, meta.Name, meta.Expect, resp)
	return out
}

// coverageOf lists, from r's own figures, the statuses seen, the documented
// statuses never seen, the catalogue cases the mix left out and the cases of
// the mix that never got an expected status. Both a run's report and a
// merged one are judged by it.
func coverageOf(r *Report, documented []int) Coverage {
	cov := Coverage{StatusesSeen: []int{}, StatusesUnseen: []int{}, CasesNotRun: []string{}, CasesNeverReached: []string{}}
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

// Decide decides whether a run passed and says why in one line: no check
// failed, every threshold held, the generator kept its schedule, the run was
// not interrupted and measured at least one request.
func Decide(r *Report) (bool, string) {
	var failedChecks int64
	for _, n := range r.Checks {
		failedChecks += n.Failed
	}
	var failedThresholds int
	for _, t := range r.Thresholds {
		if !t.Pass {
			failedThresholds++
		}
	}
	var why []string
	if failedChecks > 0 {
		why = append(why, fmt.Sprintf("%d failed checks", failedChecks))
	}
	if failedThresholds > 0 {
		why = append(why, fmt.Sprintf("%d of %d thresholds failed", failedThresholds, len(r.Thresholds)))
	}
	if r.Requests.Unsolicited > 0 {
		why = append(why, fmt.Sprintf("the target sent unasked-for bytes on %d kept connections", r.Requests.Unsolicited))
	}
	if r.Load.Behind {
		why = append(why, fmt.Sprintf("the generator fell behind its schedule (%d requests late)", r.Load.Late))
	}
	if r.Interrupted {
		why = append(why, "interrupted")
	}
	if r.Requests.Sent == 0 {
		why = append(why, "no request was measured")
	}
	if len(why) == 0 {
		msg := fmt.Sprintf("passed: %d requests, every check and threshold held", r.Requests.Sent)
		if r.Requests.Completed > 0 && r.Shedding.Count == r.Requests.Completed {
			msg += fmt.Sprintf("; BUT THE TARGET SHED EVERY REQUEST (%d × 429/503): nothing was served", r.Shedding.Count)
		}
		return true, msg
	}
	s := "failed: " + why[0]
	for _, w := range why[1:] {
		s += "; " + w
	}
	return false, s
}
