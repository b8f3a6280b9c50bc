package units

import (
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		name, in string
		want     float64
		str      string
	}{
		{"bare number is per second", "100", 100, "100/s"},
		{"per second", "100/s", 100, "100/s"},
		{"fraction per second", "0.5/s", 0.5, "0.5/s"},
		{"per minute", "30/m", 0.5, "0.5/s"},
		{"one per minute keeps minutes", "1/m", 1.0 / 60, "1/m"},
		{"per hour", "2/h", 2.0 / 3600, "2/h"},
		{"spaces are trimmed", " 10 / s ", 10, "10/s"},
		{"exponent", "1e3/s", 1000, "1000/s"},
		{"fraction without leading zero", ".25", 0.25, "0.25/s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRate(tt.in)
			require.NoError(t, err)
			assert.InDelta(t, tt.want, r.PerSecond, 1e-12)
			assert.Equal(t, tt.str, r.String())
			back, err := ParseRate(r.String())
			require.NoError(t, err, "String must parse back")
			assert.InDelta(t, r.PerSecond, back.PerSecond, 1e-9*r.PerSecond)
		})
	}
}

func TestParseRateErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"long unit name", "100/sec", `"100/sec" is not a rate; use N, N/s, N/m or N/h, e.g. 100/s or 0.5/s`},
		{"a day is not a unit", "10/d", "is not a rate"},
		{"zero", "0/s", "must be greater than 0"},
		{"negative", "-5/s", "must not be negative"},
		{"empty", "", "is not a rate"},
		{"no number", "/s", "is not a rate"},
		{"infinite", "inf", "is not a rate"},
		{"not a number", "NaN/s", "is not a rate"},
		{"hex float", "0x10", "is not a rate"},
		{"duration is not a rate", "10s", "is not a rate"},
		{"two slashes", "1/s/s", "is not a rate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRate(tt.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseRateOrZero(t *testing.T) {
	r, err := ParseRateOrZero("0/s")
	require.NoError(t, err)
	assert.Equal(t, Rate{}, r)
	assert.Equal(t, "0/s", r.String())
	_, err = ParseRateOrZero("-1/m")
	assert.ErrorContains(t, err, "must not be negative")
}

func TestRateIsFlagValue(t *testing.T) {
	var r Rate
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.Var(&r, "rate", "requests per second")
	require.NoError(t, fs.Parse([]string{"--rate", "30/m"}))
	assert.Equal(t, 0.5, r.PerSecond)

	fs = flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(&r, "rate", "")
	assert.Error(t, fs.Parse([]string{"--rate", "fast"}), "a bad rate is a usage error")
	assert.Equal(t, 0.5, r.PerSecond, "a failed Set leaves the value alone")
}
