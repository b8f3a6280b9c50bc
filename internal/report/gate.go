package report

// Gate is a condition on a finished report, such as one threshold of the
// scenario (package threshold owns their grammar and metrics). The report
// evaluates its gates once its figures are final (Collector.Report), and
// again when shards are merged.
type Gate interface {
	Evaluate(r *Report) Threshold
}
