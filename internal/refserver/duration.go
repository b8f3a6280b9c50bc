package refserver

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a time.Duration that reads and writes Go duration syntax
// ("500ms", "2s") in YAML and text, so fault blocks can be written by hand.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats d in Go duration syntax.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalText writes d in Go duration syntax.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses Go duration syntax; a bare 0 is accepted too.
func (d *Duration) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "0" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: want Go syntax such as 500ms or 2s", s)
	}
	*d = Duration(v)
	return nil
}

// UnmarshalYAML parses a scalar in Go duration syntax.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a duration must be a scalar such as 500ms", n.Line)
	}
	if err := d.UnmarshalText([]byte(n.Value)); err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	return nil
}

// Rate is a number of events per second. In YAML and text it is written
// "N", "N/s", "N/m" or "N/h"; fractions are allowed ("0.5/s").
type Rate float64

// PerSecond returns r as events per second.
func (r Rate) PerSecond() float64 { return float64(r) }

// String formats r as "N/s".
func (r Rate) String() string { return strconv.FormatFloat(float64(r), 'g', -1, 64) + "/s" }

// MarshalText writes r as "N/s".
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText parses "N", "N/s", "N/m" or "N/h".
func (r *Rate) UnmarshalText(b []byte) error {
	v, err := ParseRate(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// UnmarshalYAML parses a scalar rate such as 1000/s.
func (r *Rate) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a rate must be a scalar such as 1000/s", n.Line)
	}
	if err := r.UnmarshalText([]byte(n.Value)); err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	return nil
}

// ParseRate parses "N", "N/s", "N/m" or "N/h" into events per second.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	num, unit, _ := strings.Cut(s, "/")
	per := 1.0
	switch unit {
	case "", "s":
	case "m":
		per = 60
	case "h":
		per = 3600
	default:
		return 0, fmt.Errorf("rate %q: unit must be /s, /m or /h", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 || v != v {
		return 0, fmt.Errorf("rate %q: want a non-negative number such as 1000/s", s)
	}
	return Rate(v / per), nil
}
