package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// ParseNumber parses a finite decimal number such as 70, 0.5, .25 or 1e3.
// Hexadecimal floats, digit separators (_), NaN and infinities are refused.
func ParseNumber(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err == nil && (math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "xXpP_")) {
		err = fmt.Errorf("%q is not a finite decimal number", s)
	}
	return v, err
}

// ParseFraction parses a share from 0 to 1, written as a percentage ("0.1%",
// "5 %") or as a fraction below 1 ("0.001"); it reports whether it was a
// percentage. A bare 1 is refused as ambiguous (100%, or 1%?): write the
// percent sign.
func ParseFraction(s string) (v float64, percent bool, err error) {
	num, percent := strings.CutSuffix(strings.TrimSpace(s), "%")
	v, err = ParseNumber(strings.TrimSpace(num))
	switch {
	case err != nil:
		return 0, false, fmt.Errorf("%s is not a number; write a percentage (0.1%%) or a fraction below 1 (0.001)", s)
	case percent:
		v /= 100
	case v == 1:
		return 0, false, fmt.Errorf("%s is ambiguous; write 100%% for every one, or 1%% for one in a hundred", s)
	}
	if v < 0 || v > 1 {
		return 0, false, fmt.Errorf("%s is out of range; write a percentage from 0%% to 100%%, or a fraction from 0 to 1", s)
	}
	return v, percent, nil
}

// FormatFloat formats v without float noise: 0.1 rather than
// 0.10000000000000001, 1e-06 as 0.000001. It keeps 12 significant digits.
func FormatFloat(v float64) string {
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// counts groups digits the English way, for counts in every locale. It is
// never changed, and each Sprintf works on a copy, so goroutines share it.
var counts = message.NewPrinter(language.English)

// FormatCount formats a count with thousands separators: 12,345.
func FormatCount(n int64) string { return counts.Sprintf("%d", n) }

// FormatPerSecond formats a measured rate in requests per second: "0/s",
// "0.50/s" below 10, "99.8/s" from 10 up. Rate.String is the text a file
// or a flag takes.
func FormatPerSecond(rps float64) string {
	switch {
	case rps == 0:
		return "0/s"
	case math.Abs(rps) < 10:
		return strconv.FormatFloat(rps, 'f', 2, 64) + "/s"
	}
	return strconv.FormatFloat(rps, 'f', 1, 64) + "/s"
}

// FormatPercent formats a fraction (0..1) as a percentage: "0%" and "100%"
// exactly, three decimals below 0.1% ("0.050%"), else one ("99.8%").
func FormatPercent(f float64) string {
	p := f * 100
	switch {
	case p == 0 || p == 100:
		return strconv.FormatFloat(p, 'f', 0, 64) + "%"
	case p < 0.1:
		return strconv.FormatFloat(p, 'f', 3, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// FormatShare formats part/whole as FormatPercent does, or "-" when whole
// is zero.
func FormatShare(part, whole int64) string {
	if whole == 0 {
		return "-"
	}
	return FormatPercent(float64(part) / float64(whole))
}
