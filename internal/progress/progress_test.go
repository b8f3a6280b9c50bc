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

// fakeRun returns a snapshot function for a run at 100/s whose figures
// follow the (fake) clock from the moment it is called; once the clock
// reaches total, it is the final snapshot of the measured phase.
func fakeRun(total time.Duration) func() Snapshot {
	start := time.Now()
	return func() Snapshot {
		el := time.Since(start)
		n := int64(el / (10 * time.Millisecond))
		s := Snapshot{
			Elapsed: el, Total: total, Rate: 99.5, Target: 100, Window: time.Second,
			InFlight: 3, Completed: n, Errors: n / 500, Failed: n / 250,
			P50: 1070 * time.Microsecond, P99: 12 * time.Millisecond, Phase: "measure",
		}
		if total > 0 && el >= total {
			s.Final, s.Rate, s.Window, s.P99, s.InFlight = true, 99.9, total, 31*time.Millisecond, 0
		}
		return s
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
			"[   9s/30s] smoke: 99.5/s of 100.0/s, p50 1.07ms, p99 12.0ms in the last 1s; completed 880, errors 1, failed 3, in flight 3",
			"[  19s/30s] smoke: 99.5/s of 100.0/s, p50 1.07ms, p99 12.0ms in the last 1s; completed 1,880, errors 3, failed 7, in flight 3",
			"[  29s/30s] smoke: 99.5/s of 100.0/s, p50 1.07ms, p99 12.0ms in the last 1s; completed 2,880, errors 5, failed 11, in flight 3",
			// The last line covers the measured phase, as the summary does.
			"[  30s/30s] smoke done, measured phase: 99.9/s of 100.0/s, p50 1.07ms, p99 31.0ms; completed 3,000, errors 6, failed 12",
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
		if n := strings.Count(buf.String(), "] s: "); n != 3 {
			t.Errorf("%d progress lines in 7 s every 2 s, want 3:\n%s", n, buf.String())
		}
		if !strings.Contains(buf.String(), "[   2s] s: ") {
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
		for _, want := range []string{"smoke-a", "smoke-b", "setup", "12/27 calls, 2 retried", "p99 12.0ms", "inflight 3", "p99 31.0ms"} {
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

func TestFitLine(t *testing.T) {
	big := Snapshot{
		Elapsed: 65 * time.Second, Total: 2 * time.Minute, Rate: 1819.8, Target: 2000, Window: time.Second,
		InFlight: 157, Completed: 1_234_567, Errors: 12_345, Failed: 23_456,
		P50: 2830 * time.Microsecond, P99: 537 * time.Millisecond, Phase: "measure",
	}
	closed := big
	closed.Workers, closed.Target = 64, 0
	warm := big
	warm.Phase = "warm-up"
	final := Snapshot{Elapsed: time.Minute, Total: time.Minute, Rate: 295.5, Target: 295.5, Window: 55 * time.Second,
		Completed: 16_250, Failed: 48, P50: 2810 * time.Microsecond, P99: 526800 * time.Microsecond, Final: true}
	for _, tc := range []struct {
		name  string
		s     Snapshot
		width int
		want  []string // in this order
		bar   bool     // room left for the bar
	}{
		{"80 columns keep the key figures", big, 80,
			[]string{"1m05s/2m00s", "1819.8/s of 2000.0/s", "done 1,234,567", "err 12,345", "p99 537.0ms"}, false},
		{"120 columns add the rest", big, 120,
			[]string{"1m05s/2m00s", "1819.8/s of 2000.0/s", "done 1,234,567", "err 12,345", "fail 23,456", "p50 2.83ms", "p99 537.0ms", "inflight 157", "smoke"}, false},
		{"200 columns leave room for the bar", big, 200, []string{"inflight 157", "smoke"}, true},
		{"the closed model shows its workers", closed, 80, []string{"64 workers 1819.8/s", "done 1,234,567", "p99 537.0ms"}, false},
		{"the warm-up says so", warm, 100, []string{"1m05s/2m00s", "warm-up", "1819.8/s"}, false},
		{"40 columns: time and rate first", big, 40, []string{"1m05s/2m00s", "1819.8/s of 2000.0/s"}, false},
		{"the last line at 80 columns: the summary's figures", final, 80,
			[]string{"measured", "295.5/s of 295.5/s", "done 16,250", "err 0", "fail 48", "p99 526.8ms"}, false},
	} {
		got := fitLine("smoke", &tc.s, tc.width)
		if w := len([]rune(got)); w > tc.width {
			t.Errorf("%s: %d columns, more than %d: %q", tc.name, w, tc.width, got)
		}
		rest := got
		for _, want := range tc.want {
			i := strings.Index(rest, want)
			if i < 0 {
				t.Errorf("%s: %q lacks %q (or has it out of order)", tc.name, got, want)
				break
			}
			rest = rest[i+len(want):]
		}
		if room := tc.width - len([]rune(got)); (room > 0) != tc.bar {
			t.Errorf("%s: %d columns left for the bar in %q", tc.name, room, got)
		}
	}
	if got := fitLine("smoke", &Snapshot{Total: time.Minute}, 80); !strings.Contains(got, "-/s of -/s") {
		t.Errorf("before the first slice the rate is unknown: %q", got)
	}
}

func TestNote(t *testing.T) {
	var buf bytes.Buffer
	p := New(&buf, Lines)
	p.Note("smoke: open model, constant 100/s for 30s → results/x")
	p.Close()
	p.Note("after Close: nothing")
	if got := buf.String(); got != "smoke: open model, constant 100/s for 30s → results/x\n" {
		t.Errorf("note %q", got)
	}
}
