package report

import (
	"fmt"
	"strings"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Rule is one threshold, already parsed: Metric{case=Case}.Stat Op Value.
// Durations are in milliseconds and rates are fractions.
type Rule struct {
	Expr   string
	Metric string // latency, service, lag, error_rate, checks, requests, rate, shedding
	Case   string // "" for the whole run
	Stat   string // p50, p99_9, mean, max...; a check's passed|failed; a request count's name
	Op     string // <, <=, >, >=, ==, !=
	Value  float64
}

// Evaluate computes the rule's metric from r and compares it.
func (u Rule) Evaluate(r *Report) Threshold {
	t := Threshold{Expr: u.Expr}
	v, err := u.measure(r)
	if err != nil {
		t.Error = err.Error()
		return t
	}
	t.Value = v
	t.Pass = compare(v, u.Op, u.Value)
	return t
}

func compare(v float64, op string, want float64) bool {
	switch op {
	case "<":
		return v < want
	case "<=":
		return v <= want
	case ">":
		return v > want
	case ">=":
		return v >= want
	case "==":
		return v == want
	case "!=":
		return v != want
	}
	return false
}

// measure returns the value the rule compares.
func (u Rule) measure(r *Report) (float64, error) {
	switch u.Metric {
	case "latency", "service", "lag":
		return u.latency(r)
	case "error_rate":
		// The share of measured requests that failed at least one check,
		// transport failures included.
		reqs, failed := r.Requests.Sent, r.Requests.Failed
		if u.Case != "" {
			c, err := findCase(r, u.Case)
			if err != nil {
				return 0, err
			}
			reqs, failed = c.Requests, c.Failed
		}
		if reqs == 0 {
			return 0, nil
		}
		return float64(failed) / float64(reqs), nil
	case "checks":
		name, field, _ := strings.Cut(u.Stat, ".")
		checks := r.Checks
		if u.Case != "" {
			c, err := findCase(r, u.Case)
			if err != nil {
				return 0, err
			}
			checks = c.Checks
		}
		n := checks[name]
		if field == "passed" {
			return float64(n.Passed), nil
		}
		return float64(n.Failed), nil
	case "requests":
		q := r.Requests
		m := map[string]int64{"scheduled": q.Scheduled, "sent": q.Sent, "completed": q.Completed,
			"dropped": q.Dropped, "transport_errors": q.TransportErrors}
		v, ok := m[u.Stat]
		if !ok {
			return 0, fmt.Errorf("unknown request count %q", u.Stat)
		}
		return float64(v), nil
	case "rate":
		if u.Stat == "target" {
			return r.Load.TargetRate, nil
		}
		return r.Load.AchievedRate, nil
	case "shedding":
		return float64(r.Shedding.Count), nil
	}
	return 0, fmt.Errorf("unknown metric %q", u.Metric)
}

// latency returns a latency statistic in milliseconds, from the summaries or,
// for other percentiles, from the histograms.
func (u Rule) latency(r *Report) (float64, error) {
	sum, enc := r.LatencyMs, r.Histograms.Latency
	switch u.Metric {
	case "service":
		sum, enc = r.ServiceMs, r.Histograms.Service
	case "lag":
		sum, enc = r.LagMs, r.Histograms.Lag
	}
	if u.Case != "" {
		c, err := findCase(r, u.Case)
		if err != nil {
			return 0, err
		}
		switch u.Metric {
		case "latency":
			sum, enc = c.LatencyMs, c.Histogram
		case "service":
			sum, enc = c.ServiceMs, ""
		default:
			return 0, fmt.Errorf("lag has no per-case figures")
		}
	}
	switch u.Stat {
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
	p, err := parsePercentile(u.Stat)
	if err != nil {
		return 0, err
	}
	if enc == "" {
		return 0, fmt.Errorf("%s: no histogram to read %s from", u.Metric, u.Stat)
	}
	h, err := hdr.Decode([]byte(enc))
	if err != nil {
		return 0, fmt.Errorf("%s histogram: %w", u.Metric, err)
	}
	return float64(h.ValueAtPercentile(p)) / 1000, nil
}

// parsePercentile reads "p99_99" as 99.99.
func parsePercentile(stat string) (float64, error) {
	var p float64
	if _, err := fmt.Sscanf(strings.ReplaceAll(strings.TrimPrefix(stat, "p"), "_", "."), "%g", &p); err != nil || p < 0 || p > 100 {
		return 0, fmt.Errorf("unknown statistic %q", stat)
	}
	return p, nil
}

func findCase(r *Report, name string) (*Case, error) {
	for i := range r.Cases {
		if r.Cases[i].Name == name {
			return &r.Cases[i], nil
		}
	}
	return nil, fmt.Errorf("case %s is not in the mix", name)
}
