// Package report turns the Results of a run into its report and every format
// the report is read in.
//
// It owns: accumulation (Collector: sharded buffers folded once per interval
// into HdrHistograms and counters, so memory stays flat however long a run
// lasts), the report.json model (Report, format wrtcbench.report/v1), the
// thresholds (Rule), the verdict (Decide), the renderers (text, JSON,
// Markdown, JUnit, HTML with charts, HdrHistogram interval log), the result
// folder (WriteFolder, ReadFolder), and the comparison and merging of finished
// runs (Compare, Merge).
//
// It does not send requests, pace load or parse scenario files: it reads
// runner.Results and the Meta the command hands it, and nothing else. Its
// numbers are written by package units' formatters, as the progress line's are.
package report
