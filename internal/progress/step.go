package progress

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Step is a phase outside the measured load, such as fixture setup or
// teardown, shown on its own line with the status its owner gives it.
// Done ends it.
type Step struct {
	p       *Progress
	name    string
	start   time.Time
	bar     *mpb.Bar // Bars mode only
	status  atomic.Pointer[string]
	result  atomic.Pointer[string]
	once    sync.Once
	mu      sync.Mutex // orders the Lines-mode status lines before the last line
	printed string     // Lines mode: the status last printed
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
				return s.Status()
			})),
		)
	case Lines:
		p.println(name + " ...")
	}
	p.addStep(s)
	return s
}

// SetStatus sets what the step shows while it runs, e.g. "312/525 calls,
// 4 retried", and what its last line repeats when it is done. It is safe to
// call from any goroutine, as often as wanted: Bars mode shows the latest
// at each refresh, Lines mode prints it every line interval when it changed.
func (s *Step) SetStatus(status string) { s.status.Store(&status) }

// Status returns the status last set, or "".
func (s *Step) Status() string {
	if st := s.status.Load(); st != nil {
		return *st
	}
	return ""
}

// refresh prints the status in Lines mode when it changed since the last
// print. Only the poller calls it.
func (s *Step) refresh() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.Status(); s.p.mode == Lines && s.result.Load() == nil && st != "" && st != s.printed {
		s.printed = st
		s.p.println(s.name + ": " + st)
	}
}

// Done ends the step: passed when err is nil, else failed with err's message.
// It is safe to call more than once; only the first call counts.
func (s *Step) Done(err error) {
	s.once.Do(func() {
		defer s.p.pending.Done()
		s.p.removeStep(s)
		if s.p.isClosed() {
			return
		}
		took := time.Since(s.start)
		status := ""
		if st := s.Status(); st != "" {
			status = " (" + st + ")"
		}
		msg := "✓ done in " + fmtElapsed(took) + status
		if err != nil {
			msg = "✗ failed after " + fmtElapsed(took) + status + ": " + err.Error()
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.result.Store(&msg)
		switch s.p.mode {
		case Bars:
			s.bar.SetCurrent(1)
		case Lines:
			s.p.println(s.name + ": " + msg)
		}
	})
}
