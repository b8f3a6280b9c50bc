package units

import (
	"fmt"
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
