// Package metrics serves a run's figures to Prometheus while it goes on
// (run --metrics-addr), with github.com/prometheus/client_golang.
//
// It owns the metric names, their labels and their meaning (the table in
// defs.go), the Exporter that counts the Collector's folded results
// (report.Observer) and reads the runner's live counters at scrape time,
// latency histograms with both native and classic buckets, and the HTTP
// Server with its bounded linger after the run.
//
// Counts cover the measured phase, as report.json's do: after the run, a
// scrape's counters equal report.json's figures. The Exporter is fed on the
// Collector's aggregating goroutine once per interval, never on a worker's,
// so the load generator pays nothing per request for it. It does not judge
// responses, render reports or decide exit codes.
package metrics
