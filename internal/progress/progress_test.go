package progress

import (
	"bytes"
	"errors"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

// fakeRun returns a snapshot function for a 30 s run at 100/s whose figures
// follow the (fake) clock from the moment it is called.
func fakeRun(total time.Duration) func() Snapshot {
	start := time.Now()
	return func() Snapshot {
		el := time.Since(start)
		n := int64(el / (10 * time.Millisecond))
		return Snapshot{
			Elapsed: el, Total: total, TargetRate: 100, AchievedRate: 99.5,
			InFlight: 3, Completed: n, Errors: n / 500, Violations: n / 250,
			P50: 1070 * time.Microsecond, P99: 12 * time.Millisecond, Phase: "measure",
		}
	}
}

func TestLinesMode(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf bytes.Buffer
		p := New(&buf, Lines)
		setup := p.Step("setup: 4 sessions")
		time.Sleep(1200 * time.Millisecond)
		setup.Done(nil)
		b := p.Scenario("smoke", 30*time.Second, fakeRun(30*time.Second))
		time.Sleep(30 * time.Second)
		b.Done()
		teardown := p.Step("teardown")
		time.Sleep(300 * time.Millisecond)
		teardown.Done(errors.New("2 sessions left"))
		p.Wait()

		want := strings.Join([]string{
			"setup: 4 sessions ...",
			"setup: 4 sessions: ✓ done in 1s",
			// The ticker started with New, 1.2 s before the scenario.
			"[   9s/30s] smoke (measure): 99.5/s of 100.0/s, in flight 3, completed 880, errors 1, violations 3, p50 1.07ms, p99 12.0ms",
			"[  19s/30s] smoke (measure): 99.5/s of 100.0/s, in flight 3, completed 1,880, errors 3, violations 7, p50 1.07ms, p99 12.0ms",
			"[  29s/30s] smoke (measure): 99.5/s of 100.0/s, in flight 3, completed 2,880, errors 5, violations 11, p50 1.07ms, p99 12.0ms",
			"[  30s/30s] smoke done: 99.5/s of 100.0/s, in flight 3, completed 3,000, errors 6, violations 12, p50 1.07ms, p99 12.0ms",
			"teardown ...",
			"teardown: ✗ failed after 0s: 2 sessions left",
			"",
		}, "\n")
		if got := buf.String(); got != want {
			t.Errorf("lines:\n%s\nwant:\n%s", got, want)
		}
	})
}

// TestStepStatus: a step's status is printed every line interval while it
// changes, never after the step's last line, which repeats it.
func TestStepStatus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf bytes.Buffer
		p := New(&buf, Lines)
		st := p.Step("setup")
		time.Sleep(500 * time.Millisecond) // half-way between the ticks
		for i := range 25 {
			st.SetStatus(units.FormatCount(int64(40*(i+1))) + "/1,025 calls")
			if i < 19 {
				time.Sleep(time.Second)
			}
		}
		time.Sleep(5500 * time.Millisecond)
		st.Done(nil)
		time.Sleep(10 * time.Second)
		failing := p.Step("teardown")
		failing.SetStatus("3/10 calls")
		failing.Done(errors.New("could not delete 7 of 10"))
		p.Wait()
		want := strings.Join([]string{
			"setup ...",
			"setup: 400/1,025 calls",   // at 10 s
			"setup: 1,000/1,025 calls", // at 20 s: only the latest of the statuses set since
			"setup: ✓ done in 25s (1,000/1,025 calls)",
			"teardown ...",
			"teardown: ✗ failed after 0s (3/10 calls): could not delete 7 of 10",
			"",
		}, "\n")
		if got := buf.String(); got != want {
			t.Errorf("lines:\n%s\nwant:\n%s", got, want)
		}
		if got := st.Status(); got != "1,000/1,025 calls" {
			t.Errorf("Status() = %q", got)
		}
	})
}

