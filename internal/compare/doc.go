// Package compare decides whether one set of runs regressed against another,
// the way benchstat decides for benchmarks: a difference counts only when it
// is statistically significant and beyond a tolerance.
//
// It owns: reading the runs to compare (ReadRun, which refuses a scenario
// file, a partial report and another format version with a message that
// says so), the statistics (a distribution-free confidence interval of a
// quantile from a histogram's order statistics, the Mann-Whitney U test over
// per-interval samples, Fisher's exact test for error rates), the verdict of
// each figure (Compare), and the comparison's text, Markdown and JSON forms.
// docs/compare.md explains the method.
//
// It reads report.Report and nothing else of a run: it does not run load,
// and it does not know how a report was made.
package compare
