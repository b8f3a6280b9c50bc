package report

// Live is what the progress display shows while a run goes on, and once it
// has ended.
type Live struct {
	// Run counts the whole run so far, warm-up included; Measured the
	// measured phase alone, as report.json's requests do.
	// Both count requests once they are answered or failed.
	Run, Measured LiveCounts
	// Last is the last slice closed (zero before the first closes).
	// LastTarget is the schedule's mean rate over it: the mean of the
	// target rate at its start and at its end, exact for a constant rate
	// and a linear ramp.
	Last       Interval
	LastTarget float64
	// Finished is set once Finish has run; LatencyMs then holds the
	// measured phase's latency, the report's latency_ms.
	Finished  bool
	LatencyMs Summary
}

// LiveCounts are the running totals of a run or of its measured phase.
type LiveCounts struct {
	Sent, Completed int64
	Errors          int64 // transport errors
	Failed          int64 // requests that failed at least one check, transport failures included
}

// Live returns the running totals, the last slice and, once the run is
// finished, the measured phase's latency.
func (c *Collector) Live() Live {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.agg
	l := Live{
		Run:      LiveCounts{Completed: a.allCompleted, Errors: a.allErrors, Failed: a.allViolations},
		Measured: LiveCounts{Sent: a.sent, Completed: a.completed, Errors: a.sent - a.completed, Failed: a.failed},
		Last:     a.last,
		Finished: c.finished,
	}
	l.Run.Sent = a.allCompleted + a.allErrors
	l.Last.Histogram = ""
	l.LastTarget = (a.prevTarget + a.last.TargetRate) / 2
	if c.finished {
		l.LatencyMs = summarize(a.lat)
	}
	return l
}