func TestLinesIntervalOption(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf bytes.Buffer
		p := NewWith(&buf, Lines, Options{LineInterval: 2 * time.Second})
		b := p.Scenario("s", 0, fakeRun(0))
		time.Sleep(7 * time.Second)
		b.Done()
		p.Close()
		if n := strings.Count(buf.String(), "] s (measure): "); n != 3 {
			t.Errorf("%d progress lines in 7 s every 2 s, want 3:\n%s", n, buf.String())
		}
		if !strings.Contains(buf.String(), "[   2s] s (measure): ") {
			t.Errorf("without a total the clock shows the elapsed time alone:\n%s", buf.String())
		}
	})
}

func TestBarsMode(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf bytes.Buffer
		p := NewWith(&buf, Bars, Options{Width: 100})
		st := p.Step("setup")
		st.SetStatus("12/27 calls, 2 retried")
		time.Sleep(500 * time.Millisecond)
		st.Done(nil)
		a := p.Scenario("smoke-a", 10*time.Second, fakeRun(10*time.Second))
		c := p.Scenario("smoke-b", 10*time.Second, fakeRun(10*time.Second))
		time.Sleep(10 * time.Second)
		a.Done()
		c.Done()
		c.Done() // twice is fine
		p.Wait()
		out := buf.String()
		for _, want := range []string{"smoke-a", "smoke-b", "setup", "12/27 calls, 2 retried", "p99 12.0ms", "inflight 3"} {
			if !strings.Contains(out, want) {
				t.Errorf("bars output lacks %q:\n%s", want, out)
			}
		}
	})
}

func TestCloseStopsEverything(t *testing.T) {
	// Close abandons a scenario still running; synctest.Test fails if any
	// goroutine of the bubble is left behind.
	for _, mode := range []Mode{Bars, Lines, Quiet} {
		t.Run(mode.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var buf bytes.Buffer
				p := New(&buf, mode)
				p.Scenario("running", time.Minute, fakeRun(time.Minute))
				p.Step("setup")
				time.Sleep(3 * time.Second)
				p.Close()
				p.Close()
			})
		})
	}
}

func TestNoGoroutineLeftAfterClose(t *testing.T) {
	before := runtime.NumGoroutine()
	var buf syncBuffer
	p := NewWith(&buf, Bars, Options{Refresh: time.Millisecond})
	b := p.Scenario("real", time.Second, fakeRun(time.Second))
	time.Sleep(20 * time.Millisecond)
	b.Done()
	p.Close()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before", n, before)
	}
}

func TestQuietWritesNothing(t *testing.T) {
	var buf bytes.Buffer
	p := New(&buf, Quiet)
	p.Step("setup").Done(nil)
	p.Scenario("s", time.Second, fakeRun(time.Second)).Done()
	p.Wait()
	if buf.Len() != 0 {
		t.Errorf("quiet mode wrote %q", buf.String())
	}
}

func TestModeFor(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		name              string
		file              *os.File
		noProgress, quiet bool
		want              Mode
	}{
		{"quiet wins", f, true, true, Quiet},
		{"no-progress", f, true, false, Lines},
		{"a file is not a terminal", f, false, false, Lines},
		{"no stdout", nil, false, false, Lines},
	} {
		if got := ModeFor(tc.file, tc.noProgress, tc.quiet); got != tc.want {
			t.Errorf("%s: ModeFor = %v, want %v", tc.name, got, tc.want)
		}
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if got := ModeFor(tty, false, false); got != Bars {
			t.Errorf("ModeFor(/dev/tty) = %v, want bars", got)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{fmtElapsed(59499 * time.Millisecond), "59s"},
		{fmtElapsed(125 * time.Second), "2m05s"},
		{fmtLatency(0), "-"},
		{fmtLatency(1234 * time.Microsecond), "1.23ms"},
		{fmtLatency(250 * time.Millisecond), "250.0ms"},
		{Mode(9).String(), "mode(9)"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the writer goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func TestShowBars(t *testing.T) {
	if os.Getenv("SHOW_BARS") == "" {
		t.Skip()
	}
	synctest.Test(t, func(t *testing.T) {
		var buf bytes.Buffer
		p := NewWith(&buf, Bars, Options{Width: 120})
		a := p.Scenario("smoke", 10*time.Second, fakeRun(10*time.Second))
		time.Sleep(4 * time.Second)
		a.Done()
		p.Wait()
		t.Logf("%q", buf.String()[max(0, buf.Len()-600):])
	})
}
