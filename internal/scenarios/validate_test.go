package scenarios

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/faults"
	"github.com/wrtcbench/wrtcbench/internal/threshold"
	"github.com/wrtcbench/wrtcbench/internal/units"
)

// valid returns a small valid scenario built in code, as a caller might.
func valid() *Scenario {
	return &Scenario{
		File: "v.yaml",
		Name: "v",
		Load: LoadSpec{Rate: units.Rate{PerSecond: 10}, Duration: 10 * time.Second, Warmup: 2 * time.Second},
		Mix:  []MixEntry{{Case: "subscribe_all"}, {Case: "missing_auth", Weight: 3}},
	}
}

func TestValidateAfterOverrides(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *Scenario)
		want   string // "" means valid
	}{
		{"unchanged", func(*Scenario) {}, ""},
		{"duration shorter than warmup", func(s *Scenario) { s.Load.Duration = time.Second },
			"v.yaml: load.warmup: 2s must be shorter than load.duration 1s"},
		{"rate from a flag", func(s *Scenario) { s.Load.Rate = units.Rate{PerSecond: 500} }, ""},
		{"negative rate", func(s *Scenario) { s.Load.Rate = units.Rate{PerSecond: -1} }, "load.rate: -1/s must be greater than 0"},
		{"target from a flag needs credentials", func(s *Scenario) { s.Target.URL = "http://127.0.0.1:1/v1"; s.Target.AccountID = "1" },
			"v.yaml: target.username: required when the target is not embedded"},
		{"production needs allow_production", func(s *Scenario) {
			s.Target = Target{URL: "https://API.webrtc.bandwidth.com:443/v1", AccountID: "1", Username: "u", Password: "p"}
		}, "set target.allow_production: true"},
		{"production allowed", func(s *Scenario) {
			s.Target = Target{URL: "https://api.webrtc.bandwidth.com/v1", AccountID: "1", Username: "u", Password: "p", AllowProduction: true}
		}, ""},
		{"url path must end in v1", func(s *Scenario) {
			s.Target = Target{URL: "http://127.0.0.1/v2", AccountID: "1", Username: "u", Password: "p"}
		}, "ending in /v1"},
		{"credentials in the url", func(s *Scenario) {
			s.Target = Target{URL: "http://u:p@127.0.0.1/v1", AccountID: "1", Username: "u", Password: "p"}
		}, "must not hold credentials"},
		{"negative timeout", func(s *Scenario) { s.Target.Timeout = -time.Second }, "target.timeout: -1s must be greater than 0"},
		{"both duration and requests", func(s *Scenario) { s.Load.Requests = 5 }, "give duration or requests, not both"},
		{"requests only", func(s *Scenario) { s.Load.Duration, s.Load.Warmup, s.Load.Requests = 0, 0, 5 }, ""},
		{"negative max in flight", func(s *Scenario) { s.Load.MaxInFlight = -1 }, "load.max_in_flight: -1 is too small"},
		{"closed without concurrency", func(s *Scenario) { s.Load.Model, s.Load.Rate = "closed", units.Rate{} },
			"load.concurrency: the closed model needs concurrency of at least 1"},
		{"closed with concurrency", func(s *Scenario) { s.Load.Model, s.Load.Rate, s.Load.Concurrency = "closed", units.Rate{}, 2 }, ""},
		{"slack", func(s *Scenario) { s.Load.Slack = 250 * time.Microsecond }, ""},
		{"too much slack", func(s *Scenario) { s.Load.Slack = time.Second }, "load.slack: 1s is more than 10ms"},
		{"slack in the closed model", func(s *Scenario) {
			s.Load.Model, s.Load.Rate, s.Load.Concurrency, s.Load.Slack = "closed", units.Rate{}, 2, time.Millisecond
		}, "load.slack: applies to the open model only"},
		{"unknown model", func(s *Scenario) { s.Load.Model = "burst" }, `load.model: "burst" is not allowed; use open or closed`},
		{"stages sum must match duration", func(s *Scenario) {
			s.Load.Rate = units.Rate{}
			s.Load.Stages = []Stage{{5 * time.Second, units.Rate{PerSecond: 1}}}
		}, "load.duration: 10s differs from the stages' total 5s"},
		{"stages fill in the duration", func(s *Scenario) {
			s.Load.Rate, s.Load.Duration = units.Rate{}, 0
			s.Load.Stages = []Stage{{5 * time.Second, units.Rate{PerSecond: 1}}, {5 * time.Second, units.Rate{}}}
		}, ""},
		{"unknown case", func(s *Scenario) { s.Mix[0].Case = "no-body" }, `unknown case "no-body"`},
		{"negative weight", func(s *Scenario) { s.Mix[1].Weight = -2 }, "mix[1].weight: -2 must be a number greater than 0"},
		{"duplicate case without a line", func(s *Scenario) { s.Mix[1].Case = "subscribe_all" }, "subscribe_all is already in the mix at mix[0]"},
		{"expect out of range", func(s *Scenario) { s.Mix[1].Expect = []int{42} }, "mix[1].expect[0]: 42 is not an HTTP status"},
		{"no mix", func(s *Scenario) { s.Mix = nil }, "mix: needs at least one case"},
		{"bad name", func(s *Scenario) { s.Name = "a b" }, `name: "a b" has characters that are not allowed`},
		{"negative fixture rate", func(s *Scenario) { s.Fixtures.Rate = units.Rate{PerSecond: -5} }, "fixtures.rate: -5/s must be greater than 0"},
		{"negative fixture concurrency", func(s *Scenario) { s.Fixtures.Concurrency = -1 }, "fixtures.concurrency: -1 is too small; use 1 or more"},
		{"too many participants", func(s *Scenario) { s.Fixtures.ParticipantsPerSession = 21 },
			"the API allows at most 20 participants in a session"},
		{"one publisher among several participants serves subscribe_all", func(s *Scenario) {
			s.Fixtures.PublishersPerSession, s.Fixtures.PublishersSet = 1, true
		}, ""},
		{"a lone publisher cannot subscribe to itself", func(s *Scenario) {
			s.Fixtures.ParticipantsPerSession, s.Fixtures.PublishersPerSession = 1, 1
		}, "subscribe_all needs, in every session, a publisher other than the participant being added"},
		{"no publishers", func(s *Scenario) { s.Fixtures.PublishersSet = true }, "mix[0].case: subscribe_all needs"},
		{"alias_subset needs aliases", func(s *Scenario) {
			s.Mix[0].Case = "alias_subset"
			s.Fixtures.Aliases = []string{}
		}, "alias_subset needs stream aliases"},
		{"other session needs two sessions", func(s *Scenario) { s.Mix[1].Case = "participant_in_other_session" },
			"participant_in_other_session needs a participant seated in another session: use at least 2 sessions"},
		{"other session with two static sessions", func(s *Scenario) {
			s.Mix[1].Case = "participant_in_other_session"
			s.Fixtures = Fixtures{Mode: "static", Static: []StaticSession{
				{"a", []string{"1", "2"}, []string{"1"}}, {"b", []string{"3", "4"}, []string{"3", "4"}},
			}}
		}, ""},
		{"static participant in two sessions", func(s *Scenario) {
			s.Fixtures = Fixtures{Mode: "static", Static: []StaticSession{
				{"a", []string{"1", "2"}, []string{"1"}}, {"b", []string{"2", "3"}, []string{"3"}},
			}}
		}, `participant "2" is also in fixtures.static[0]`},
		{"static session too small for subscribe_all", func(s *Scenario) {
			s.Fixtures = Fixtures{Mode: "static", Static: []StaticSession{{"a", []string{"1"}, []string{"1"}}}}
		}, "subscribe_all needs, in every session"},
		{"static list in create mode", func(s *Scenario) {
			s.Fixtures.Static = []StaticSession{{"a", []string{"1"}, nil}}
		}, "fixtures.static: lists existing sessions and needs mode: static"},
		{"threshold on a case outside the mix", func(s *Scenario) {
			th, err := threshold.Parse("latency{case=no_body}.p99 < 1s")
			require.NoError(t, err)
			s.Thresholds = []threshold.Threshold{th}
		}, "case no_body is not in the mix"},
		{"faults set in code are checked", func(s *Scenario) { s.Target.Embedded = &faults.Faults{Reset: 2} },
			"v.yaml: target.embedded.reset: 2 is not a probability; use a number from 0 to 1"},
		{"embedded block with a real target", func(s *Scenario) {
			*s = *mustParse(t, "name: e\ntarget: {url: embedded, embedded: {reset: 0.1}}\nload: {rate: 1, duration: 1s}\nmix: [{case: no_body}]\n")
			s.Target.URL, s.Target.Username, s.Target.Password = "http://127.0.0.1:1/v1", "u", "p"
		}, "target.embedded: configures the in-process reference API and applies only with url: embedded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.change(s)
			err := s.Validate()
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotRegexp(t, `^[^ ]*:\d+:`, err.Error(), "overrides carry no line")
		})
	}
}

