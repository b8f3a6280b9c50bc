package report

import "time"

// Format is the value of Report.Format for this version of report.json.
const Format = "wrtcbench.report/v1"

// Report is report.json: the machine-readable result of one run (format
// wrtcbench.report/v1). Every other format is rendered from it, so it holds
// everything the renderers need, the histograms included. Times in
// milliseconds are float64; durations in seconds are float64 seconds.
type Report struct {
	Format          string            `json:"format"`
	Tool            Tool              `json:"tool"`
	Scenario        ScenarioInfo      `json:"scenario"`
	Target          string            `json:"target"`
	Contract        string            `json:"contract,omitempty"` // the OpenAPI document responses were judged by
	Started         time.Time         `json:"started"`
	DurationS       float64           `json:"duration_s"`
	Interrupted     bool              `json:"interrupted"`
	Load            Load              `json:"load"`
	Requests        Requests          `json:"requests"`
	Status          map[string]int64  `json:"status"`
	TransportErrors map[string]int64  `json:"transport_errors"`
	Shedding        Shedding          `json:"shedding"`
	LatencyMs       Summary           `json:"latency_ms"`
	ServiceMs       Summary           `json:"service_ms"`
	LagMs           Summary           `json:"lag_ms"`
	Cases           []Case            `json:"cases"`
	Checks          map[string]Counts `json:"checks"`
	Violations      []Violation       `json:"violations"`
	Thresholds      []Threshold       `json:"thresholds"`
	Coverage        Coverage          `json:"coverage"`
	Phases          []Phase           `json:"phases,omitempty"`
	Intervals       []Interval        `json:"intervals"`
	Histograms      Histograms        `json:"histograms"`
	Passed          bool              `json:"passed"`
	// Outcome is the verdict in one word, and decides the exit code:
	// passed (0), failed (1), invalid (4: the generator fell behind and a
	// timing verdict depends on it), interrupted (130), or running for a
	// partial report. Reports written before it existed leave it out.
	Outcome Outcome `json:"outcome,omitempty"`
	// Verdict explains Outcome in one line, e.g. "failed: 3 failed checks".
	Verdict string `json:"verdict"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Revision is the VCS revision the binary was built from ("+dirty"
	// when from uncommitted changes); empty when unknown.
	Revision string `json:"revision,omitempty"`
	// Go is the Go version that built it.
	Go string `json:"go,omitempty"`
}

// ScenarioInfo identifies the scenario that was run.
type ScenarioInfo struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	File        string `json:"file,omitempty"`
	Seed        uint64 `json:"seed"`
	Shard       string `json:"shard,omitempty"` // "i/N" for one shard of a distributed run
}

// Load describes the load model and how well the generator kept to it.
type Load struct {
	Model           string  `json:"model"`
	Shape           string  `json:"shape,omitempty"` // e.g. "constant 100/s"
	TargetRate      float64 `json:"target_rate"`     // scheduled requests per second over the measured phase
	AchievedRate    float64 `json:"achieved_rate"`   // sent requests per second over the measured phase
	MaxInFlight     int     `json:"max_in_flight,omitempty"`
	MaxInFlightSeen int64   `json:"max_in_flight_seen"`
	Concurrency     int     `json:"concurrency,omitempty"`
	WarmupS         float64 `json:"warmup_s"`
	SlackMS         float64 `json:"slack_ms,omitempty"` // open model: requests due this soon after a wake-up's own went out with it
	Late            uint64  `json:"late"`               // requests the scheduler itself dispatched late
	Behind          bool    `json:"behind"`             // the generator fell behind: not a valid measurement
}

// Requests counts the requests of the measured phase (warm-up excluded).
type Requests struct {
	Scheduled       int64 `json:"scheduled"`
	Sent            int64 `json:"sent"`
	Completed       int64 `json:"completed"`
	Dropped         int64 `json:"dropped"`
	TransportErrors int64 `json:"transport_errors"`
	// Canceled counts the requests in flight when the run was interrupted
	// (Ctrl-C): counted among TransportErrors (kind "canceled"), judged by
	// no check, so the user's interrupt is not held against the target.
	Canceled int64 `json:"canceled,omitempty"`
	// Failed counts the requests that failed at least one check, transport
	// failures included: the numerator of error_rate.
	Failed int64 `json:"failed"`
	// Warmup counts the requests sent during the warm-up, checked but not measured.
	Warmup int64 `json:"warmup"`
}

// Shedding counts the load-shedding answers (429, 503) and their Retry-After.
type Shedding struct {
	Count        int64   `json:"count"`
	Status429    int64   `json:"429"`
	Status503    int64   `json:"503"`
	RetryAfter   int64   `json:"retry_after_given"`  // answers that carried a readable Retry-After
	RetryAfterMs float64 `json:"retry_after_max_ms"` // the longest Retry-After seen
}

// Summary holds the usual statistics of one latency distribution, in milliseconds.
type Summary struct {
	Count  int64   `json:"count"`
	Min    float64 `json:"min"`
	Mean   float64 `json:"mean"`
	Stddev float64 `json:"stddev"`
	P50    float64 `json:"p50"`
	P90    float64 `json:"p90"`
	P95    float64 `json:"p95"`
	P99    float64 `json:"p99"`
	P99_9  float64 `json:"p99_9"`
	Max    float64 `json:"max"`
}

// Counts is a passed/failed pair.
type Counts struct {
	Passed int64 `json:"passed"`
	Failed int64 `json:"failed"`
}

// Case is the result of one case of the mix.
type Case struct {
	Name     string `json:"name"`
	Expected []int  `json:"expected"`
	// Source says where the case's default expectation comes from:
	// "published" (the API's published document) or "project" (the
	// project's choice where the API is silent).
	Source string `json:"source,omitempty"`
	// Judged, when set, says why the case was judged on the contract's
	// documented statuses only (a --contract document that does not
	// support the case's expectation).
	Judged          string            `json:"judged,omitempty"`
	Weight          float64           `json:"weight,omitempty"`
	Requests        int64             `json:"requests"` // sent in the measured phase
	Completed       int64             `json:"completed"`
	Failed          int64             `json:"failed"` // requests that failed at least one check
	Status          map[string]int64  `json:"status"`
	TransportErrors map[string]int64  `json:"transport_errors,omitempty"`
	LatencyMs       Summary           `json:"latency_ms"`
	ServiceMs       Summary           `json:"service_ms"`
	Checks          map[string]Counts `json:"checks"`
	// Histogram is the case's latency histogram, compressed and base64-encoded.
	Histogram string `json:"histogram,omitempty"`
	// ServiceHistogram is the case's service-time histogram, encoded the same way.
	ServiceHistogram string `json:"service_histogram,omitempty"`
	// Generated, for a generated case (generated_body, generated_path),
	// says what its requests exercised of the contract.
	Generated *GeneratedCase `json:"generated,omitempty"`
}

// GeneratedCase is what the requests of a generated case sent in the
// measured phase exercised. Each request carries its own expectation, so
// Expected of the case lists what they may expect between them.
type GeneratedCase struct {
	// Valid counts the requests sent without a mutation.
	Valid int64 `json:"valid"`
	// Project counts the requests whose expectation rests on a choice of
	// this project (docs/refserver.md), which a deployment need not share.
	Project int64 `json:"project"`
	// Undecided counts the requests whose expectation the document does not
	// decide: they expected every status a reading of it allows.
	Undecided int64 `json:"undecided"`
	// Mutations counts the mutations made, by where (a property path of the
	// request-body schema, "body", or a path parameter) and kind.
	Mutations map[string]map[string]int64 `json:"mutations"`
	// Exercised and Possible count the (where, kind) pairs sent and those
	// the generator can make against the contract.
	Exercised int `json:"exercised"`
	Possible  int `json:"possible"`
	// Unexercised lists the possible pairs never sent, "where: kind".
	Unexercised []string `json:"unexercised"`
}

// Violation groups the failures of one check on one case with one status.
type Violation struct {
	Check   string `json:"check"`
	Case    string `json:"case"`
	Status  int    `json:"status"` // 0 for a transport failure
	Count   int64  `json:"count"`
	Message string `json:"message"`
	// Curl reproduces the first example; credentials appear as $WRTC_USERNAME/$WRTC_PASSWORD.
	// For a generated case whose failure the shrink phase reproduced with a
	// smaller body, it is that smaller request.
	Curl string `json:"curl"`
	// OriginalCurl is the first example's request as it was sent, when Curl
	// is a shrunk one.
	OriginalCurl string `json:"original_curl,omitempty"`
	// Shrink says how the shrink phase went for this group, for a status
	// failure of a generated case.
	Shrink   *Shrink   `json:"shrink,omitempty"`
	Examples []Example `json:"examples,omitempty"`
}

// Shrink is the shrink phase's account of one generated case and wrong
// status: it replayed smaller bodies of the first failing example, keeping
// each one that still got the same status while the contract expected
// another.
type Shrink struct {
	// Replays counts the requests it sent, the replay of the original
	// included.
	Replays int `json:"replays"`
	// Reproduced counts the replays answered with the group's status while
	// their own expectation excluded it: flagged responses, like the
	// group's Count, but of the shrink phase.
	Reproduced int `json:"reproduced"`
	// FromBytes and ToBytes are the body's size before and after.
	FromBytes int `json:"from_bytes"`
	ToBytes   int `json:"to_bytes"`
	// Stopped says why it stopped: minimal (no smaller body failed the
	// same way), budget (the group's replays ran out), time (the phase's
	// time ran out), interrupted (Ctrl-C), not_reproduced (the original
	// did not fail again), no_body (nothing to shrink), or an error.
	Stopped string `json:"stopped"`
}

// Example is one kept instance of a violation.
type Example struct {
	Seq    uint64  `json:"seq"`
	AtMs   float64 `json:"at_ms"` // scheduled time from the start of the run
	Status int     `json:"status"`
	Body   string  `json:"body,omitempty"` // the response body, truncated
	Error  string  `json:"error,omitempty"`
	Curl   string  `json:"curl"`
	// Expected, Source, Why and Mutations are a generated request's own
	// expectation: the statuses, "published", "project" or "undecided", the
	// rule, and what was mutated ("where: kind").
	Expected  []int    `json:"expected,omitempty"`
	Source    string   `json:"source,omitempty"`
	Why       string   `json:"why,omitempty"`
	Mutations []string `json:"mutations,omitempty"`
}

// Threshold is one threshold of the scenario and whether it held.
type Threshold struct {
	Expr  string  `json:"expr"`
	Value float64 `json:"value"`
	// Unit is what Value measures: "ms", "fraction" (0..1), "/s" or
	// "count". Reports written before it existed leave it out.
	Unit string `json:"unit,omitempty"`
	Pass bool   `json:"pass"`
	// Timing marks a verdict on the generator's timing too (latency,
	// service, lag, rate): one the generator's own lag can sway.
	Timing bool `json:"timing,omitempty"`
	// Invalid marks a timing verdict of a run whose generator fell behind
	// its schedule: it is not a valid measurement, pass or fail.
	Invalid bool `json:"invalid,omitempty"`
	// Error says why the threshold could not be evaluated (it then fails).
	Error string `json:"error,omitempty"`
}

// Coverage says which documented statuses and which cases the run never
// observed, or never saw reach their purpose.
type Coverage struct {
	StatusesSeen      []int    `json:"statuses_seen"`
	StatusesUnseen    []int    `json:"statuses_unseen"`     // documented but never observed
	CasesNotRun       []string `json:"cases_not_run"`       // catalogue cases the mix left out (generated cases aside)
	CasesNeverReached []string `json:"cases_never_reached"` // run, but no response had an expected status
}

// Phase times a step outside the measured phase, such as fixture setup.
type Phase struct {
	Name      string  `json:"name"` // setup, shrink, teardown
	DurationS float64 `json:"duration_s"`
	Requests  int64   `json:"requests"`
	Error     string  `json:"error,omitempty"`
}

// Interval holds the figures of one time slice of the run (one second by
// default), the data behind the charts and the live progress.
type Interval struct {
	StartS     float64          `json:"start_s"` // offset of the slice from the start of the run
	DurationS  float64          `json:"duration_s"`
	Scheduled  int64            `json:"scheduled"`
	Sent       int64            `json:"sent"`
	Completed  int64            `json:"completed"`
	Errors     int64            `json:"errors"`     // transport errors
	Violations int64            `json:"violations"` // responses that failed any check
	Status     map[string]int64 `json:"status"`
	InFlight   int64            `json:"in_flight"`
	TargetRate float64          `json:"target_rate"`
	LatencyMs  Summary          `json:"latency_ms"`
	// Histogram is the interval's latency histogram, compressed and base64-encoded.
	Histogram string `json:"histogram,omitempty"`
}

// Histograms holds the whole run's HdrHistograms (microseconds, compressed
// with HdrHistogram's V2 encoding and base64-encoded), so that merge and
// compare can work losslessly.
type Histograms struct {
	Latency string `json:"latency"`
	Service string `json:"service"`
	Lag     string `json:"lag"`
}
