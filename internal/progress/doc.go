// Package progress shows a run while it goes on: a live bar per scenario
// on a terminal (with github.com/vbauerster/mpb/v8), a plain line every few
// seconds in a CI log, or nothing at all.
//
// It owns the display only. It reads the figures it shows from a Snapshot
// function that the caller passes in and that the package polls, and a
// step's status from its owner (Step.SetStatus); it never computes a figure
// itself, and it writes no credential because it is given none. Its numbers
// are written by package units' formatters, like the report's. Every
// goroutine it starts stops in Close (or Wait), which callers
// defer.
package progress
