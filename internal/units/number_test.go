package units

import (
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
