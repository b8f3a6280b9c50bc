package progress

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Step is a phase outside the measured load, such as fixture setup or
// teardown, shown on its own line. Done ends it.
type Step struct {
	p      *Progress
	name   string
	start  time.Time
	bar    *mpb.Bar // Bars mode only
	result atomic.Pointer[string]
	once   sync.Once
}

// Step starts showing a named step, e.g. "setup: 4 sessions, 40 participants".
func (p *Progress) Step(name string) *Step {
	s := &Step{p: p, name: name, start: time.Now()}
	if p.mode == Quiet || p.isClosed() {
		s.once.Do(func() {})
		return s
	}
	p.pending.Add(1)
	switch p.mode {
	case Bars:
		s.bar = p.mpb.New(1, mpb.SpinnerStyle(),
			mpb.BarFillerClearOnComplete(),
			mpb.PrependDecorators(decor.Name(name, decor.WC{C: decor.DindentRight | decor.DextraSpace})),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string {
				if r := s.result.Load(); r != nil {
					return *r
				}
				return ""
			})),
		)
	case Lines:
		p.println(name + " ...")
	}
	return s
}

// Done ends the step: passed when err is nil, else failed with err's message.
// It is safe to call more than once; only the first call counts.
func (s *Step) Done(err error) {
	s.once.Do(func() {
		defer s.p.pending.Done()
		if s.p.isClosed() {
			return
		}
		took := time.Since(s.start)
		msg := "✓ done in " + fmtElapsed(took)
		if err != nil {
			msg = "✗ failed after " + fmtElapsed(took) + ": " + err.Error()
		}
		s.result.Store(&msg)
		switch s.p.mode {
		case Bars:
			s.bar.SetCurrent(1)
		case Lines:
			s.p.println(s.name + ": " + msg)
		}
	})
}
