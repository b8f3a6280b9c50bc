package report

import "time"

// Format is the value of Report.Format for this version of report.json.
const Format = "wrtcbench.report/v1"

// Report is report.json: the machine-readable result of one run (format
// wrtcbench.report/v1). Every other format is rendered from it, so it holds
// everything the renderers need, the histograms included. Times in
// milliseconds are float64; durations in seconds are float64 seconds.
type Report struct {
	Format       string       `json:"format"`
	Tool         Tool         `json:"tool"`
	Host         Host         `json:"host,omitzero"` // the machine the generator ran on
	Scenario     ScenarioInfo `json:"scenario"`
	Target       string       `json:"target"`
	Contract     string       `json:"contract,omitempty"` // the OpenAPI document responses were judged by
	Started      time.Time    `json:"started"`
	StartDelayMs float64      `json:"start_delay_ms,omitempty"` // with --start-at (Started is that instant): how long after it the schedule began
	Shard        *ShardInfo   `json:"shard,omitempty"`          // one shard of a distributed run (run --shard i/N)
	Merged       *MergeInfo   `json:"merged,omitempty"`         // the shards a merged report is made of
	DurationS    float64      `json:"duration_s"`
	Interrupted  bool         `json:"interrupted"`
	// Aborted, when set, says which abort_on_fail threshold stopped the run
	// early, and when.
	Aborted         *Abort            `json:"aborted,omitempty"`
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
	// IntervalS is the length of the run's time slices (--interval), in
	// seconds. A long run joins adjacent slices so that Intervals holds at
	// most MaxIntervals; each Interval's DurationS says what it spans.
	// Reports written before it existed leave it out.
	IntervalS  float64    `json:"interval_s,omitempty"`
	Intervals  []Interval `json:"intervals"`
	Histograms Histograms `json:"histograms"`
	Passed     bool       `json:"passed"`
	// Outcome is the verdict in one word, and decides the exit code:
	// passed (0), failed (1), invalid (4: the generator fell behind and a
	// timing verdict depends on it), interrupted (130), or running for a
	// partial report. Reports written before it existed leave it out.
	Outcome Outcome `json:"outcome,omitempty"`
	// Verdict explains Outcome in one line, e.g. "failed: 3 failed checks".
	Verdict string `json:"verdict"`
}

// Abort records a run stopped early by an abort_on_fail threshold.
type Abort struct {
	Threshold string  `json:"threshold"`
	AtS       float64 `json:"at_s"`  // when, from the start of the run
	Value     float64 `json:"value"` // the threshold's value then, in Unit
	Unit      string  `json:"unit,omitempty"`
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

// Host describes the machine the load generator ran on.
type Host struct {
	Name       string `json:"name,omitempty"` // its host name
	OS         string `json:"os,omitempty"`   // runtime.GOOS
	Arch       string `json:"arch,omitempty"` // runtime.GOARCH
	CPUs       int    `json:"cpus,omitempty"` // logical CPUs the process could use (runtime.NumCPU)
	GOMAXPROCS int    `json:"gomaxprocs,omitempty"`
}

// ScenarioInfo identifies the scenario that was run.
type ScenarioInfo struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	File        string `json:"file,omitempty"`
	// Text is the scenario file as the run read it, before ${NAME}
	// expansion, with the values of username and password keys redacted.
	Text  string `json:"text,omitempty"`
	Seed  uint64 `json:"seed"`
	Shard string `json:"shard,omitempty"` // "i/N" for one shard of a distributed run
	// Hash is "sha256:" and the hex SHA-256 of the scenario file's bytes,
	// so that merge can tell shards of one scenario from look-alikes.
	Hash string `json:"hash,omitempty"`
}

// ShardInfo identifies one shard of a distributed run: shard Index
// (0-based) of Count. Shard i sends requests i, i+N, i+2N… of the plan at
// 1/N of the rate.
type ShardInfo struct {
	Index int `json:"index"`
	Count int `json:"count"`
	// RunShape is the load shape of the whole run, all shards together
	// (open model), e.g. "constant 300/s" where this shard's load.shape
	// says "constant 100/s".
	RunShape string `json:"run_shape,omitempty"`
}

// MergeInfo describes a merged report: how many shards the run had, which
// were merged and which were missing (merge --allow-partial).
type MergeInfo struct {
	Count   int   `json:"count"`
	Shards  []int `json:"shards"`
	Missing []int `json:"missing,omitempty"`
	// StartSpreadMs is the latest shard's start minus the earliest's: 0
	// when every shard started at one --start-at instant, so that the
	// intervals merged by position cover the same time.
	StartSpreadMs float64 `json:"start_spread_ms"`
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
	// Unsolicited counts the kept connections found holding bytes no
	// request asked for (runner.Summary.Unsolicited): a violation of the
	// target, counted apart from the requests.
	Unsolicited int64 `json:"unsolicited,omitempty"`
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
	// Budget is the check's error budget, when the scenario gives it one
	// (run-wide checks only).
	Budget *Budget `json:"budget,omitempty"`
}

