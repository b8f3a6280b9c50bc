package progress

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Snapshot is what a scenario's bar shows; the caller computes it from the
// run's recorded figures each time the bar polls.
type Snapshot struct {
	Elapsed, Total time.Duration // Total is 0 when the run is bounded by a request count
	TargetRate     float64       // scheduled requests per second
	AchievedRate   float64       // sent requests per second
	InFlight       int64
	Completed      int64
	Errors         int64         // transport errors
	Violations     int64         // responses that failed a check
	P50, P99       time.Duration // latency of the last interval
	Phase          string        // e.g. "warmup", "measure"; may be empty
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
		b.bar = p.mpb.New(max(total.Milliseconds(), 1), builder,
			mpb.PrependDecorators(
				decor.Name(name, decor.WC{C: decor.DindentRight | decor.DextraSpace}),
				decor.Any(func(decor.Statistics) string { return clock(b.last.Load()) }, decor.WCSyncSpaceR),
			),
			mpb.AppendDecorators(
				decor.Any(func(decor.Statistics) string { return barFigures(b.last.Load()) }),
			),
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
