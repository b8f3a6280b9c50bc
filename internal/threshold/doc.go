// Package threshold owns the thresholds of a scenario: their grammar
// (METRIC[{case=NAME}][.STAT] OP VALUE), the table of metrics they can name
// (Metrics: name, unit, whether it takes a case, its stats, whether it is a
// timing verdict, and how it is measured on a report), and their evaluation
// on a finished report (Threshold.Evaluate, a report.Gate).
//
// Adding a metric is one row of the table plus a line in its tests and in
// docs/scenario.md. The package does not parse scenario files (package
// scenarios calls Parse for each threshold) and does not render reports:
// an evaluated threshold carries its unit, and the renderers format by it.
package threshold
