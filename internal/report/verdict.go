package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

// Outcome is a run's verdict in one word. The command maps it to the exit
// code, in one place.
type Outcome string

// The outcomes of a run.
const (
	OutcomePassed      Outcome = "passed"      // every check and threshold held
	OutcomeFailed      Outcome = "failed"      // a check or a threshold failed, nothing was measured, or the setup failed
	OutcomeInvalid     Outcome = "invalid"     // the generator fell behind, and a timing verdict depends on it
	OutcomeInterrupted Outcome = "interrupted" // the user stopped the run
	OutcomeRunning     Outcome = "running"     // a partial report of a run still going
)

// Decide sets r's Outcome, Passed and Verdict from its figures, and marks
// the timing thresholds a fallen-behind generator invalidates.
//
// Failed checks, and thresholds on metrics the generator's timing cannot
// sway (error_rate, checks, requests, shedding), are facts whatever the
// timing: any of them failing is OutcomeFailed. When the generator fell
// behind its schedule, every verdict on a timing metric (latency, service,
// lag, rate) is marked Invalid; if the scenario has any, the run is
// OutcomeInvalid rather than passed or failed on them. A run without timing
// thresholds is judged on its facts, with the lag reported as a note.
//
// A run whose fixture setup failed measured nothing: it is OutcomeFailed,
// with "setup failed: " and the setup's error as its verdict. (The command
// exits 3 for it rather than 1: the target could not be used.)
func Decide(r *Report) {
	if e := r.SetupError(); e != "" {
		r.Outcome, r.Passed, r.Verdict = OutcomeFailed, false, "setup failed: "+e
		return
	}
	var failedChecks int64
	var spent []string // checks whose failures stayed within their budget
	for _, name := range sortedKeys(r.Checks) {
		n := r.Checks[name]
		if n.Budget == nil {
			failedChecks += n.Failed
			continue
		}
		b := *n.Budget
		b.Rate, b.Within = b.holds(n.Failed, n.Passed+n.Failed)
		n.Budget = &b
		r.Checks[name] = n
		switch {
		case !b.Within:
			failedChecks += n.Failed
		case n.Failed > 0:
			spent = append(spent, fmt.Sprintf("%s %s", name, budgetUse(n.Failed, b)))
		}
	}
	// A shard need not cover the mix; the merged run is judged on it.
	uncovered := r.Coverage.RequireEveryCase && r.Scenario.Shard == "" && len(r.Coverage.CasesWithoutResponse) > 0
	var failedFacts, failedTiming, timing int
	var invalid []string
	for i := range r.Thresholds {
		t := &r.Thresholds[i]
		t.Invalid = t.Timing && r.Load.Behind
		switch {
		case t.Timing:
			timing++
			if t.Invalid {
				invalid = append(invalid, t.Expr)
			}
			if !t.Pass {
				failedTiming++
			}
		case !t.Pass:
			failedFacts++
		}
	}
	var why []string
	if a := r.Aborted; a != nil {
		why = append(why, fmt.Sprintf("aborted after %s: threshold %s failed (value %s)", units.FormatSeconds(a.AtS), a.Threshold,
			fmtThresholdValue(Threshold{Expr: a.Threshold, Value: a.Value, Unit: a.Unit})))
	}
	if failedChecks > 0 {
		why = append(why, units.FormatCount(failedChecks)+" failed checks")
	}
	if n := failedFacts + failedTiming; n > 0 && len(invalid) == 0 {
		why = append(why, fmt.Sprintf("%d of %d thresholds failed", n, len(r.Thresholds)))
	} else if failedFacts > 0 {
		why = append(why, fmt.Sprintf("%d of %d thresholds failed", failedFacts, len(r.Thresholds)))
	}
	behind := "the generator fell behind its schedule (" + units.FormatCount(int64(r.Load.Late)) + " requests late)"
	if len(invalid) > 0 {
		why = append(why, behind+", so the timing verdicts are not valid: "+strings.Join(invalid, ", "))
	}
	if uncovered {
		why = append(why, fmt.Sprintf("%d of %d cases of the mix got no response (%s): the run is too short to cover its mix; lengthen it, or use load.per_case",
			len(r.Coverage.CasesWithoutResponse), len(r.Cases), strings.Join(r.Coverage.CasesWithoutResponse, ", ")))
	}
	if n := r.Requests.Unsolicited; n > 0 {
		why = append(why, "the target sent unasked-for bytes on "+units.FormatCount(n)+" kept connections")
	}
	if r.Requests.Sent == 0 {
		why = append(why, "no request was measured")
	}
	switch {
	case r.Interrupted:
		r.Outcome = OutcomeInterrupted
	case r.Aborted != nil || failedChecks > 0 || failedFacts > 0 || uncovered || r.Requests.Unsolicited > 0 || r.Requests.Sent == 0:
		r.Outcome = OutcomeFailed
	case len(invalid) > 0:
		r.Outcome = OutcomeInvalid
	case failedTiming > 0:
		r.Outcome = OutcomeFailed
	default:
		r.Outcome = OutcomePassed
	}
	r.Passed = r.Outcome == OutcomePassed
	if r.Passed {
		r.Verdict = "passed: " + units.FormatCount(r.Requests.Sent) + " requests, every check and threshold held"
		if len(spent) > 0 {
			r.Verdict += "; within their error budgets: " + strings.Join(spent, ", ")
		}
		if r.Requests.Completed > 0 && r.Shedding.Count == r.Requests.Completed {
			// Shedding is not a conformance failure, but nothing was served:
			// a pass of that kind must not read like any other.
			r.Verdict += "; BUT THE TARGET SHED EVERY REQUEST (" + units.FormatCount(r.Shedding.Count) + " × 429/503): nothing was served"
		}
		if r.Load.Behind {
			r.Verdict += "; note: " + behind + ", and no timing threshold depends on it"
		}
		return
	}
	if r.Outcome == OutcomeInterrupted {
		why = append([]string{"the report covers the " + units.FormatCount(r.Requests.Sent) + " requests measured before the interrupt"}, why...)
	}
	r.Verdict = string(r.Outcome) + ": " + strings.Join(why, "; ")
}

// budgetUse says how much of a budget the failures used, e.g.
// "12 failures (0.12% of 0.5% allowed)".
func budgetUse(failed int64, b Budget) string {
	var parts []string
	if b.MaxRate != nil {
		parts = append(parts, fmt.Sprintf("%s of %s allowed", units.FormatPercent(b.Rate), units.FormatPercent(*b.MaxRate)))
	}
	if b.MaxCount != nil {
		parts = append(parts, fmt.Sprintf("%d allowed", *b.MaxCount))
	}
	return fmt.Sprintf("%s failures (%s)", units.FormatCount(failed), strings.Join(parts, ", "))
}

// sortedKeys returns m's keys in order, so that verdicts read the same on every run.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
