package scenarios

import (
	"net/url"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/faults"
	"github.com/wrtcbench/wrtcbench/internal/fixtures"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/threshold"
	"github.com/wrtcbench/wrtcbench/internal/units"
)

// Defaults for the keys a scenario file may leave out. ApplyDefaults fills
// them in; Parse and Load call it, so callers read final values.
const (
	// DefaultURL is the target when target.url is absent: the in-process reference API.
	DefaultURL = Embedded
	// DefaultAccountID is the account used against the embedded reference API.
	DefaultAccountID = "9900000"
	// DefaultTimeout is the per-request timeout.
	DefaultTimeout = 10 * time.Second
	// DefaultHTTP2 lets the HTTP client negotiate the protocol.
	DefaultHTTP2 = "auto"
	// DefaultFixtureMode creates sessions and participants through the API.
	DefaultFixtureMode = "create"
	// DefaultSessions is the number of sessions created in create mode.
	DefaultSessions = 1
	// DefaultParticipantsPerSession is the number of participants per created session.
	DefaultParticipantsPerSession = 2
	// DefaultFixtureRate paces setup and teardown calls, per second.
	DefaultFixtureRate = fixtures.DefaultRate
	// DefaultFixtureConcurrency is how many setup or teardown calls may be
	// under way at once.
	DefaultFixtureConcurrency = fixtures.DefaultConcurrency
	// DefaultModel is the open (arrival-rate) load model.
	DefaultModel = "open"
	// DefaultMaxInFlight caps concurrent requests.
	DefaultMaxInFlight = 256
	// DefaultOnSaturation waits for a free slot when max_in_flight is reached.
	DefaultOnSaturation = "queue"
	// DefaultSeed seeds request generation when load.seed is absent.
	DefaultSeed uint64 = 1
	// DefaultWeight is a mix entry's weight when it has none.
	DefaultWeight = 1.0

	// Embedded is the target.url value that starts the reference API in-process.
	Embedded = "embedded"
	// ProductionHost is the host of Bandwidth's production WebRTC API.
	ProductionHost = "api.webrtc.bandwidth.com"
	// DefaultSlack is the open model's load.slack when absent: it takes
	// effect above 4,000 requests a second, where two requests fall due
	// within it.
	DefaultSlack = 250 * time.Microsecond
	// MaxSlack bounds load.slack.
	MaxSlack = 10 * time.Millisecond
	// DefaultProductionMaxRate caps the rate sent to ProductionHost unless
	// target.max_rate raises it.
	DefaultProductionMaxRate = 10.0
	// MaxParticipantsPerSession is the API's limit of participants in one session.
	MaxParticipantsPerSession = 20
)

// DefaultAliases returns the stream aliases used when fixtures.aliases is absent.
// It returns a new slice each call.
func DefaultAliases() []string { return []string{"microphone1", "camera1"} }

// Scenario is one parsed scenario file (format v1): what to test, against what,
// with which fixtures, at what load, and what must hold afterwards.
type Scenario struct {
	// File is the path the scenario was read from; it prefixes error messages.
	File string
	// Name identifies the scenario in reports; letters, digits, - and _.
	Name string
	// Description is free text.
	Description string
	// Target says where requests go and how.
	Target Target
	// Fixtures says which sessions and participants requests use.
	Fixtures Fixtures
	// Load says how many requests are sent and how they are paced.
	Load LoadSpec
	// Mix is the weighted list of cases, in file order.
	Mix []MixEntry
	// Thresholds must all hold for the run to pass.
	Thresholds []threshold.Threshold
	// Checks holds the checks' error budgets, by check name: how many
	// failures of a check the run tolerates. A check without one tolerates
	// none.
	Checks map[string]report.Budget
	// Coverage says what the run must cover to pass.
	Coverage Coverage
}

// Coverage says what a run must cover to pass.
type Coverage struct {
	// RequireEveryCase fails a run in which a case of the mix got no
	// response in the measured phase; nil means true. Read it with
	// EveryCase.
	RequireEveryCase *bool
}

