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
	// Verdict explains Passed in one line, e.g. "failed: 3 checks failed".
	Verdict string `json:"verdict"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
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
}

// Case is the result of one case of the mix.
type Case struct {
	Name            string            `json:"name"`
	Expected        []int             `json:"expected"`
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
}

// Violation groups the failures of one check on one case with one status.
type Violation struct {
	Check   string `json:"check"`
	Case    string `json:"case"`
	Status  int    `json:"status"` // 0 for a transport failure
	Count   int64  `json:"count"`
	Message string `json:"message"`
	// Curl reproduces the first example; credentials appear as $WRTC_USERNAME/$WRTC_PASSWORD.
	Curl     string    `json:"curl"`
	Examples []Example `json:"examples,omitempty"`
}

// Example is one kept instance of a violation.
type Example struct {
	Seq    uint64  `json:"seq"`
	AtMs   float64 `json:"at_ms"` // scheduled time from the start of the run
	Status int     `json:"status"`
	Body   string  `json:"body,omitempty"` // the response body, truncated
	Error  string  `json:"error,omitempty"`
	Curl   string  `json:"curl"`
}

// Threshold is one threshold of the scenario and whether it held.
type Threshold struct {
	Expr  string  `json:"expr"`
	Value float64 `json:"value"`
	Pass  bool    `json:"pass"`
	// Error says why the threshold could not be evaluated (it then fails).
	Error string `json:"error,omitempty"`
}

// Coverage says which documented statuses and which cases the run never
// observed, or never saw reach their purpose.
type Coverage struct {
	StatusesSeen      []int    `json:"statuses_seen"`
	StatusesUnseen    []int    `json:"statuses_unseen"`     // documented but never observed
	CasesNotRun       []string `json:"cases_not_run"`       // catalogue cases the mix left out
	CasesNeverReached []string `json:"cases_never_reached"` // run, but no response had an expected status
}

// Phase times a step outside the measured phase, such as fixture setup.
type Phase struct {
	Name      string  `json:"name"` // setup, teardown
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
