package main

import (
	"context"
	"fmt"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/threshold"
)

// errAborted is the cause of a run stopped by an abort_on_fail threshold.
type errAborted struct{ report.Abort }

func (e *errAborted) Error() string {
	return fmt.Sprintf("aborted: threshold %s failed after %.1fs", e.Threshold, e.AtS)
}

// abortWatch judges the scenario's abort_on_fail thresholds on the figures
// so far, once per interval, and stops the run at the first one that fails
// once its grace has passed since the end of the warm-up: it cancels the
// run's context with an *errAborted cause. It returns when ctx is done.
func abortWatch(ctx context.Context, ts []threshold.Threshold, every, warmup time.Duration,
	elapsed func() time.Duration, partial func() *report.Report, stop context.CancelCauseFunc) {
	var watch []threshold.Threshold
	for _, t := range ts {
		if t.AbortOnFail {
			watch = append(watch, t)
		}
	}
	if len(watch) == 0 {
		return
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		at := elapsed()
		var r *report.Report
		for _, t := range watch {
			if at < warmup+t.Grace {
				continue
			}
			if r == nil {
				if r = partial(); r.Requests.Sent == 0 {
					break
				}
			}
			if got := t.Evaluate(r); got.Error == "" && !got.Pass {
				stop(&errAborted{report.Abort{Threshold: t.Expr, AtS: at.Seconds(), Value: got.Value, Unit: got.Unit}})
				return
			}
		}
	}
}

// partialReport returns the report of the figures folded so far.
func partialReport(col *report.Collector, meta func(runner.Summary) report.Meta, rn *runner.Runner) *report.Report {
	p := rn.Progress()
	sum := runner.Summary{Start: time.Now().Add(-p.Elapsed), Elapsed: p.Elapsed, Scheduled: p.Scheduled,
		Sent: p.Sent, Dropped: p.Dropped, MaxInFlightSeen: p.MaxInFlight, ScheduleEnd: p.Elapsed}
	return col.PartialReport(meta(sum))
}
