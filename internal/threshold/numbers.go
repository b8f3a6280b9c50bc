package threshold

// TODO(lead): these move to the project's one units package once it lands.

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// parseNumber parses a finite decimal number.
func parseNumber(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err == nil && (math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "xXpP_")) {
		err = fmt.Errorf("%q is not finite", s)
	}
	return v, err
}

// parseRate parses N, N/s, N/m or N/h into requests per second.
func parseRate(s string) (float64, error) {
	num, unit, hasUnit := strings.Cut(strings.TrimSpace(s), "/")
	per := 1.0
	if hasUnit {
		switch strings.TrimSpace(unit) {
		case "s":
		case "m":
			per = 60
		case "h":
			per = 3600
		default:
			return 0, fmt.Errorf("%q is not a rate; use N, N/s, N/m or N/h, e.g. 100/s or 0.5/s", s)
		}
	}
	v, err := parseNumber(strings.TrimSpace(num))
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a rate; use N, N/s, N/m or N/h, e.g. 100/s or 0.5/s", s)
	}
	return v / per, nil
}

// formatFloat prints v without float noise: 0.1 rather than 0.10000000000000001.
func formatFloat(v float64) string {
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func formatRate(v float64) string { return formatFloat(v) + "/s" }

// didYouMean returns ` (did you mean "x"?)` for the option closest to s, or "".
func didYouMean(s string, options []string) string {
	best, bestDist := "", 3
	for _, o := range options {
		if d := editDistance(s, o); d < bestDist && d < len(s) {
			best, bestDist = o, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	n, m := len(a), len(b)
	d := make([][]int, n+1)
	for i := range d {
		d[i] = make([]int, m+1)
		d[i][0] = i
	}
	for j := 0; j <= m; j++ {
		d[0][j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[n][m]
}
