package compare

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

// The formats of a comparison's figures, each with its unit. Milliseconds,
// rates, counts and shares are the project's (package units); a change in
// percentage points and a p-value are a comparison's own.

// fmtMs formats milliseconds with their unit: 2.52ms, 41.4ms, 1235ms.
// Latencies stay in milliseconds however large, so a value and its
// interval read in one unit.
func fmtMs(ms float64) string {
	switch {
	case math.IsInf(ms, 1):
		return "∞"
	case math.IsInf(ms, -1):
		return "-∞"
	}
	return units.FormatMs(ms) + "ms"
}

// fmtBound formats a bound of an interval in milliseconds without the unit.
func fmtBound(ms float64) string { return strings.TrimSuffix(fmtMs(ms), "ms") }

// fmtDuration formats a tolerance such as 500µs in milliseconds: 0.50ms.
func fmtDuration(d time.Duration) string { return fmtMs(float64(d) / float64(time.Millisecond)) }

// fmtPercent formats a tolerance given as a fraction: 0.1 is 10%.
func fmtPercent(f float64) string { return units.FormatFloat(100*f) + "%" }

// fmtPP formats percentage points: 0.10pp, 0.005pp.
func fmtPP(pp float64) string {
	if pp != 0 && math.Abs(pp) < 0.01 {
		return strconv.FormatFloat(pp, 'f', 3, 64) + "pp"
	}
	return strconv.FormatFloat(pp, 'f', 2, 64) + "pp"
}

// fmtChange formats a relative change with its sign: +4.8%, -0.1%, +135%.
func fmtChange(c float64) string {
	prec := 1
	if math.Abs(c) >= 1 {
		prec = 0
	}
	return signed(strconv.FormatFloat(100*c, 'f', prec, 64)) + "%"
}

// fmtP formats a p-value: p=0.008, p=0.31, p<0.001, p=1.
func fmtP(p float64) string {
	switch {
	case p < 0.001:
		return "p<0.001"
	case p < 0.01:
		return "p=" + strconv.FormatFloat(p, 'f', 3, 64)
	case p >= 1:
		return "p=1"
	}
	return "p=" + strconv.FormatFloat(p, 'f', 2, 64)
}

// signed puts a + before a formatted number that has no sign.
func signed(s string) string {
	if strings.HasPrefix(s, "-") {
		return s
	}
	return "+" + s
}
