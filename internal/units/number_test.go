package units

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]float64{"70": 70, "0.5": 0.5, ".25": 0.25, "1e3": 1000, "-2": -2} {
		got, err := ParseNumber(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for _, in := range []string{"", "x", "NaN", "inf", "-Inf", "0x10", "1_000", "1/s"} {
		_, err := ParseNumber(in)
		assert.Error(t, err, in)
	}
}

func TestFormatNumbers(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{FormatCount(1234567), "1,234,567"},
		{FormatCount(-1234), "-1,234"},
		{FormatCount(12), "12"},
		{FormatPerSecond(0), "0/s"},
		{FormatPerSecond(0.5), "0.50/s"},
		{FormatPerSecond(99.8), "99.8/s"},
		{FormatPerSecond(12345.67), "12345.7/s"},
		{FormatPercent(0), "0%"},
		{FormatPercent(1), "100%"},
		{FormatPercent(0.0005), "0.050%"},
		{FormatPercent(0.998), "99.8%"},
		{FormatShare(1, 4), "25.0%"},
		{FormatShare(0, 0), "-"},
		{FormatFloat(0.1 + 0.2), "0.3"},
		{FormatFloat(1e-6), "0.000001"},
		{FormatFloat(250), "250"},
		{FormatMs(math.NaN()), "-"},
	} {
		assert.Equal(t, tc.want, tc.got)
	}
}

func TestParseFraction(t *testing.T) {
	tests := []struct {
		in      string
		want    float64
		percent bool
		err     string
	}{
		{"0.1%", 0.001, true, ""},
		{"5 %", 0.05, true, ""},
		{"100%", 1, true, ""},
		{"0.001", 0.001, false, ""},
		{"0", 0, false, ""},
		{"1", 0, false, "ambiguous"},
		{"1.5", 0, false, "out of range"},
		{"150%", 0, false, "out of range"},
		{"-1%", 0, false, "out of range"},
		{"x%", 0, false, "is not a number"},
	}
	for _, tt := range tests {
		v, pct, err := ParseFraction(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseFraction(%q) = %v, %v; want an error with %q", tt.in, v, err, tt.err)
			}
			continue
		}
		if err != nil || math.Abs(v-tt.want) > 1e-12 || pct != tt.percent {
			t.Errorf("ParseFraction(%q) = %v, %v, %v; want %v, %v", tt.in, v, pct, err, tt.want, tt.percent)
		}
	}
}
