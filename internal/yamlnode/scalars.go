package yamlnode

import (
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

// Scalar returns the text of the scalar n at path, or reports that what
// was expected and returns false.
func (d *Decoder) Scalar(n *yaml.Node, path, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.Fail(n, path, "expected %s, got %s", what, Describe(n))
		return "", false
	}
	return n.Value, true
}

// Str decodes a string into dst. Any scalar is accepted as its text.
func (d *Decoder) Str(dst *string) Func {
	return func(n *yaml.Node, path string) {
		if v, ok := d.Scalar(n, path, "a string"); ok {
			*dst = v
		}
	}
}

// Bool decodes true or false into dst.
func (d *Decoder) Bool(dst *bool) Func {
	return func(n *yaml.Node, path string) {
		v, ok := d.Scalar(n, path, "true or false")
		if !ok {
			return
		}
		switch strings.ToLower(v) {
		case "true":
			*dst = true
		case "false":
			*dst = false
		default:
			d.Fail(n, path, "%q is not a boolean; use true or false", v)
		}
	}
}

// OptBool decodes true or false into a *bool that records presence.
func (d *Decoder) OptBool(dst **bool) Func {
	return func(n *yaml.Node, path string) {
		var b bool
		before := len(d.errs)
		d.Bool(&b)(n, path)
		if len(d.errs) == before {
			*dst = &b
		}
	}
}

// Int64 decodes a base-10 whole number of at least min into dst; set, if
// not nil, records that the key was given.
func (d *Decoder) Int64(dst *int64, min int64, set *bool) Func {
	return func(n *yaml.Node, path string) {
		v, ok := d.Scalar(n, path, "a whole number")
		if !ok {
			return
		}
		i, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			d.Fail(n, path, "%q is not a whole number", v)
			return
		}
		if i < min {
			d.Fail(n, path, "%d is too small; it must be at least %d", i, min)
			return
		}
		*dst = i
		if set != nil {
			*set = true
		}
	}
}

// Int is Int64 for an int destination.
func (d *Decoder) Int(dst *int, min int64, set *bool) Func {
	return func(n *yaml.Node, path string) {
		var v int64
		ok := false
		d.Int64(&v, min, &ok)(n, path)
		if ok {
			*dst = int(v)
			if set != nil {
				*set = true
			}
		}
	}
}

// Number decodes a finite decimal number into dst (units.ParseNumber);
// hint follows "is not a number;" in the error, e.g. "a probability is a
// number from 0 to 1". Its range is for the caller's semantic checks.
func (d *Decoder) Number(dst *float64, hint string) Func {
	return func(n *yaml.Node, path string) {
		v, ok := d.Scalar(n, path, "a number")
		if !ok {
			return
		}
		f, err := units.ParseNumber(v)
		if err != nil {
			d.Fail(n, path, "%q is not a number; %s", v, hint)
			return
		}
		*dst = f
	}
}

// Duration decodes a duration (units.ParseDuration) into dst. It must not
// be negative; positive requires it to be greater than 0.
func (d *Decoder) Duration(dst *time.Duration, positive bool) Func {
	return func(n *yaml.Node, path string) {
		v, ok := d.Scalar(n, path, "a duration such as 30s")
		if !ok {
			return
		}
		t, err := units.ParseDuration(v)
		switch {
		case err != nil:
			d.Fail(n, path, "%s", err)
		case t < 0:
			d.Fail(n, path, "%s must not be negative", v)
		case positive && t == 0:
			d.Fail(n, path, "%s must be greater than 0", v)
		default:
			*dst = t
		}
	}
}

// Rate decodes a rate (units.ParseRate) into dst; zero is allowed only
// when allowZero.
func (d *Decoder) Rate(dst *units.Rate, allowZero bool) Func {
	return func(n *yaml.Node, path string) {
		v, ok := d.Scalar(n, path, "a rate such as 100/s")
		if !ok {
			return
		}
		parse := units.ParseRate
		if allowZero {
			parse = units.ParseRateOrZero
		}
		r, err := parse(v)
		if err != nil {
			d.Fail(n, path, "%s", err)
			return
		}
		*dst = r
	}
}

// OneOf decodes a word that must be one of allowed.
func (d *Decoder) OneOf(dst *string, allowed ...string) Func {
	return func(n *yaml.Node, path string) {
		v, ok := d.Scalar(n, path, OrList(allowed))
		if !ok {
			return
		}
		for _, a := range allowed {
			if v == a {
				*dst = v
				return
			}
		}
		d.Fail(n, path, "%q is not allowed; use %s%s", v, OrList(allowed), DidYouMean(v, allowed))
	}
}

// Strings decodes a list of strings, or a single string, into dst; an
// empty list gives a non-nil empty slice.
func (d *Decoder) Strings(dst *[]string) Func {
	return func(n *yaml.Node, path string) {
		out := []string{}
		if n.Kind == yaml.ScalarNode {
			*dst = append(out, n.Value)
			return
		}
		d.Sequence(n, path, "strings", func(c *yaml.Node, p string) {
			if v, ok := d.Scalar(c, p, "a string"); ok {
				out = append(out, v)
			}
		})
		*dst = out
	}
}
