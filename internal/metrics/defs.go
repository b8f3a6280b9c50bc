package metrics

import "github.com/prometheus/client_golang/prometheus"

// Every metric carries two constant labels: scenario (the scenario's name)
// and shard ("i/N", "0/1" for a run without --shard), so that a dashboard
// sums the shards of one distributed run with sum by (…) or sum without
// (shard). The other labels are bounded: case by the catalogue of cases,
// status by 100..599 and "other", check by the six checks, kind by the
// transport error kinds. No label holds an id, a URL or a credential.
const (
	labelScenario = "scenario"
	labelShard    = "shard"
)

// kind is what sort of metric a def is.
type kind int

const (
	counter kind = iota
	gauge
	histogram
)

// def is one metric: one row of the table.
type def struct {
	name, help string
	kind       kind
	labels     []string
}

// The metrics, one row each. The histograms are in seconds, with native
// buckets (schema 3, a bucket every 9%) and classic buckets (ClassicBuckets).
var (
	defRequests = def{"wrtcbench_requests_total",
		"Responses of the measured phase by case and HTTP status (report.json cases[].status).", counter, []string{"case", "status"}}
	defTransport = def{"wrtcbench_transport_errors_total",
		"Measured requests that got no response, by case and kind (report.json cases[].transport_errors).", counter, []string{"case", "kind"}}
	defFailed = def{"wrtcbench_requests_failed_total",
		"Measured requests that failed at least one check, by case: the numerator of error_rate (report.json cases[].failed).", counter, []string{"case"}}
	defChecks = def{"wrtcbench_checks_total",
		"Responses a check judged, by check and case (report.json cases[].checks: passed + failed).", counter, []string{"case", "check"}}
	defCheckFailures = def{"wrtcbench_check_failures_total",
		"Responses that failed a check, by check and case (report.json cases[].checks[].failed).", counter, []string{"case", "check"}}
	defDropped = def{"wrtcbench_requests_dropped_total",
		"Measured requests skipped because max_in_flight was reached with on_saturation: drop (report.json requests.dropped).", counter, nil}
	defWarmup = def{"wrtcbench_warmup_requests_total",
		"Requests sent during the warm-up, which no other counter includes (report.json requests.warmup).", counter, nil}
	defLatency = def{"wrtcbench_latency_seconds",
		"Latency of the measured responses, from the scheduled send to the end of the response, by case (report.json latency_ms).", histogram, []string{"case"}}
	defService = def{"wrtcbench_service_seconds",
		"Service time of the measured responses, from the actual send to the end of the response, by case (report.json service_ms).", histogram, []string{"case"}}
	defLag = def{"wrtcbench_lag_seconds",
		"Generator lag of the measured responses: the actual send minus the scheduled send (report.json lag_ms).", histogram, nil}
	defInFlight = def{"wrtcbench_in_flight",
		"Requests awaiting an answer now.", gauge, nil}
	defTargetRate = def{"wrtcbench_target_rate",
		"Requests per second the schedule asks for now (open model; 0 for the closed model and after the run).", gauge, nil}
	defAchievedRate = def{"wrtcbench_achieved_rate",
		"Requests per second sent during the last closed interval (run --interval), warm-up included.", gauge, nil}
	defInfo = def{"wrtcbench_run_info",
		"1, labelled with the run's seed and the scenario file's hash (report.json scenario.seed, scenario.hash).", gauge, []string{"seed", "hash"}}
	defStart = def{"wrtcbench_run_start_time_seconds",
		"When the run's schedule started (report.json started), seconds since the Unix epoch.", gauge, nil}
	defFinished = def{"wrtcbench_run_finished",
		"1 once the run is over and its report.json written: the counters are final.", gauge, nil}
)

// defs lists every metric an Exporter exports.
var defs = []def{
	defRequests, defTransport, defFailed, defChecks, defCheckFailures, defDropped, defWarmup,
	defLatency, defService, defLag, defInFlight, defTargetRate, defAchievedRate, defInfo, defStart, defFinished,
}

// Names returns the name of every series an Exporter exports, histograms
// as their _bucket, _sum and _count series and under their own name (a
// native histogram's), for checking a dashboard's queries.
func Names() []string {
	var out []string
	for _, d := range defs {
		out = append(out, d.name)
		if d.kind == histogram {
			out = append(out, d.name+"_bucket", d.name+"_sum", d.name+"_count")
		}
	}
	return out
}

// desc returns the Desc of d for one run's constant labels.
func (d def) desc(constLabels prometheus.Labels) *prometheus.Desc {
	return prometheus.NewDesc(d.name, d.help, d.labels, constLabels)
}
