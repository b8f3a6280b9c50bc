package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestDecideTargetViolations: unasked-for bytes on kept connections fail a
// run whose checks all passed; a run where the target shed every request
// passes (shedding is not a conformance failure) but its verdict says so.
func TestDecideTargetViolations(t *testing.T) {
	decide := func(r *Report) (bool, string) { Decide(r); return r.Passed, r.Verdict }
	ok, verdict := decide(&Report{Requests: Requests{Sent: 10, Completed: 10, Unsolicited: 3}})
	assert.False(t, ok)
	assert.Contains(t, verdict, "unasked-for bytes on 3 kept connections")

	ok, verdict = decide(&Report{Requests: Requests{Sent: 10, Completed: 10}, Shedding: Shedding{Count: 10, Status503: 10}})
	assert.True(t, ok)
	assert.Contains(t, verdict, "SHED EVERY REQUEST")

	ok, verdict = decide(&Report{Requests: Requests{Sent: 10, Completed: 10}, Shedding: Shedding{Count: 9, Status503: 9}})
	assert.True(t, ok)
	assert.NotContains(t, verdict, "SHED")
}
