package report

import (
	"time"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// Observation is one result as the Collector folds it: what an Observer
// (the live metrics) needs to count it as report.json does.
type Observation struct {
	Case    int  // the case's index in the mix
	Warmup  bool // due within the warm-up: checked, but not measured
	Dropped bool // skipped by on_saturation: drop; nothing was sent
	// Err is the transport failure's kind; runner.ErrNone when a response
	// arrived, whose Status is then set.
	Err    runner.ErrKind
	Status int
	// Latency (from the scheduled send), Service (from the actual send) and
	// Lag (actual minus scheduled send) are set when a response arrived.
	Latency, Service, Lag time.Duration
	// Verdicts are the checks' verdicts on it (none for a dropped or a
	// cancelled request).
	Verdicts contract.Verdicts
}

// Measured reports whether the observation counts in the report's figures:
// it was not in the warm-up, and it was sent.
func (o *Observation) Measured() bool { return !o.Warmup && !o.Dropped }

// Observer sees every result the Collector folds, warm-up and dropped
// requests included (Observation says which), in batches: once per interval
// and once at Finish, on the aggregating goroutine, never on a worker's.
// Counting the measured ones as the report does gives report.json's figures
// (package metrics does). The batch is reused after Observe returns.
type Observer interface {
	Observe(batch []Observation)
}

// observation converts a record for an Observer.
func (r *record) observation() Observation {
	o := Observation{Case: int(r.caseIdx), Warmup: r.warmup, Dropped: r.dropped, Err: r.err, Verdicts: r.verdicts}
	if !r.dropped && r.err == runner.ErrNone {
		o.Status = int(r.status)
		o.Latency, o.Service, o.Lag = r.done-r.scheduled, r.done-r.sent, r.sent-r.scheduled
	}
	return o
}
