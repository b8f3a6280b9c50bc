package units

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		name, in string
		want     time.Duration
		err      string // "" means it parses
	}{
		{"milliseconds", "250ms", 250 * time.Millisecond, ""},
		{"microseconds", "800us", 800 * time.Microsecond, ""},
		{"combined", "1h30m", 90 * time.Minute, ""},
		{"fraction", "1.5s", 1500 * time.Millisecond, ""},
		{"zero needs no unit", "0", 0, ""},
		{"negative parses", "-1s", -time.Second, ""},
		{"spaces are trimmed", " 2s ", 2 * time.Second, ""},
		{"a number without a unit", "5", 0, `"5" is not a duration; a duration needs a unit, e.g. 5s or 5ms`},
		{"a fraction without a unit", "0.5", 0, `"0.5" is not a duration; a duration needs a unit, e.g. 0.5s or 0.5ms`},
		{"a long unit", "5sec", 0, `"5sec" is not a duration; use a number with a unit: ms, s, m or h, e.g. 500ms, 30s, 2m`},
		{"empty", "", 0, `"" is not a duration; use a number with a unit`},
		{"days are not a unit", "1d", 0, `"1d" is not a duration`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDuration(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, d)
		})
	}
}

func TestFormatDurations(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{FormatMs(0), "0"},
		{FormatMs(1.234), "1.23"},
		{FormatMs(12.34), "12.3"},
		{FormatMs(1234.6), "1235"},
		{FormatMs(-2.5), "-2.50"},
		{FormatDurationMs(4.1), "4.10ms"},
		{FormatDurationMs(250), "250.0ms"},
		{FormatDurationMs(1250), "1.25s"},
		{FormatDuration(1234 * time.Microsecond), "1.23ms"},
		{FormatDuration(1500 * time.Millisecond), "1.50s"},
		{FormatDuration(0), "0ms"},
		{FormatSeconds(30), "30.0s"},
		{FormatSeconds(125), "2m05.0s"},
	} {
		assert.Equal(t, tc.want, tc.got)
	}
}
