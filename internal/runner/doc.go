// Package runner is the load engine: it paces, fires and times the requests
// of a run.
//
// It takes a Source of pre-rendered requests, a Pacer (or a closed-model
// concurrency) and a Recorder, and for every request produces one Result: the
// contract between the runner and everything downstream. It does not judge
// what came back; the Recorder does (package report). Latency is timed from
// each request's scheduled send time, so a stalled target shows in it
// (coordinated omission is corrected); the service time from the actual send
// is kept beside it.
//
// The open-model scheduler sleeps on a precise kernel timer (Timer) and
// flags a run whose own scheduling fell behind (Summary.Behind). Its workers
// are goroutines, or, on one processor with deferred reads (Linux), its
// coroutines (coworker.go): the open model then runs as one event loop. Plain-HTTP
// requests go out on a lean HTTP/1.1 engine, one kept-alive connection per
// worker and no allocation per request; TLS and HTTP/2 go through net/http
// (ClientConfig.Engine). Both read a response strictly (RFC 9112, http1.go):
// one that breaks HTTP/1.1 is a transport failure (ErrMalformed,
// ErrHeadTooLarge), never an answer, and a kept connection holding bytes no
// request asked for is closed and counted (Summary.Unsolicited), never read
// as the next request's answer.
//
// The runner does not parse scenarios, set up fixtures, judge responses,
// aggregate results or render reports. It imports no package of this project
// (go list -deps ./internal/runner), like vegeta's attacker.
package runner