// EveryCase reports whether every case of the mix must get a response
// (coverage.require_every_case, default true).
func (c Coverage) EveryCase() bool { return c.RequireEveryCase == nil || *c.RequireEveryCase }

// Target is the API under test.
type Target struct {
	// URL is Embedded or a base URL whose path ends in /v1, without a trailing slash.
	URL string
	// AccountID is the account in every request path. Required unless URL
	// is Embedded, where it defaults to DefaultAccountID (Origin.Account
	// then says EmbeddedDefault, so that a target changed afterwards, say by
	// --target, does not inherit it).
	AccountID string
	// Username and Password are the HTTP Basic credentials. Required unless
	// URL is Embedded, where empty means the reference server's defaults.
	Username, Password string
	// Origin says where the account and the credentials came from, for
	// messages that must name them (never the password itself).
	Origin Origin
	// Timeout bounds each request; zero means DefaultTimeout.
	Timeout time.Duration
	// HTTP2 is "auto", "on" or "off"; empty means DefaultHTTP2.
	HTTP2 string
	// Engine is "auto" (plain http:// on the lean HTTP/1.1 engine, the rest
	// on net/http) or "nethttp" (everything on net/http); empty means auto.
	Engine string
	// TLS configures certificate checks.
	TLS TLS
	// AllowProduction must be true to send load to ProductionHost.
	AllowProduction bool
	// MaxRate caps the rate the run may send to the target: the open
	// model's peak rate must not exceed it. Zero means no cap, except for
	// ProductionHost, where it means DefaultProductionMaxRate.
	MaxRate units.Rate
	// Embedded is the target.embedded block: the faults the in-process
	// reference server injects during the measured phase. Nil when absent;
	// it applies only when URL is Embedded.
	Embedded *faults.Faults
}

// EmbeddedDefault is the Origin of a value the embedded reference API's
// defaults supplied.
const EmbeddedDefault = "the embedded reference API's default"

// Origin says where each part of a target's identity came from, e.g. "the
// scenario file (target.username)", "--account" or "$WRTC_ACCOUNT_ID".
// Parse fills in the file's; whoever sets a value from elsewhere says so.
type Origin struct {
	Account, Username, Password string
}

// FillFromEnv gives each part of t's identity that is still empty the value
// of its environment variable, when set, and names the variable as its
// origin: $WRTC_ACCOUNT_ID, $WRTC_USERNAME, $WRTC_PASSWORD. It is for a
// target that is not embedded; the embedded API has its own defaults.
func (t *Target) FillFromEnv(lookupEnv func(string) (string, bool)) {
	if lookupEnv == nil {
		return
	}
	fill := func(v, origin *string, name string) {
		if *v == "" {
			if e, ok := lookupEnv(name); ok && e != "" {
				*v, *origin = e, "$"+name
			}
		}
	}
	fill(&t.AccountID, &t.Origin.Account, "WRTC_ACCOUNT_ID")
	fill(&t.Username, &t.Origin.Username, "WRTC_USERNAME")
	fill(&t.Password, &t.Origin.Password, "WRTC_PASSWORD")
}

// TLS configures how the target's certificate is checked.
type TLS struct {
	// InsecureSkipVerify disables certificate verification.
	InsecureSkipVerify bool
	// CAFile is a PEM file of extra trusted roots; empty means the system pool.
	CAFile string
}

// Fixtures describes the sessions and participants requests are made with.
type Fixtures struct {
	// Mode is "create" (made through the API before the run) or "static" (ids
	// given in Static). Empty means DefaultFixtureMode.
	Mode string
	// Sessions is the number of sessions to create (create mode).
	Sessions int
	// ParticipantsPerSession is the number of participants per session, 1..20 (create mode).
	ParticipantsPerSession int
	// PublishersPerSession is how many participants of each session publish
	// media and can be subscribed to (create mode). When PublishersSet is
	// false and the value is zero, it defaults to ParticipantsPerSession.
	PublishersPerSession int
	// PublishersSet records that PublishersPerSession was given, so that an
	// explicit zero is kept.
	PublishersSet bool
	// Aliases are the stream aliases publishers publish; nil means DefaultAliases.
	Aliases []string
	// Seat adds every participant to its session during setup; nil means true.
	// Read it with SeatEnabled.
	Seat *bool
	// Cleanup deletes what setup created after the run; nil means true. Read
	// it with CleanupEnabled.
	Cleanup *bool
	// Static lists existing sessions (static mode).
	Static []StaticSession
	// Rate paces the setup and teardown calls (create, seat, delete), in
	// either mode; zero means DefaultFixtureRate.
	Rate units.Rate
	// Concurrency is how many setup or teardown calls may be under way at
	// once, waits before a retry included; zero means DefaultFixtureConcurrency.
	Concurrency int
}

