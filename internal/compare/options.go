package compare

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Defaults of Options.
const (
	DefaultMaxIncrease          = 0.10                   // a latency quantile may grow by 10%...
	DefaultMinDelta             = 500 * time.Microsecond // ...and a change below 0.5 ms is never a regression
	DefaultMaxErrorRateIncrease = 0.001                  // the error rate may grow by 0.1 percentage point
	DefaultMaxRateDrop          = 0.05                   // the achieved rate may fall by 5%
	DefaultAlpha                = 0.05                   // the significance level of every test
)

// DefaultQuantiles returns the latency quantiles compared by default: the
// median and every decile above it, then the tail. A slowdown confined to
// part of the body of the distribution (one request in five, say) moves the
// deciles above the median and none of p50, p90 and p99.
func DefaultQuantiles() []float64 { return []float64{0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999} }

// Options say how much worse the current runs may be than the baseline, and
// how sure compare must be before it says they are. The zero value means
// the defaults.
type Options struct {
	// MaxIncrease is the relative growth a latency quantile may show.
	MaxIncrease float64
	// MinDelta is the absolute growth below which a latency change is noise.
	MinDelta time.Duration
	// MaxErrorRateIncrease is the growth the error rate may show, as a
	// fraction: 0.001 is 0.1 percentage point.
	MaxErrorRateIncrease float64
	// MaxRateDrop is the relative fall the achieved rate may show.
	MaxRateDrop float64
	// Alpha is the significance level: a test's p-value must be below it,
	// and each side's interval of a quantile has confidence 1-Alpha.
	Alpha float64
	// Quantiles are the latency quantiles to compare, each within (0, 1).
	Quantiles []float64
	// PerCase compares each case's latency quantiles too.
	PerCase bool
}

func (o Options) withDefaults() Options {
	if o.MaxIncrease == 0 {
		o.MaxIncrease = DefaultMaxIncrease
	}
	if o.MinDelta == 0 {
		o.MinDelta = DefaultMinDelta
	}
	if o.MaxErrorRateIncrease == 0 {
		o.MaxErrorRateIncrease = DefaultMaxErrorRateIncrease
	}
	if o.MaxRateDrop == 0 {
		o.MaxRateDrop = DefaultMaxRateDrop
	}
	if o.Alpha == 0 {
		o.Alpha = DefaultAlpha
	}
	if len(o.Quantiles) == 0 {
		o.Quantiles = DefaultQuantiles()
	}
	return o
}

// Validate reports every bad value in o, joined, or nil. Zero values are
// valid: they mean the defaults.
func (o Options) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if o.MaxIncrease < 0 {
		bad("max increase %v: must not be negative", o.MaxIncrease)
	}
	if o.MinDelta < 0 {
		bad("min delta %v: must not be negative", o.MinDelta)
	}
	if o.MaxErrorRateIncrease < 0 || o.MaxErrorRateIncrease > 1 {
		bad("max error rate increase %v: must be within 0..1", o.MaxErrorRateIncrease)
	}
	if o.MaxRateDrop < 0 || o.MaxRateDrop >= 1 {
		bad("max rate drop %v: must be within 0..1", o.MaxRateDrop)
	}
	if o.Alpha < 0 || o.Alpha > 0.5 {
		bad("alpha %v: must be within 0..0.5", o.Alpha)
	}
	for _, q := range o.Quantiles {
		if !(q > 0 && q < 1) {
			bad("quantile %v: must be within (0, 1)", q)
		}
	}
	if !slices.IsSorted(o.Quantiles) || len(slices.Compact(slices.Clone(o.Quantiles))) != len(o.Quantiles) {
		bad("quantiles %v: must be ascending, each once", o.Quantiles)
	}
	return errors.Join(errs...)
}
