package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
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