func TestValidateDoesNotChangeTheScenario(t *testing.T) {
	s := valid()
	require.NoError(t, s.Validate())
	assert.Equal(t, valid(), s)
}

func TestApplyDefaults(t *testing.T) {
	s := valid()
	s.ApplyDefaults()
	once := *s
	once.Mix = append([]MixEntry(nil), s.Mix...)
	s.ApplyDefaults()
	assert.Equal(t, &once, s, "ApplyDefaults is idempotent")
	assert.Equal(t, DefaultURL, s.Target.URL)
	assert.Equal(t, DefaultAccountID, s.Target.AccountID)
	assert.Equal(t, DefaultTimeout, s.Target.Timeout)
	assert.Equal(t, DefaultHTTP2, s.Target.HTTP2)
	assert.Equal(t, DefaultSessions, s.Fixtures.Sessions)
	assert.Equal(t, DefaultParticipantsPerSession, s.Fixtures.PublishersPerSession)
	assert.Equal(t, DefaultAliases(), s.Fixtures.Aliases)
	assert.Equal(t, 1.0, s.Mix[0].Weight)
	assert.Equal(t, 3.0, s.Mix[1].Weight)

	// An explicit zero is kept where the Set flag says so.
	z := valid()
	z.Fixtures.PublishersSet = true
	z.Load.SeedSet = true
	z.ApplyDefaults()
	assert.Equal(t, 0, z.Fixtures.PublishersPerSession)
	assert.Equal(t, uint64(0), z.Load.Seed)

	// No account default for a real target.
	r := &Scenario{Target: Target{URL: "http://127.0.0.1/v1"}}
	r.ApplyDefaults()
	assert.Empty(t, r.Target.AccountID)
}

