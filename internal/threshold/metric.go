package threshold

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/report"
)

// Unit is what a metric's values measure, and so how its bound is written
// and its value shown.
type Unit string

// The units of the metrics.
const (
	Count     Unit = "count"    // a number of requests or answers: 0, 12
	Millis    Unit = "ms"       // a duration, written with a unit (250ms, 1.5s), kept in milliseconds
	Fraction  Unit = "fraction" // a share from 0 to 1, written 0.001 or 0.1%
	PerSecond Unit = "/s"       // a rate, written 95/s or 95
)

// Metric is one row of the metric table: everything the project knows of a
// metric a threshold can name. Adding a metric is one row of metrics.
type Metric struct {
	// Name is how thresholds spell it: latency, error_rate...
	Name string
	// Unit says how its bound is written and its value shown.
	Unit Unit
	// Cases: it takes a {case=NAME} label, to measure one case of the mix.
	Cases bool
	// Stats says which stat may follow the name ("p99" in latency.p99),
	// and Help lists them in words for errors; nil takes none.
	Stats func(stat string) bool
	Help  string
	// Timing: a verdict on it is about the generator's timing too, so it
	// is not valid when the generator fell behind its schedule.
	Timing bool
	// Example is a threshold on it, for error messages and docs.
	Example string
	// measure reads the metric's value for t from a report.
	measure func(r *report.Report, t *Threshold) (float64, error)
}

// metrics is the metric table, in the order error messages list them.
var metrics = []*Metric{
	durationMetric("latency", true, true, func(r *report.Report, c *report.Case) (report.Summary, string, error) {
		if c != nil {
			return c.LatencyMs, c.Histogram, nil
		}
		return r.LatencyMs, r.Histograms.Latency, nil
	}),
	durationMetric("service", true, true, func(r *report.Report, c *report.Case) (report.Summary, string, error) {
		if c != nil {
			return c.ServiceMs, c.ServiceHistogram, nil
		}
		return r.ServiceMs, r.Histograms.Service, nil
	}),
	durationMetric("lag", false, true, func(r *report.Report, _ *report.Case) (report.Summary, string, error) {
		return r.LagMs, r.Histograms.Lag, nil
	}),
	{
		Name: "error_rate", Unit: Fraction, Cases: true, Example: "error_rate < 0.1%",
		measure: func(r *report.Report, t *Threshold) (float64, error) {
			// The share of measured requests that failed at least one check,
			// transport failures included.
			reqs, failed := r.Requests.Sent, r.Requests.Failed
			if t.Case != "" {
				c, err := findCase(r, t.Case)
				if err != nil {
					return 0, err
				}
				reqs, failed = c.Requests, c.Failed
			}
			if reqs == 0 {
				return 0, nil
			}
			return float64(failed) / float64(reqs), nil
		},
	},
	{
		Name: "checks", Unit: Count, Cases: true, Example: "checks.status_expected.failed == 0",
		Stats: oneOf("failed", "passed"), Help: "failed or passed",
		measure: func(r *report.Report, t *Threshold) (float64, error) {
			checks := r.Checks
			if t.Case != "" {
				c, err := findCase(r, t.Case)
				if err != nil {
					return 0, err
				}
				checks = c.Checks
			}
			n := checks[t.Check]
			if t.Stat == "passed" {
				return float64(n.Passed), nil
			}
			return float64(n.Failed), nil
		},
	},
	{
		Name: "requests", Unit: Count, Example: "requests.dropped == 0",
		Stats: oneOf(requestStats...), Help: strings.Join(requestStats, ", "),
		measure: func(r *report.Report, t *Threshold) (float64, error) {
			q := r.Requests
			v := map[string]int64{"scheduled": q.Scheduled, "sent": q.Sent, "completed": q.Completed,
				"dropped": q.Dropped, "transport_errors": q.TransportErrors}[t.Stat]
			return float64(v), nil
		},
	},
	{
		Name: "rate", Unit: PerSecond, Timing: true, Example: "rate.achieved >= 95/s",
		Stats: oneOf("achieved"), Help: "achieved",
		measure: func(r *report.Report, _ *Threshold) (float64, error) { return r.Load.AchievedRate, nil },
	},
	{
		Name: "shedding", Unit: Count, Example: "shedding == 0",
		measure: func(r *report.Report, _ *Threshold) (float64, error) { return float64(r.Shedding.Count), nil },
	},
}

