package report

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// plainTicks label a linear axis at a round step (1, 2, 2.5 or 5 times a
// power of ten) that gives four to eight labels, free of trailing zeros
// ("500", not "500.00"), with a suffix such as "%"; an unlabelled tick
// halfway between two labels.
type plainTicks struct{ suffix string }

// Ticks returns the ticks between min and max.
func (t plainTicks) Ticks(min, max float64) []plot.Tick {
	span := max - min
	if span <= 0 || math.IsNaN(span) || math.IsInf(span, 0) {
		return []plot.Tick{{Value: min, Label: fmtTick(min) + t.suffix}}
	}
	step := niceStep(span / 4)
	var ticks []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max+step*1e-9; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: fmtTick(v) + t.suffix})
		if h := v + step/2; h <= max {
			ticks = append(ticks, plot.Tick{Value: h})
		}
	}
	return ticks
}

// niceStep returns the round step at or above x: 1, 2, 2.5 or 5 times a
// power of ten.
func niceStep(x float64) float64 {
	d := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*d >= x*(1-1e-9) {
			return m * d
		}
	}
	return 10 * d
}

// fmtTick formats a tick value without float noise or trailing zeros.
func fmtTick(v float64) string {
	if math.Abs(v) < 1e-12 {
		return "0"
	}
	return strconv.FormatFloat(roundSig(v), 'f', -1, 64)
}

// latencyTicks label a logarithmic axis of milliseconds with durations:
// 1-2-5 in each decade while the axis spans at most two decades, else the
// powers of ten alone ("0.1ms", "1ms", "10ms", "100ms", "1s"), the other
// values of each decade as unlabelled ticks.
type latencyTicks struct{}

// Ticks returns the ticks between min and max (milliseconds, > 0).
func (latencyTicks) Ticks(min, max float64) []plot.Tick {
	if min <= 0 || max <= min {
		return nil
	}
	labelled := map[int]bool{1: true, 2: true, 5: true}
	if math.Log10(max/min) > 2.2 {
		labelled = map[int]bool{1: true}
	}
	var ticks []plot.Tick
	for d := math.Pow(10, math.Floor(math.Log10(min))); d <= max*1.0001; d *= 10 {
		for m := 1; m <= 9; m++ {
			v := float64(m) * d
			if v < min*0.9999 || v > max*1.0001 {
				continue
			}
			tk := plot.Tick{Value: v}
			if labelled[m] {
				tk.Label = fmtTickMs(v)
			}
			ticks = append(ticks, tk)
		}
	}
	return ticks
}

// fmtTickMs labels a tick in milliseconds: "0.5ms", "20ms", "1s", "2.5s".
func fmtTickMs(ms float64) string {
	if ms >= 1000 {
		return strconv.FormatFloat(roundSig(ms/1000), 'f', -1, 64) + "s"
	}
	return strconv.FormatFloat(roundSig(ms), 'f', -1, 64) + "ms"
}

// roundSig rounds to 6 significant digits, hiding float noise.
func roundSig(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 6, 64), 64)
	return f
}

// timeTicks label an axis of seconds since the start at round steps: "10s",
// "2m", "1m30s", "6h".
type timeTicks struct{}

// timeSteps are the tick steps, in seconds.
var timeSteps = []float64{1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400}

// Ticks returns four to seven labelled ticks between min and max.
func (timeTicks) Ticks(min, max float64) []plot.Tick {
	span := max - min
	if span <= 0 {
		return []plot.Tick{{Value: min, Label: fmtTickSeconds(min)}}
	}
	step := timeSteps[len(timeSteps)-1]
	for _, s := range timeSteps {
		if span/s <= 6 {
			step = s
			break
		}
	}
	var ticks []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max+1e-9; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: fmtTickSeconds(v)})
		// An unlabelled tick halfway, for the eye.
		if h := v + step/2; h <= max {
			ticks = append(ticks, plot.Tick{Value: h})
		}
	}
	return ticks
}

// fmtTickSeconds formats seconds since the start: "0", "45s", "2m", "1m30s",
// "6h", "1h30m".
func fmtTickSeconds(s float64) string {
	n := int64(math.Round(s))
	switch {
	case n == 0:
		return "0"
	case n < 60:
		return strconv.FormatInt(n, 10) + "s"
	case n < 3600:
		return join2(n/60, "m", n%60, "s")
	}
	return join2(n/3600, "h", n%3600/60, "m")
}

// join2 formats "1m30s", or "2m" when the second part is zero.
func join2(a int64, ua string, b int64, ub string) string {
	s := strconv.FormatInt(a, 10) + ua
	if b != 0 {
		s += strconv.FormatInt(b, 10) + ub
	}
	return s
}

// percentileTicks labels a 1/(1-q) log axis with percentiles: 1 is 0%, 2 is
// 50%, 10 is 90%, 100 is 99% and so on, one decade per nine.
type percentileTicks struct{}

// Ticks returns the percentile ticks between min and max.
func (percentileTicks) Ticks(min, max float64) []plot.Tick {
	ticks := []plot.Tick{{Value: 1, Label: "0%"}, {Value: 2, Label: "50%"}}
	for d := 1; ; d++ {
		x := math.Pow(10, float64(d))
		if x > max*1.0001 {
			break
		}
		ticks = append(ticks, plot.Tick{Value: x, Label: percentileLabel(d)})
	}
	var out []plot.Tick
	for _, t := range ticks {
		if t.Value >= min && t.Value <= max*1.0001 {
			out = append(out, t)
		}
	}
	return out
}

// percentileLabel returns the label of 10^d on a 1/(1-q) axis: 90%, 99%, 99.9%…
func percentileLabel(d int) string {
	switch d {
	case 1:
		return "90%"
	case 2:
		return "99%"
	}
	return "99." + strings.Repeat("9", d-2) + "%"
}
