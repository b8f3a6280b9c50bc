package units

import (
	"math"
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