// requestStats are the counts of report.json's requests block.
var requestStats = []string{"scheduled", "sent", "completed", "dropped", "transport_errors"}

// Metrics returns the metric table in order.
func Metrics() []*Metric { return slices.Clone(metrics) }

// LookupMetric returns the metric named name.
func LookupMetric(name string) (*Metric, bool) {
	for _, m := range metrics {
		if m.Name == name {
			return m, true
		}
	}
	return nil, false
}

// metricNames lists the metrics' names in table order.
func metricNames() []string {
	out := make([]string, len(metrics))
	for i, m := range metrics {
		out[i] = m.Name
	}
	return out
}

// percentileStat matches pNN and pNN_N stats such as p50, p99, p99_9, p99_99.
var percentileStat = regexp.MustCompile(`^p[1-9][0-9]?(_[0-9]+)?$`)

// durationStat reports whether s is a stat of a duration distribution.
func durationStat(s string) bool {
	return s == "min" || s == "mean" || s == "max" || s == "stddev" || percentileStat.MatchString(s)
}

// summaryOf returns the distribution a duration metric reads for case c (nil
// for the whole run), with its encoded histogram ("" if none).
type summaryOf func(r *report.Report, c *report.Case) (report.Summary, string, error)

// durationMetric makes the row of a duration metric: its stats are read from
// the report's summaries, or, for another percentile, from its histogram.
func durationMetric(name string, cases, timing bool, of summaryOf) *Metric {
	return &Metric{
		Name: name, Unit: Millis, Cases: cases, Timing: timing, Example: name + ".p99 < 250ms",
		Stats: durationStat, Help: "a duration stat: min, mean, max, or a percentile such as p50, p90, p95, p99, p99_9",
		measure: func(r *report.Report, t *Threshold) (float64, error) {
			var c *report.Case
			if t.Case != "" {
				var err error
				if c, err = findCase(r, t.Case); err != nil {
					return 0, err
				}
			}
			sum, enc, err := of(r, c)
			if err != nil {
				return 0, err
			}
			return durationStatOf(name, t.Stat, sum, enc)
		},
	}
}

// durationStatOf returns stat of a distribution in milliseconds: from its
// summary when it has the figure, else from its histogram (microseconds).
func durationStatOf(metric, stat string, sum report.Summary, enc string) (float64, error) {
	switch stat {
	case "min":
		return sum.Min, nil
	case "mean":
		return sum.Mean, nil
	case "max":
		return sum.Max, nil
	case "stddev":
		return sum.Stddev, nil
	case "p50":
		return sum.P50, nil
	case "p90":
		return sum.P90, nil
	case "p95":
		return sum.P95, nil
	case "p99":
		return sum.P99, nil
	case "p99_9":
		return sum.P99_9, nil
	}
	p, err := Percentile(stat)
	if err != nil {
		return 0, err
	}
	if enc == "" {
		if sum.Count == 0 {
			return 0, nil // nothing measured: as the summaries say
		}
		return 0, fmt.Errorf("%s: no histogram to read %s from", metric, stat)
	}
	h, err := report.DecodeHistogram(enc)
	if err != nil {
		return 0, fmt.Errorf("%s %w", metric, err)
	}
	return float64(h.ValueAtPercentile(p)) / 1000, nil
}

// Percentile reads a percentile stat, "p99_99", as 99.99 (0..100).
func Percentile(stat string) (float64, error) {
	if !percentileStat.MatchString(stat) {
		return 0, fmt.Errorf("%q is not a percentile such as p99 or p99_9", stat)
	}
	p, err := strconv.ParseFloat(strings.Replace(stat[1:], "_", ".", 1), 64)
	if err != nil || p <= 0 || p >= 100 {
		return 0, fmt.Errorf("%q is not a percentile such as p99 or p99_9", stat)
	}
	return p, nil
}

func oneOf(allowed ...string) func(string) bool {
	return func(s string) bool { return slices.Contains(allowed, s) }
}

func findCase(r *report.Report, name string) (*report.Case, error) {
	for i := range r.Cases {
		if r.Cases[i].Name == name {
			return &r.Cases[i], nil
		}
	}
	return nil, fmt.Errorf("case %s is not in the mix", name)
}

// checkNames lists the contract's check names in report order.
func checkNames() []string {
	var out []string
	for _, c := range contract.Checks() {
		out = append(out, c.String())
	}
	return out
}
