package runner

import "time"

// Request is one pre-rendered HTTP request. Requests may be shared between
// concurrent sends and must not be modified once handed to the runner.
type Request struct {
	// Case tags the request for whoever reads its Result (the report
	// package: the index of its case in the mix); the runner ignores it.
	Case int
	// Method is the HTTP method, e.g. "PUT".
	Method string
	// URL is the absolute request URL.
	URL string
	// Header holds every header to send, Authorization included.
	Header map[string][]string
	// Body is the exact body to send; nil sends none.
	Body []byte
}

// Source yields the requests of a run. Request(n) returns the n-th request
// (0-based); it must be deterministic and safe for concurrent use, and it
// must not block: the open model's scheduler calls it, and when the workers
// are its coroutines (coworker.go) no answer is read meanwhile.
type Source interface {
	Request(n uint64) *Request
}

// SourceFunc adapts a function to Source.
type SourceFunc func(n uint64) *Request

// Request calls f(n).
func (f SourceFunc) Request(n uint64) *Request { return f(n) }

// Result is the record of one request: what was asked, when it was due, when
// it went out and what came back. Times are offsets from the start of the
// run. Judging what came back is the reader's business (package report).
type Result struct {
	// Seq is the request's position in the schedule.
	Seq uint64
	// Req is the request that was sent (or dropped).
	Req *Request
	// Scheduled is when the request was due: its time in the schedule, or,
	// sent early with Config.Slack, the due time of the wake-up it went out
	// on. Latency counts from it.
	Scheduled time.Duration
	// Sent is when the request was handed to the HTTP client.
	Sent time.Duration
	// Done is when the response body was read, or the transport failed.
	Done time.Duration
	// Warmup is true for requests due within the warm-up period.
	Warmup bool
	// Dropped is true when on_saturation=drop skipped the request: nothing was sent.
	Dropped bool
	// Err is the kind of transport failure; ErrNone when a response arrived.
	Err ErrKind
	// ErrText is the transport error's message, for examples.
	ErrText string
	// Response holds the status, Content-Type and (bounded) body.
	Response Response
	// RetryAfter is the Retry-After of a 429 or 503, when given.
	RetryAfter time.Duration
}

// Response is what the target answered: the status, the Content-Type and the
// body, read up to Config.MaxBodyBytes. Body is the worker's buffer, valid
// until Record returns.
type Response struct {
	Status      int
	ContentType string // the Content-Type header, as sent
	Body        []byte // the body, read up to a bound
	BodyLen     int64  // the body's length in bytes as read, which may exceed len(Body)
	// Announced is set when the head announced a body (a Content-Length
	// above 0, or chunked coding) that the status does not allow: a 204 or
	// 304 with a body. That body is not read (BodyLen is 0) and the
	// connection is not reused.
	Announced bool
}

// Latency is the time from the scheduled send to the end of the response.
func (r *Result) Latency() time.Duration { return r.Done - r.Scheduled }

// Service is the time from the actual send to the end of the response.
func (r *Result) Service() time.Duration { return r.Done - r.Sent }

// Lag is how late the request went out: actual send minus scheduled send.
func (r *Result) Lag() time.Duration { return r.Sent - r.Scheduled }

// Recorder receives every Result. Record is called concurrently from many
// workers; worker is the caller's index in [0, Config.Workers()], and no two
// goroutines record under one index at once, so an implementation can keep
// per-worker state without contention. The Result is
// reused after Record returns: copy what must be kept.
type Recorder interface {
	Record(worker int, r *Result)
}
