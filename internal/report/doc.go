// Package report turns the Results of a run into its report and every format
// the report is read in.
//
// It owns: judging each Result against the contract (Collector.Record, on the
// worker's goroutine), accumulation (sharded buffers folded once per interval
// into HdrHistograms and counters, and time slices joined so that a report
// holds at most MaxIntervals intervals, so memory, report.json and
// report.html stay flat however long a run lasts), the report.json model (Report, format wrtcbench.report/v1), the
// verdict (Decide), the renderers (text, JSON, Markdown, JUnit, HTML with
// charts, HdrHistogram interval log), the result folder (WriteFolder,
// ReadFolder), and the merging of the shards of one run (Merge). Comparing
// runs is package compare's.
//
// It does not send requests, pace load or parse scenario files, and it does
// not know the threshold grammar: a threshold is a Gate (package threshold
// implements it) evaluated on the finished report. It reads runner.Results
// and the Meta the command hands it, and nothing else. Its numbers are
// written by package units' formatters, as the progress line's are.
package report
