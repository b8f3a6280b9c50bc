package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseDuration parses a duration written in Go syntax: a number with a
// unit, ns, us, ms, s, m or h, combinable ("800us", "1.5s", "1h30m"); "0"
// needs no unit. Negative durations parse; the caller decides whether they
// are allowed. The error says what is wrong and how to write it instead.
func ParseDuration(s string) (time.Duration, error) {
	v := strings.TrimSpace(s)
	d, err := time.ParseDuration(v)
	if err == nil {
		return d, nil
	}
	hint := "use a number with a unit: ms, s, m or h, e.g. 500ms, 30s, 2m"
	if _, nerr := strconv.ParseFloat(v, 64); nerr == nil {
		hint = fmt.Sprintf("a duration needs a unit, e.g. %ss or %sms", v, v)
	}
	return 0, fmt.Errorf("%q is not a duration; %s", s, hint)
}

// FormatMs formats a time in milliseconds, without its unit, with a
// precision that suits its size: "0", "1.23", "12.3", "1235"; "-" for a
// value that is not finite.
func FormatMs(ms float64) string {
	switch a := math.Abs(ms); {
	case math.IsNaN(ms) || math.IsInf(ms, 0):
		return "-"
	case a == 0:
		return "0"
	case a < 10:
		return strconv.FormatFloat(ms, 'f', 2, 64)
	case a < 1000:
		return strconv.FormatFloat(ms, 'f', 1, 64)
	}
	return strconv.FormatFloat(ms, 'f', 0, 64)
}

// FormatDurationMs formats a time in milliseconds with its unit: "4.10ms",
// "250.0ms", or seconds from one second up, "1.25s".
func FormatDurationMs(ms float64) string {
	if math.Abs(ms) >= 1000 {
		return strconv.FormatFloat(ms/1000, 'f', 2, 64) + "s"
	}
	return FormatMs(ms) + "ms"
}

// FormatDuration formats d as FormatDurationMs does: "4.10ms", "1.25s".
func FormatDuration(d time.Duration) string {
	return FormatDurationMs(float64(d) / float64(time.Millisecond))
}

// FormatSeconds formats a length of time in seconds to a tenth: "30.0s",
// or minutes and seconds from a minute up, "2m05.0s".
func FormatSeconds(s float64) string {
	if s >= 60 {
		m := math.Floor(s / 60)
		return fmt.Sprintf("%.0fm%04.1fs", m, s-m*60)
	}
	return strconv.FormatFloat(s, 'f', 1, 64) + "s"
}
