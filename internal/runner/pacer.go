package runner

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Pacer decides when each request of an open-model run is due.
//
// Pace returns how long to wait, from elapsed, before request number sent
// (0-based) is due; a negative wait means it is already late. stop is true when
// the shape has no request number sent. The wait is computed from the
// schedule, never from the last sleep, so the rate cannot drift.
type Pacer interface {
	Pace(elapsed time.Duration, sent uint64) (wait time.Duration, stop bool)
	// Rate returns the target rate at elapsed, in requests per second.
	Rate(elapsed time.Duration) float64
	fmt.Stringer
}

// due returns when request n is due under pacer p: the elapsed time at which
// Pace(elapsed, n) returns a zero wait.
func due(p Pacer, n uint64) (time.Duration, bool) {
	w, stop := p.Pace(0, n)
	return w, stop
}

// Constant paces requests at a fixed rate: request n is due at n/PerSecond.
type Constant struct {
	PerSecond float64 // requests per second; fractions allowed, must be > 0
}

var _ Pacer = Constant{}

// Pace implements Pacer.
func (c Constant) Pace(elapsed time.Duration, sent uint64) (time.Duration, bool) {
	if c.PerSecond <= 0 {
		return 0, true
	}
	return seconds(float64(sent)/c.PerSecond) - elapsed, false
}

// Rate implements Pacer.
func (c Constant) Rate(time.Duration) float64 { return c.PerSecond }

// String returns e.g. "constant 100/s".
func (c Constant) String() string { return "constant " + formatRate(c.PerSecond) }

// Ramp changes the rate linearly from From to To over Duration, then stops.
//
// The number of requests due by t is H(t) = From*t + (To-From)*t²/(2*Duration).
// Request n is due when H(t) = n, which for a = (To-From)/(2*Duration) is
// t = 2n / (From + sqrt(From² + 4an)), a form that stays exact when a → 0.
type Ramp struct {
	From, To float64 // requests per second at the start and at the end, ≥ 0
	Duration time.Duration
}

var _ Pacer = Ramp{}

// hits returns H(Duration), the number of requests the ramp schedules.
func (r Ramp) hits() float64 {
	return (r.From + r.To) / 2 * r.Duration.Seconds()
}

// Pace implements Pacer.
func (r Ramp) Pace(elapsed time.Duration, sent uint64) (time.Duration, bool) {
	t, ok := r.at(float64(sent))
	if !ok {
		return 0, true
	}
	return seconds(t) - elapsed, false
}

// at returns the time in seconds at which request n is due, or false when the
// ramp ends first.
func (r Ramp) at(n float64) (float64, bool) {
	d := r.Duration.Seconds()
	if d <= 0 || n >= r.hits() {
		return 0, false
	}
	if n == 0 {
		// The first request is due when the rate first allows one: at once
		// when From > 0, else when H(t) first reaches 0 — also at t=0. A
		// ramp from 0 sends its first request at the start.
		return 0, true
	}
	a := (r.To - r.From) / (2 * d)
	disc := r.From*r.From + 4*a*n
	if disc < 0 {
		return 0, false
	}
	den := r.From + math.Sqrt(disc)
	if den <= 0 {
		return 0, false
	}
	return 2 * n / den, true
}

// Rate implements Pacer.
func (r Ramp) Rate(elapsed time.Duration) float64 {
	if elapsed < 0 || elapsed >= r.Duration || r.Duration <= 0 {
		return 0
	}
	f := elapsed.Seconds() / r.Duration.Seconds()
	return r.From + (r.To-r.From)*f
}

// String returns e.g. "ramp 0/s→100/s over 10s".
func (r Ramp) String() string {
	return fmt.Sprintf("ramp %s→%s over %s", formatRate(r.From), formatRate(r.To), r.Duration)
}

// Stages chains ramps: each stage ramps linearly from the previous stage's
// final rate (0 for the first) to its own rate over its duration. A stage
// that keeps its rate is a constant step.
type Stages []Stage

// Stage is one step of Stages.
type Stage struct {
	Duration time.Duration
	Rate     float64 // requests per second at the end of the stage
}

var _ Pacer = Stages{}

// Pace implements Pacer.
func (s Stages) Pace(elapsed time.Duration, sent uint64) (time.Duration, bool) {
	n := float64(sent)
	var start time.Duration
	from := 0.0
	for _, st := range s {
		r := Ramp{From: from, To: st.Rate, Duration: st.Duration}
		h := r.hits()
		if n < h {
			t, ok := r.at(n)
			if ok {
				return start + seconds(t) - elapsed, false
			}
		}
		n -= h
		start += st.Duration
		from = st.Rate
	}
	return 0, true
}

// Rate implements Pacer.
func (s Stages) Rate(elapsed time.Duration) float64 {
	var start time.Duration
	from := 0.0
	for _, st := range s {
		if elapsed < start+st.Duration {
			return Ramp{From: from, To: st.Rate, Duration: st.Duration}.Rate(elapsed - start)
		}
		start += st.Duration
		from = st.Rate
	}
	return 0
}

// Duration returns the total length of the stages.
func (s Stages) Duration() time.Duration {
	var d time.Duration
	for _, st := range s {
		d += st.Duration
	}
	return d
}

// String returns e.g. "stages [10s→50/s 30s→200/s]".
func (s Stages) String() string {
	parts := make([]string, len(s))
	for i, st := range s {
		parts[i] = st.Duration.String() + "→" + formatRate(st.Rate)
	}
	return "stages [" + strings.Join(parts, " ") + "]"
}

// seconds converts float seconds to a Duration, rounding to the nanosecond.
func seconds(s float64) time.Duration { return time.Duration(math.Round(s * 1e9)) }

// formatRate returns e.g. "100/s" or "0.5/s".
func formatRate(perSecond float64) string {
	// Six significant digits: a shard's share, 400/3, reads 133.333/s,
	// not 133.33333333333331/s.
	v, _ := strconv.ParseFloat(strconv.FormatFloat(perSecond, 'g', 6, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64) + "/s"
}
