package progress

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Snapshot is what a scenario's line shows; the caller computes it from the
// run's recorded figures each time the display polls.
//
// While the run goes on, the rate and the latencies are those of the last
// closed slice of the run (Window long), and the counts are running totals.
// Once the run is over (Final), every figure covers the measured phase, as
// the summary printed after it does, so that the last line and the summary
// agree.
type Snapshot struct {
	Elapsed, Total time.Duration // Total is 0 when the run is bounded by a request count
	// Rate is the achieved rate, requests sent per second, over Window;
	// Target the schedule's rate over the same time (0 for a closed model).
	Rate, Target float64
	// Window is the time Rate and the latencies cover: the last slice, or
	// the measured phase when Final; 0 before the first slice closes.
	Window time.Duration
	// Workers is the closed model's concurrency; 0 for an open model.
	Workers  int
	InFlight int64
	// Completed, Errors (transport errors) and Failed (requests that
	// failed a check) count the measured phase, or the warm-up while
	// Phase is "warm-up".
	Completed, Errors, Failed int64
	P50, P99                  time.Duration
	Phase                     string // e.g. "warm-up", "measure"; may be empty
	Final                     bool   // the run is over: the figures are the measured phase's
}

// Bar is the live display of one scenario. Done ends it.
type Bar struct {
	p    *Progress
	name string
	snap func() Snapshot
	last atomic.Pointer[Snapshot]
	bar  *mpb.Bar // Bars mode only
	once sync.Once
}

// Scenario starts the display of one scenario of total duration (0 when
// the run is bounded by a request count). The display polls snap, every
// refresh in Bars mode and every line interval in Lines mode, so snap must
// be safe to call from another goroutine while the run goes on.
func (p *Progress) Scenario(name string, total time.Duration, snap func() Snapshot) *Bar {
	b := &Bar{p: p, name: name, snap: snap}
	b.last.Store(&Snapshot{Total: total})
	if p.mode == Quiet || p.isClosed() {
		b.once.Do(func() {}) // nothing to end
		return b
	}
	p.pending.Add(1)
	if p.mode == Bars {
		style := mpb.BarStyle().Lbound("[").Rbound("]").Filler("█").Tip("█").Padding("░")
		var builder mpb.BarFillerBuilder = style
		if total <= 0 {
			builder = mpb.SpinnerStyle()
		}
		// One decorator lays out the whole line in the terminal's width,
		// figures first; the bar gets what is left, if enough is.
		b.bar = p.mpb.New(max(total.Milliseconds(), 1), builder,
			mpb.PrependDecorators(decor.Any(func(st decor.Statistics) string {
				return fitLine(name, b.last.Load(), st.AvailableWidth)
			})),
		)
	}
	p.add(b)
	return b
}

// refresh polls the snapshot and updates the display.
func (b *Bar) refresh() {
	s := b.snap()
	b.last.Store(&s)
	switch b.p.mode {
	case Bars:
		// Keep the bar short of complete until Done, however long the run overruns.
		cur := s.Elapsed.Milliseconds()
		if s.Total > 0 {
			cur = min(cur, s.Total.Milliseconds()-1)
		}
		b.bar.SetCurrent(max(cur, 0))
	case Lines:
		b.p.println(line(b.name, &s))
	}
}

// Done ends the scenario's display with a last poll of its snapshot. It is
// safe to call more than once.
func (b *Bar) Done() {
	b.once.Do(func() {
		defer b.p.pending.Done()
		b.p.remove(b)
		s := b.snap()
		b.last.Store(&s)
		if b.p.isClosed() {
			return
		}
		switch b.p.mode {
		case Bars:
			b.bar.SetTotal(-1, true) // complete at the current position
		case Lines:
			b.p.println(doneLine(b.name, &s))
		}
	})
}