// Budget is a check's error budget: how many of its failures a run tolerates
// before they fail it (the scenario's checks: block). A check without one
// tolerates none. With both bounds, both must hold.
type Budget struct {
	// MaxRate is the largest share (0..1) of the responses the check judged
	// that may fail it.
	MaxRate *float64 `json:"max_rate,omitempty"`
	// MaxCount is the largest number of failures.
	MaxCount *int64 `json:"max_count,omitempty"`
	// Rate is the share that failed, and Within says whether the failures
	// stayed within the budget; Decide fills both in.
	Rate   float64 `json:"rate"`
	Within bool    `json:"within"`
}

// holds reports whether failed of judged responses stay within b.
func (b Budget) holds(failed, judged int64) (rate float64, within bool) {
	if judged > 0 {
		rate = float64(failed) / float64(judged)
	}
	within = (b.MaxRate == nil || rate <= *b.MaxRate) && (b.MaxCount == nil || failed <= *b.MaxCount)
	return rate, within
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
	Expr string `json:"expr"`
	// Metric, Case, Check, Stat, Op and Bound are Expr taken apart (e.g.
	// latency, "", "", p99, <, 250), so that a renderer can draw a
	// threshold without knowing the grammar; Bound is in Unit. Reports
	// written before they existed leave them out.
	Metric string  `json:"metric,omitempty"`
	Case   string  `json:"case,omitempty"`
	Check  string  `json:"check,omitempty"`
	Stat   string  `json:"stat,omitempty"`
	Op     string  `json:"op,omitempty"`
	Bound  float64 `json:"bound,omitempty"`
	Value  float64 `json:"value"`
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
	StatusesSeen   []int `json:"statuses_seen"`
	StatusesUnseen []int `json:"statuses_unseen"` // documented but never observed
	// CasesWithoutResponse are the cases of the mix that got no response in
	// the measured phase; with RequireEveryCase (the default) they fail the
	// run: a run too short to cover its mix is not a pass.
	CasesWithoutResponse []string `json:"cases_without_response"`
	RequireEveryCase     bool     `json:"require_every_case"`
	CasesNotRun          []string `json:"cases_not_run"`       // catalogue cases the mix left out (generated cases aside)
	CasesNeverReached    []string `json:"cases_never_reached"` // run, but no response had an expected status
}

// Phase times a step outside the measured phase, such as fixture setup.
type Phase struct {
	Name      string  `json:"name"` // setup, shrink, teardown
	DurationS float64 `json:"duration_s"`
	// Requests counts the HTTP requests the phase sent, retries included.
	Requests int64 `json:"requests"`
	// Retries counts those that repeated a call whose earlier try failed,
	// and Retried the same by cause: "429", "503", "reset", ...
	Retries int64            `json:"retries,omitempty"`
	Retried map[string]int64 `json:"retried,omitempty"`
	Error   string           `json:"error,omitempty"`
}

// The phases a run reports.
const (
	PhaseSetup    = "setup"
	PhaseTeardown = "teardown"
)

// SetupError returns the error of the run's fixture setup, or "" when it
// did not fail. A run whose setup failed sent no measured request.
func (r *Report) SetupError() string {
	for _, p := range r.Phases {
		if p.Name == PhaseSetup && p.Error != "" {
			return p.Error
		}
	}
	return ""
}

// Interval holds the figures of one time slice of the run (one second by
// default), the data behind the charts and the live progress. Its counts
// include the warm-up: the time series shows the whole run.
type Interval struct {
	StartS     float64          `json:"start_s"` // offset of the slice from the start of the run
	DurationS  float64          `json:"duration_s"`
	Scheduled  int64            `json:"scheduled"`
	Sent       int64            `json:"sent"`
	Completed  int64            `json:"completed"`
	Errors     int64            `json:"errors"`     // transport errors
	Violations int64            `json:"violations"` // responses that failed any check
	Status     map[string]int64 `json:"status"`
	InFlight   int64            `json:"in_flight"` // awaiting an answer at the end of the slice
	// InFlightMax is the most requests awaiting an answer at once within
	// the slice (sampled every DefaultInterval/50, and never below a new
	// high of the run's own exact count). Reports written before it
	// existed leave it at 0.
	InFlightMax int64 `json:"in_flight_max"`
	// TargetRate is the schedule's rate at the end of the slice.
	TargetRate float64 `json:"target_rate"`
	LatencyMs  Summary `json:"latency_ms"`
	// CaseLatencyMs holds each case's latency in the slice, by case name.
	CaseLatencyMs map[string]CaseSlice `json:"case_latency_ms,omitempty"`
	// Histogram is the interval's latency histogram, compressed and base64-encoded.
	Histogram string `json:"histogram,omitempty"`
}

// CaseSlice is one case's latency within an interval, in milliseconds.
// Count and Max are exact. P99 is exact for a slice the run recorded; in
// a slice joined from two after the fact (by MergeShardIntervals, or a run
// that outgrew its planned length) it is the larger of the two: an upper
// bound.
type CaseSlice struct {
	Count int64   `json:"count"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

// Histograms holds the whole run's HdrHistograms (microseconds, compressed
// with HdrHistogram's V2 encoding and base64-encoded), so that merge and
// compare can work losslessly.
type Histograms struct {
	Latency string `json:"latency"`
	Service string `json:"service"`
	Lag     string `json:"lag"`
}