// SeatEnabled reports whether setup seats every participant (default true).
func (f Fixtures) SeatEnabled() bool { return f.Seat == nil || *f.Seat }

// CleanupEnabled reports whether teardown deletes what setup created (default true).
func (f Fixtures) CleanupEnabled() bool { return f.Cleanup == nil || *f.Cleanup }

// StaticSession is one existing session given by id.
type StaticSession struct {
	// Session is the session id.
	Session string
	// Participants are all participants of the session.
	Participants []string
	// Publishers are the participants that publish and can be subscribed to;
	// a subset of Participants.
	Publishers []string
}

// LoadSpec describes how requests are paced and when the run ends.
type LoadSpec struct {
	// Model is "open" (arrival rate) or "closed" (fixed concurrency); empty means DefaultModel.
	Model string
	// Rate is the constant arrival rate (open model, instead of Stages).
	Rate units.Rate
	// Stages are linear ramps, each from the previous stage's rate (the first from 0).
	Stages []Stage
	// Duration is how long the load lasts; with Stages it defaults to their sum.
	Duration time.Duration
	// Requests ends the run after this many requests, instead of Duration.
	Requests int64
	// Warmup is the initial span whose requests are sent and checked but kept
	// out of the latency figures.
	Warmup time.Duration
	// MaxInFlight caps concurrent requests; zero means DefaultMaxInFlight.
	MaxInFlight int
	// OnSaturation is "queue" or "drop"; empty means DefaultOnSaturation.
	OnSaturation string
	// Concurrency is the number of workers (closed model).
	Concurrency int
	// ThinkTime is each worker's pause between requests (closed model).
	ThinkTime time.Duration
	// Slack lets the open-model scheduler send the requests due within this
	// long after the one it woke for on the same wake-up, early: less CPU
	// per request at high rates. Each is timed from the due time of the
	// request it went out with, so its latency hides nothing; the target
	// sees them up to Slack sooner. Zero sends every request at its due
	// time. When SlackSet is false and Slack is zero, the open model uses
	// DefaultSlack.
	Slack time.Duration
	// SlackSet records that Slack was given, so that an explicit zero is kept.
	SlackSet bool
	// Seed seeds request generation. When SeedSet is false and Seed is zero,
	// it defaults to DefaultSeed.
	Seed uint64
	// SeedSet records that Seed was given, so that an explicit zero is kept.
	SeedSet bool
	// PerCase, when not zero, sends every case of the mix exactly this many
	// times, in an order drawn from the seed: the run's length is PerCase ×
	// the number of cases, and the weights do not apply. A conformance
	// suite is then complete and deterministic.
	PerCase int64
}

// Stage is one linear ramp of an open-model load.
type Stage struct {
	// Duration is the length of the ramp.
	Duration time.Duration
	// Rate is the rate reached at the end of the ramp; zero is allowed.
	Rate units.Rate
}

// MixEntry is one weighted case of the mix.
type MixEntry struct {
	// Case is a case name from the contract catalogue.
	Case string
	// Weight is the relative share of requests; zero means DefaultWeight.
	Weight float64
	// Expect overrides the case's default expected statuses when non-empty.
	Expect []int
	// Line is the entry's line in the scenario file, or 0.
	Line int
}