func TestIsProduction(t *testing.T) {
	for url, want := range map[string]bool{
		"embedded":                            false,
		"":                                    false,
		"https://api.webrtc.bandwidth.com/v1": true,
		"https://API.WebRTC.Bandwidth.com:443/v1":         true,
		"https://api.webrtc.bandwidth.com./v1":            true,
		"https://api.webrtc.bandwidth.com.example.org/v1": false,
		"http://127.0.0.1:8080/v1":                        false,
	} {
		assert.Equal(t, want, Target{URL: url}.IsProduction(), url)
	}
}

func TestMixExpected(t *testing.T) {
	assert.Equal(t, "401 403", MixEntry{Case: "foreign_account"}.MixCase().Expect.String())
	assert.Equal(t, "403", MixEntry{Case: "foreign_account", Expect: []int{403}}.MixCase().Expect.String())
}

func TestErrorsAreSortedOnePerLine(t *testing.T) {
	_, err := Parse("s.yaml", []byte("mix: [{case: nope}]\nname: \"a b\"\nload: {rate: 1/s}\n"), nil)
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 3, "%q", err)
	assert.True(t, strings.HasPrefix(lines[0], "s.yaml:1:14: mix[0].case: unknown case \"nope\""), lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "s.yaml:2:7: name:"), lines[1])
	assert.True(t, strings.HasPrefix(lines[2], "s.yaml:3:1: load: needs duration"), lines[2])
}

func mustParse(t *testing.T, src string) *Scenario {
	t.Helper()
	s, err := Parse("t.yaml", []byte(src), nil)
	require.NoError(t, err)
	return s
}
