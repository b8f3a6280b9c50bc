// Package runner paces, fires, times and checks the requests of a run.
//
// It takes a Source of pre-rendered requests, a Pacer (or a closed-model
// concurrency) and a Recorder, and for every request produces one Result: the
// contract between the runner and everything downstream. Latency is timed from
// each request's scheduled send time, so a stalled target shows in it
// (coordinated omission is corrected); the service time from the actual send
// is kept beside it.
//
// The runner does not parse scenarios, set up fixtures, aggregate results or
// render reports: it imports neither the scenarios nor the report package.
package runner
