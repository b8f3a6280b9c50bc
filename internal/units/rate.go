package units

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// Rate is a request rate. It is written N, N/s, N/m or N/h (a bare N is per
// second), and N may be a fraction: 100/s, 0.5/s, 30/m. The zero value means
// "not set" or "off", as its user documents.
type Rate struct {
	// PerSecond is the rate in requests per second.
	PerSecond float64
}

var _ flag.Value = (*Rate)(nil)

// rateUnits are the accepted units with their length in seconds, in the order
// String tries them.
var rateUnits = []struct {
	name    string
	seconds float64
}{{"s", 1}, {"m", 60}, {"h", 3600}}

// rateHint is appended to every rate syntax error.
const rateHint = "use N, N/s, N/m or N/h, e.g. 100/s or 0.5/s"

// ParseRate parses a rate greater than zero, e.g. "100/s", "0.5/s", "30/m", "100".
func ParseRate(s string) (Rate, error) {
	r, err := ParseRateOrZero(s)
	if err != nil {
		return Rate{}, err
	}
	if r.PerSecond <= 0 {
		return Rate{}, fmt.Errorf("%q is not a rate: it must be greater than 0", s)
	}
	return r, nil
}

// ParseRateOrZero parses a rate of zero or more, e.g. "0" for a ramp down.
func ParseRateOrZero(s string) (Rate, error) {
	num, unit, hasUnit := strings.Cut(strings.TrimSpace(s), "/")
	num = strings.TrimSpace(num)
	seconds := 1.0
	if hasUnit {
		found := false
		for _, u := range rateUnits {
			if strings.TrimSpace(unit) == u.name {
				seconds, found = u.seconds, true
				break
			}
		}
		if !found {
			return Rate{}, fmt.Errorf("%q is not a rate; %s", s, rateHint)
		}
	}
	n, err := ParseNumber(num)
	if err != nil {
		return Rate{}, fmt.Errorf("%q is not a rate; %s", s, rateHint)
	}
	if n < 0 {
		return Rate{}, fmt.Errorf("%q is not a rate: it must not be negative", s)
	}
	return Rate{PerSecond: n / seconds}, nil
}

// String formats the rate in the largest-grained unit that keeps the number
// short: 100/s, 0.5/s, 1/m, 2/h. The zero rate is "0/s". The text parses
// back to the same rate; FormatPerSecond is the figure for a report.
func (r Rate) String() string {
	for _, u := range rateUnits {
		v := r.PerSecond * u.seconds
		// Round to 9 significant digits to hide float noise such as 1/60*60.
		v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 9, 64), 64)
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if _, frac, ok := strings.Cut(s, "."); !ok || len(frac) <= 3 {
			return s + "/" + u.name
		}
	}
	return strconv.FormatFloat(r.PerSecond, 'g', -1, 64) + "/s"
}

// Set parses s, a rate greater than zero, into r; it implements flag.Value
// so a flag can take a rate. A failed Set leaves r alone.
func (r *Rate) Set(s string) error {
	v, err := ParseRate(s)
	if err != nil {
		return err
	}
	*r = v
	return nil
}
