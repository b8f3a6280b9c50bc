package main

import (
	"context"
	"fmt"
	"time"
)

// maxStartDelay is how late after --start-at a run may still begin its
// schedule: enough for the timer's own wake-up, too little to shift the
// intervals that merge lines up by position.
const maxStartDelay = 100 * time.Millisecond

// checkStartAt refuses, before anything is sent, a --start-at that cannot
// be kept: one given to a suite (one instant, one scenario), or one already
// past.
func (o *runOptions) checkStartAt(scenarios int, now time.Time) error {
	at := o.startAt.t
	switch {
	case at.IsZero():
		return nil
	case scenarios > 1:
		return usagef("--start-at starts one scenario; %d were given", scenarios)
	case now.Sub(at) > maxStartDelay:
		return usagef("--start-at %s is %s in the past; give an instant far enough ahead for every shard's fixture setup",
			o.startAt.String(), now.Sub(at).Round(time.Millisecond))
	}
	return nil
}

// waitStart waits, after the fixture setup, until --start-at, so that the
// shards of a distributed run begin their schedules at one instant and their
// intervals line up. A setup that ended later than the instant (by more
// than maxStartDelay) is a usage error: the run would not start with the
// others, and nothing of its load was sent. Ctrl-C ends the wait.
func (sr *scenarioRun) waitStart(ctx context.Context) error {
	at := sr.o.startAt.t
	if at.IsZero() {
		return nil
	}
	if late := time.Since(at); late > maxStartDelay {
		return usagef("--start-at %s passed %s before the fixture setup ended; give an instant further ahead",
			sr.o.startAt.String(), late.Round(time.Millisecond))
	}
	step := sr.pg.Step(fmt.Sprintf("%s: start at %s", sr.s.Name, at.UTC().Format(time.RFC3339Nano)))
	t := time.NewTimer(time.Until(at))
	defer t.Stop()
	select {
	case <-t.C:
		step.Done(nil)
		return nil
	case <-ctx.Done():
		step.Done(ctx.Err())
		return context.Canceled
	}
}
