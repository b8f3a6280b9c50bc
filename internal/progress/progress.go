package progress

import (
	"context"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
)

// Mode selects how progress is shown.
type Mode int

// The modes.
const (
	// Lines prints a plain line per scenario every Options.LineInterval, for
	// CI logs and pipes. It is the zero value.
	Lines Mode = iota
	// Bars draws a live bar per scenario, for a terminal.
	Bars
	// Quiet shows nothing.
	Quiet
)

// String returns the mode's name.
func (m Mode) String() string {
	switch m {
	case Lines:
		return "lines"
	case Bars:
		return "bars"
	case Quiet:
		return "quiet"
	}
	return "mode(" + itoa(int64(m)) + ")"
}

// Defaults for Options.
const (
	// DefaultLineInterval is how often Lines mode prints.
	DefaultLineInterval = 10 * time.Second
	// DefaultRefresh is how often Bars mode polls the snapshots and redraws.
	DefaultRefresh = 200 * time.Millisecond
)

// Options tune a Progress; the zero value means the defaults.
type Options struct {
	// LineInterval is how often Lines mode prints a line per running scenario.
	LineInterval time.Duration
	// Refresh is how often Bars mode polls the snapshots and redraws.
	Refresh time.Duration
	// Width is the width of the bars in Bars mode, in columns; 0 lets mpb decide.
	Width int
}

// ModeFor picks the mode for a run: Quiet with --quiet, Lines with
// --no-progress or when stdout is not a terminal, else Bars.
func ModeFor(stdout *os.File, noProgress, quiet bool) Mode {
	switch {
	case quiet:
		return Quiet
	case noProgress || stdout == nil:
		return Lines
	}
	fi, err := stdout.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return Lines
	}
	return Bars
}

// Progress shows the steps and scenarios of a run. Its methods are safe for
// concurrent use. Close (or Wait) stops every goroutine it started.
type Progress struct {
	w      io.Writer
	mode   Mode
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc
	poller sync.WaitGroup // the goroutine that polls the scenarios
	mpb    *mpb.Progress  // Bars mode only

	mu      sync.Mutex
	bars    []*Bar
	steps   []*Step
	pending sync.WaitGroup // bars and steps not yet Done
	closed  bool
}

// New returns a Progress that writes to w in the given mode with the
// default options.
func New(w io.Writer, mode Mode) *Progress { return NewWith(w, mode, Options{}) }

// NewWith returns a Progress that writes to w in the given mode.
func NewWith(w io.Writer, mode Mode, o Options) *Progress {
	if o.LineInterval <= 0 {
		o.LineInterval = DefaultLineInterval
	}
	if o.Refresh <= 0 {
		o.Refresh = DefaultRefresh
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Progress{w: w, mode: mode, opts: o, ctx: ctx, cancel: cancel}
	switch mode {
	case Bars:
		opts := []mpb.ContainerOption{
			mpb.WithOutput(w),
			mpb.WithRefreshRate(o.Refresh),
			mpb.WithAutoRefresh(), // draw even when w is not a terminal
		}
		if o.Width > 0 {
			opts = append(opts, mpb.WithWidth(o.Width))
		}
		p.mpb = mpb.NewWithContext(ctx, opts...)
		p.poll(o.Refresh)
	case Lines:
		p.poll(o.LineInterval)
	}
	return p
}

// poll starts the goroutine that refreshes every running scenario each tick.
func (p *Progress) poll(every time.Duration) {
	p.poller.Add(1)
	go func() {
		defer p.poller.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.ctx.Done():
				return
			case <-t.C:
				p.tick()
			}
		}
	}()
}

// tick polls every running scenario and step once.
func (p *Progress) tick() {
	p.mu.Lock()
	bars := append([]*Bar(nil), p.bars...)
	steps := append([]*Step(nil), p.steps...)
	p.mu.Unlock()
	for _, s := range steps {
		s.refresh()
	}
	for _, b := range bars {
		b.refresh()
	}
}

// Wait waits until every step and scenario is Done, then closes p.
func (p *Progress) Wait() {
	p.pending.Wait()
	p.Close()
}

// Close stops p at once: scenarios still running are abandoned, and every
// goroutine p started has ended when it returns. It is safe to call twice.
func (p *Progress) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.mu.Unlock()
	p.cancel()
	p.poller.Wait()
	if p.mpb != nil {
		p.mpb.Shutdown()
	}
}

// isClosed reports whether Close has begun.
func (p *Progress) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// add registers a running scenario.
func (p *Progress) add(b *Bar) {
	p.mu.Lock()
	p.bars = append(p.bars, b)
	p.mu.Unlock()
}

// remove unregisters a scenario that is done.
func (p *Progress) remove(b *Bar) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, x := range p.bars {
		if x == b {
			p.bars = append(p.bars[:i], p.bars[i+1:]...)
			return
		}
	}
}

// addStep registers a running step.
func (p *Progress) addStep(s *Step) {
	p.mu.Lock()
	p.steps = append(p.steps, s)
	p.mu.Unlock()
}

// removeStep unregisters a step that is done.
func (p *Progress) removeStep(s *Step) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, x := range p.steps {
		if x == s {
			p.steps = append(p.steps[:i], p.steps[i+1:]...)
			return
		}
	}
}

// println writes one line in Lines mode, serialised with the other writers.
func (p *Progress) println(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	io.WriteString(p.w, s+"\n")
}