// MixCase returns the entry as the run uses it: the catalogue's case with
// the entry's weight, expecting Expect when given, else the case's own
// statuses. The entry must name a case of the catalogue (Parse checks it).
func (m MixEntry) MixCase() contract.MixCase {
	mc, _ := contract.NewMixCase(m.Case, m.Weight, contract.NewStatusSet(m.Expect...))
	return mc
}

// MixCases returns the mix as the run uses it, in file order.
func (s *Scenario) MixCases() []contract.MixCase {
	out := make([]contract.MixCase, len(s.Mix))
	for i, m := range s.Mix {
		out[i] = m.MixCase()
	}
	return out
}

// Seat reports whether setup seats every participant (fixtures.seat, default true).
func (s *Scenario) Seat() bool { return s.Fixtures.SeatEnabled() }

// Cleanup reports whether teardown deletes what setup created (fixtures.cleanup, default true).
func (s *Scenario) Cleanup() bool { return s.Fixtures.CleanupEnabled() }

// IsEmbedded reports whether the target is the in-process reference API.
func (t Target) IsEmbedded() bool { return t.URL == "" || t.URL == Embedded }

// IsProduction reports whether the target URL's host is ProductionHost.
func (t Target) IsProduction() bool {
	if t.IsEmbedded() {
		return false
	}
	u, err := url.Parse(t.URL)
	if err != nil {
		return false
	}
	return strings.EqualFold(strings.TrimSuffix(u.Hostname(), "."), ProductionHost)
}

// ApplyDefaults fills in every key left at its zero value, so that callers
// read final values. It is idempotent. Parse calls it; a caller that changes
// fields afterwards (for example from flags) may call it again before Validate.
func (s *Scenario) ApplyDefaults() {
	t := &s.Target
	if t.URL == "" {
		t.URL = DefaultURL
	}
	if t.IsEmbedded() && t.AccountID == "" {
		t.AccountID, t.Origin.Account = DefaultAccountID, EmbeddedDefault
	}
	if t.Timeout == 0 {
		t.Timeout = DefaultTimeout
	}
	if t.HTTP2 == "" {
		t.HTTP2 = DefaultHTTP2
	}

	f := &s.Fixtures
	if f.Mode == "" {
		f.Mode = DefaultFixtureMode
	}
	if f.Mode == "create" {
		if f.Sessions == 0 {
			f.Sessions = DefaultSessions
		}
		if f.ParticipantsPerSession == 0 {
			f.ParticipantsPerSession = DefaultParticipantsPerSession
		}
		if !f.PublishersSet && f.PublishersPerSession == 0 {
			f.PublishersPerSession = f.ParticipantsPerSession
		}
	}
	if f.Aliases == nil {
		f.Aliases = DefaultAliases()
	}
	if f.Seat == nil {
		f.Seat = ptr(true)
	}
	if f.Cleanup == nil {
		f.Cleanup = ptr(true)
	}
	if f.Rate.PerSecond == 0 {
		f.Rate = units.Rate{PerSecond: DefaultFixtureRate}
	}
	if f.Concurrency == 0 {
		f.Concurrency = DefaultFixtureConcurrency
	}

	l := &s.Load
	if l.Model == "" {
		l.Model = DefaultModel
	}
	if l.Duration == 0 && len(l.Stages) > 0 {
		l.Duration = stagesDuration(l.Stages)
	}
	if l.MaxInFlight == 0 {
		l.MaxInFlight = DefaultMaxInFlight
	}
	if l.OnSaturation == "" {
		l.OnSaturation = DefaultOnSaturation
	}
	if !l.SeedSet && l.Seed == 0 {
		l.Seed = DefaultSeed
	}
	if !l.SlackSet && l.Slack == 0 && l.Model == "open" {
		l.Slack = DefaultSlack
	}

	for i := range s.Mix {
		if s.Mix[i].Weight == 0 {
			s.Mix[i].Weight = DefaultWeight
		}
	}
}

// stagesDuration is the sum of the stages' durations.
func stagesDuration(stages []Stage) time.Duration {
	var d time.Duration
	for _, st := range stages {
		d += st.Duration
	}
	return d
}

func ptr[T any](v T) *T { return &v }
