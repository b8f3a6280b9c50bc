package contract

import "fmt"

// Check identifies one rule a response is judged by (docs/interface.md, section 4).
type Check uint8

// The checks, in report order.
const (
	// CheckTransport passes when an HTTP response arrived.
	CheckTransport Check = iota
	// CheckStatusDocumented passes when the status is one the operation documents.
	CheckStatusDocumented
	// CheckStatusExpected passes when the status is in the case's expected set.
	CheckStatusExpected
	// CheckContentType passes when a body is declared application/json and a 204 has none.
	CheckContentType
	// CheckErrorBody passes when a 4xx/5xx body is a JSON object of a documented shape.
	CheckErrorBody
	// CheckNoServerError passes when the status is below 500.
	CheckNoServerError

	// NumChecks is the number of checks.
	NumChecks = iota
)

// A compile-time guard: a ninth check does not fit Verdicts' uint8 masks
// (the constant below overflows a uint8 and the build fails).
const _ uint8 = 1<<NumChecks - 1

var checkNames = [NumChecks]string{
	"transport", "status_documented", "status_expected", "content_type", "error_body", "no_server_error",
}

// String returns the check's name as used in reports, e.g. "status_expected".
func (c Check) String() string {
	if int(c) < len(checkNames) {
		return checkNames[c]
	}
	return fmt.Sprintf("check(%d)", uint8(c))
}

// ParseCheck returns the check with the given name.
func ParseCheck(name string) (Check, bool) {
	for i, n := range checkNames {
		if n == name {
			return Check(i), true
		}
	}
	return 0, false
}

// Checks returns every check in report order.
func Checks() []Check {
	out := make([]Check, NumChecks)
	for i := range out {
		out[i] = Check(i)
	}
	return out
}

// Verdicts records which checks applied to one response and which of them failed.
// Bit c of each mask stands for check c, so NumChecks must fit its width.
type Verdicts struct {
	Applied uint8 // bit c set: check c judged the response
	Failed  uint8 // bit c set: check c failed (implies Applied)
}

// Pass records that check c applied and passed.
func (v *Verdicts) Pass(c Check) { v.Applied |= 1 << c }

// Fail records that check c applied and failed.
func (v *Verdicts) Fail(c Check) { v.Applied |= 1 << c; v.Failed |= 1 << c }

// Set records check c as passed when ok, failed otherwise.
func (v *Verdicts) Set(c Check, ok bool) {
	if ok {
		v.Pass(c)
	} else {
		v.Fail(c)
	}
}

// Applies reports whether check c judged the response.
func (v Verdicts) Applies(c Check) bool { return v.Applied&(1<<c) != 0 }

// Failed reports whether check c failed.
func (v Verdicts) FailedCheck(c Check) bool { return v.Failed&(1<<c) != 0 }

// OK reports whether no check failed.
func (v Verdicts) OK() bool { return v.Failed == 0 }

// Response is what the checks need to know about one HTTP response.
type Response struct {
	Status      int
	ContentType string // the Content-Type header, as sent
	Body        []byte // the body, read up to a bound
	BodyLen     int64  // the body's full length in bytes, which may exceed len(Body)
	Announced   bool   // the head announced a body the status forbids (a 204 with a Content-Length); it was not read
}

// Judge runs every check that applies to a response that arrived, for a
// request whose expected statuses are expect. A load-shedding answer (429,
// 503) that the case does not expect is judged only on its Content-Type. A
// transport failure is judged by JudgeTransportError instead.
//
// The statuses, media types and error-body schemas are the contract's
// (Default, Load). Judging a bodiless response does not allocate; an error
// body is decoded and validated against its schema (BenchmarkJudge).
func (k *Contract) Judge(expect StatusSet, r *Response) Verdicts {
	var v Verdicts
	v.Pass(CheckTransport)
	o := k.outcomeOf(r.Status)
	if IsShedding(r.Status) && !expect.Has(r.Status) {
		// Load shedding is counted on its own, not judged as conformance;
		// only the shape of the answer is.
		if r.BodyLen > 0 {
			v.Set(CheckContentType, o.accepts(r.ContentType))
		}
		return v
	}
	v.Set(CheckStatusDocumented, k.Documented.Has(r.Status))
	v.Set(CheckStatusExpected, expect.Has(r.Status))
	v.Set(CheckNoServerError, r.Status < 500)
	if r.Status == 204 {
		v.Set(CheckContentType, r.BodyLen == 0 && !r.Announced)
	} else if r.BodyLen > 0 {
		v.Set(CheckContentType, o.accepts(r.ContentType))
	}
	if r.Status >= 400 && !IsShedding(r.Status) {
		// No body, or one cut short by the read bound, fails without decoding.
		v.Set(CheckErrorBody, r.BodyLen > 0 && r.BodyLen <= int64(len(r.Body)) && o.body.check(r.Body))
	}
	return v
}

// JudgeTransportError returns the verdicts for a request that got no response:
// only the transport check applies, and it failed.
func JudgeTransportError() Verdicts {
	var v Verdicts
	v.Fail(CheckTransport)
	return v
}

// Message explains why check c failed for a response with the given status to
// a request of case name whose expected statuses are expect. It names what
// the contract documents: the statuses, the media types, the error-body
// shapes, and why the body did not fit.
func (k *Contract) Message(c Check, name string, expect StatusSet, r *Response) string {
	o := k.outcomeOf(r.Status)
	switch c {
	case CheckStatusDocumented, CheckStatusExpected, CheckNoServerError:
		return fmt.Sprintf("got %d; expected for %s: %s; documented: %s", r.Status, name, expect, k.documented)
	case CheckContentType:
		if r.Status == 204 && (r.Announced || r.BodyLen == 0) { // no body read: its head announced one
			return "got 204 whose head announced a body (a Content-Length above 0, or chunked); a 204 has no body"
		}
		if r.Status == 204 {
			return fmt.Sprintf("got 204 with a body of %d bytes; a 204 has no body", r.BodyLen)
		}
		return fmt.Sprintf("got %d with Content-Type %q; a body must be %s", r.Status, r.ContentType, o.mediaText())
	case CheckErrorBody:
		msg := fmt.Sprintf("got %d with body %s; an error body is a JSON object %s", r.Status, snippet(r.Body, 120), o.body.shapes)
		switch {
		case r.BodyLen > int64(len(r.Body)):
			msg += fmt.Sprintf(" (the body of %d bytes was cut at %d)", r.BodyLen, len(r.Body))
		case r.BodyLen == 0 && len(r.Body) == 0:
			msg += " (there was no body)"
		default:
			if err := o.body.explain(r.Body); err != nil {
				msg += " (" + reason(err) + ")"
			}
		}
		return msg
	default:
		return c.String() + " failed"
	}
}

// snippet quotes at most n bytes of b.
func snippet(b []byte, n int) string {
	if len(b) > n {
		return fmt.Sprintf("%q...", b[:n])
	}
	return fmt.Sprintf("%q", b)
}
