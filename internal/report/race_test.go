//go:build race

package report

// raceEnabled is set when the race detector is on: long tests skip.
const raceEnabled = true
