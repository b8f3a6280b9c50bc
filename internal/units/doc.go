// Package units owns the project's units as text: the one request-rate type
// (Rate, written 100/s, 0.5/s, 30/m or 2/h), the one parser of durations
// written by people (ParseDuration, Go syntax), the one parser of plain
// numbers (ParseNumber), and the number formatters every human-readable
// output uses: counts with thousands separators, rates per second,
// milliseconds and durations, percentages, and floats without noise.
//
// Durations are time.Duration everywhere; this package only reads and
// writes them as text. It does not know where a value comes from (a YAML
// file, a flag, a threshold): callers add the file position or the flag
// name to its errors.
package units
