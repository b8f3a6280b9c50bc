package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDecide(t *testing.T) {
	latency := func(pass bool) Threshold { return Threshold{Expr: "latency.p99 < 250ms", Pass: pass, Timing: true} }
	errRate := func(pass bool) Threshold { return Threshold{Expr: "error_rate < 1%", Pass: pass} }
	tests := []struct {
		name       string
		failed     int64 // failed checks
		behind     bool
		sent       int64
		thresholds []Threshold
		want       Outcome
		verdict    string
		invalid    []bool // per threshold
	}{
		{"all held", 0, false, 10, []Threshold{latency(true), errRate(true)}, OutcomePassed,
			"passed: 10 requests, every check and threshold held", []bool{false, false}},
		{"a failed check is a fact, whatever the timing", 2, true, 10, []Threshold{latency(false)}, OutcomeFailed,
			"failed: 2 failed checks; the generator fell behind its schedule (7 requests late), so the timing verdicts are not valid: latency.p99 < 250ms", []bool{true}},
		{"a failed error budget is a fact too", 0, true, 10, []Threshold{latency(true), errRate(false)}, OutcomeFailed,
			"failed: 1 of 2 thresholds failed; the generator fell behind its schedule (7 requests late), so the timing verdicts are not valid: latency.p99 < 250ms", []bool{true, false}},
		{"behind, a timing verdict at stake: invalid, pass or fail", 0, true, 10, []Threshold{latency(true), errRate(true)}, OutcomeInvalid,
			"invalid: the generator fell behind its schedule (7 requests late), so the timing verdicts are not valid: latency.p99 < 250ms", []bool{true, false}},
		{"behind, no timing verdict: judged on the facts", 0, true, 10, []Threshold{errRate(true)}, OutcomePassed,
			"passed: 10 requests, every check and threshold held; note: the generator fell behind its schedule (7 requests late), and no timing threshold depends on it", []bool{false}},
		{"a timing threshold failed on time", 0, false, 10, []Threshold{latency(false)}, OutcomeFailed,
			"failed: 1 of 1 thresholds failed", []bool{false}},
		{"nothing measured", 0, false, 0, nil, OutcomeFailed, "failed: no request was measured", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{Checks: map[string]Counts{"status_expected": {Passed: 5, Failed: tt.failed}},
				Requests: Requests{Sent: tt.sent}, Load: Load{Behind: tt.behind, Late: 7},
				Thresholds: append([]Threshold(nil), tt.thresholds...)}
			Decide(r)
			assert.Equal(t, tt.want, r.Outcome)
			assert.Equal(t, tt.want == OutcomePassed, r.Passed)
			assert.Equal(t, tt.verdict, r.Verdict)
			for i, inv := range tt.invalid {
				assert.Equal(t, inv, r.Thresholds[i].Invalid, r.Thresholds[i].Expr)
			}
		})
	}
}
