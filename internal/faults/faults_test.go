package faults

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

const ms = time.Millisecond

// TestParseEveryKey decodes a file that sets every key once.
func TestParseEveryKey(t *testing.T) {
	f, err := Parse("f.yaml", []byte(`
routes: all
latency:
  uniform: {min: 1ms, max: 5ms}
  tail: {fraction: 0.01, latency: 200ms}
errors: {500: 0.01, 503: 0.02}
rate_limit: {rate: 60000/m, burst: 100}
stall: {every: 5s, for: 1s}
reset: 0.001
close: 0.002
slow_body: {probability: 0.01, delay: 500ms}
bad: {wrong_status: 0.01, bad_error_body: 0.02}
accept_invalid: participant_id_number
`), nil)
	require.NoError(t, err)
	assert.Equal(t, Faults{
		Routes:    RoutesAll,
		Latency:   Latency{Uniform: Uniform{Min: 1 * ms, Max: 5 * ms}, Tail: Tail{Fraction: 0.01, Latency: 200 * ms}},
		Errors:    map[int]float64{500: 0.01, 503: 0.02},
		RateLimit: RateLimit{Rate: units.Rate{PerSecond: 1000}, Burst: 100},
		Stall:     Stall{Every: 5 * time.Second, For: time.Second},
		Reset:     0.001, Close: 0.002,
		SlowBody: SlowBody{Probability: 0.01, Delay: 500 * ms},
		Bad:      Bad{WrongStatus: 0.01, BadErrorBody: 0.02},

		AcceptInvalid: AcceptParticipantIDNumber,
	}, f)

	f, err = Parse("f.yaml", []byte("latency: {lognormal: {median: 2ms, sigma: 0.5, max: 1s}}\n"), nil)
	require.NoError(t, err)
	assert.Equal(t, LogNormal{Median: 2 * ms, Sigma: 0.5, Max: time.Second}, f.Latency.LogNormal)

	f, err = Parse("f.yaml", []byte("latency: {fixed: \"${D}\"}\n"), func(string) (string, bool) { return "3ms", true })
	require.NoError(t, err)
	assert.Equal(t, 3*ms, f.Latency.Fixed, "${NAME} is expanded as in a scenario")
}

// TestDocExampleParses keeps the YAML example of Faults' doc comment valid
// and complete: it decodes, and it sets something under every key.
func TestDocExampleParses(t *testing.T) {
	src, err := os.ReadFile("faults.go")
	require.NoError(t, err)
	_, comment, ok := strings.Cut(string(src), "with every key:\n//\n")
	require.True(t, ok, "the example follows \"with every key:\"")
	var yaml strings.Builder
	for _, line := range strings.Split(comment, "\n") {
		body, ok := strings.CutPrefix(line, "//\t")
		if !ok {
			break
		}
		yaml.WriteString(body + "\n")
	}
	f, err := Parse("example", []byte(yaml.String()), nil)
	require.NoError(t, err, yaml.String())
	assert.Equal(t, RoutesAddParticipant, f.Routes)
	assert.Equal(t, 2*ms, f.Latency.Fixed)
	assert.NotZero(t, f.Latency.Tail)
	assert.Len(t, f.Latency.Tails, 1)
	assert.Len(t, f.Errors, 2)
	assert.NotZero(t, f.RateLimit)
	assert.NotZero(t, f.Stall)
	assert.NotZero(t, f.Reset)
	assert.NotZero(t, f.Close)
	assert.NotZero(t, f.SlowBody)
	assert.NotZero(t, f.Bad)
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "# no faults\n"} {
		f, err := Parse("f.yaml", []byte(src), nil)
		require.NoError(t, err, "an empty file is no faults")
		assert.False(t, f.Enabled())
	}
}

// TestParseErrors pins the whole error text of bad fault files: every
// problem at its own line and column.
func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown key with a suggestion", "latncy: {fixed: 2ms}\n",
			`f.yaml:1:1: unknown key "latncy" at the top level; allowed: routes, latency, errors, rate_limit, stall, reset, close, slow_body, bad, accept_invalid (did you mean "latency"?)`},
		{"unknown nested key", "latency:\n  fixed: 1ms\n  jitter: 2ms\n",
			`f.yaml:3:3: unknown key "jitter" in latency; allowed: fixed, uniform, lognormal, tail, tails`},
		{"a duration without a unit", "latency: {fixed: 2}\n",
			`f.yaml:1:18: latency.fixed: "2" is not a duration; a duration needs a unit, e.g. 2s or 2ms`},
		{"a duration that is a mapping", "latency: {fixed: {ms: 2}}\n",
			`f.yaml:1:18: latency.fixed: expected a duration such as 30s, got a mapping`},
		{"a negative duration", "stall: {every: 5s, for: -1s}\n",
			`f.yaml:1:25: stall.for: -1s must not be negative`},
		{"a rate", "rate_limit: {rate: fast}\n",
			`f.yaml:1:20: rate_limit.rate: "fast" is not a rate; use N, N/s, N/m or N/h, e.g. 100/s or 0.5/s`},
		{"a probability that is not a number", "reset: often\n",
			`f.yaml:1:8: reset: "often" is not a number; a probability is a number from 0 to 1, e.g. 0.01`},
		{"a probability above 1", "reset: 1.5\n",
			`f.yaml:1:8: reset: 1.5 is not a probability; use a number from 0 to 1`},
		{"a status that is not a number", "errors: {oops: 0.1}\n",
			`f.yaml:1:10: errors.oops: "oops" is not an HTTP status; write a status code and its probability, e.g. 503: 0.01`},
		{"a status that is not an error", "errors:\n  302: 0.1\n",
			`f.yaml:2:8: errors.302: 302 is not an error status; use a code from 400 to 599`},
		{"error probabilities above 1", "errors:\n  500: 0.7\n  503: 0.6\n",
			`f.yaml:1:1: errors: the probabilities add up to 1.3, above 1`},
		{"half a tail", "latency:\n  tail: {fraction: 0.1}\n",
			`f.yaml:2:3: latency.tail: set both fraction and latency, or neither`},
		{"half a second tail", "latency:\n  tails: [{fraction: 0.1, latency: 1ms}, {latency: 2ms}]\n",
			`f.yaml:2:42: latency.tails[1]: set both fraction and latency, or neither`},
		{"a status given twice", "errors: {500: 0.1, 0500: 0.2}\n",
			`f.yaml:1:20: errors.0500: status 500 is given twice`},
		{"errors that are a list", "errors: [500]\n",
			`f.yaml:1:9: errors: expected a mapping of statuses and probabilities, e.g. {503: 0.01}, got a list`},
		{"routes", "routes: some\n",
			`f.yaml:1:9: routes: "some" is not allowed; use add_participant or all`},
		{"not a mapping", "- reset: 1\n",
			`f.yaml:1:1: expected a mapping of routes, latency, errors, rate_limit, stall, reset, close, slow_body, bad, accept_invalid, got a list`},
		{"a half-read value hides its rules", "latency:\n  tail: {fraction: 0.1, latency: soon}\n",
			`f.yaml:2:34: latency.tail.latency: "soon" is not a duration; use a number with a unit: ms, s, m or h, e.g. 500ms, 30s, 2m`},
		{"every problem, in file order", "reset: 2\nclose: -1\nbad: {wrong_status: x}\n", strings.Join([]string{
			`f.yaml:1:8: reset: 2 is not a probability; use a number from 0 to 1`,
			`f.yaml:2:8: close: -1 is not a probability; use a number from 0 to 1`,
			`f.yaml:3:21: bad.wrong_status: "x" is not a number; a probability is a number from 0 to 1, e.g. 0.01`,
		}, "\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tt.src), nil)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "faults.yaml")
	require.NoError(t, os.WriteFile(path, []byte("errors: {503: 0.5}\nclose: 3\n"), 0o600))
	_, err := Load(path)
	assert.EqualError(t, err, path+":2:8: close: 3 is not a probability; use a number from 0 to 1")
	_, err = Load(filepath.Join(t.TempDir(), "none.yaml"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// TestValidate fires every rule once, on faults built in code; their
// errors name the value but no position.
func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		f    Faults
		want string // "" means valid
	}{
		{"zero", Faults{}, ""},
		{"everything", Faults{Routes: RoutesAll, Latency: Latency{LogNormal: LogNormal{Median: 2 * ms, Sigma: 0.5, Max: 100 * ms},
			Tail: Tail{Fraction: 0.01, Latency: 200 * ms}}, Errors: map[int]float64{500: 0.01, 503: 0.02},
			RateLimit: RateLimit{Rate: units.Rate{PerSecond: 1000}, Burst: 10}, Stall: Stall{Every: 5 * time.Second, For: time.Second},
			Reset: 0.001, Close: 0.001, SlowBody: SlowBody{Probability: 0.1, Delay: 50 * ms},
			Bad: Bad{WrongStatus: 0.1, BadErrorBody: 0.1}}, ""},
		{"unknown routes", Faults{Routes: "some"}, `routes: "some" is not allowed; use add_participant or all`},
		{"negative fixed", Faults{Latency: Latency{Fixed: -ms}}, "latency.fixed: -1ms must not be negative"},
		{"negative uniform min", Faults{Latency: Latency{Uniform: Uniform{Min: -ms, Max: ms}}}, "latency.uniform.min: -1ms must not be negative"},
		{"negative tail latency", Faults{Latency: Latency{Tail: Tail{Fraction: 0.1, Latency: -ms}}}, "latency.tail.latency: -1ms must not be negative"},
		{"two tails", Faults{Latency: Latency{Tail: Tail{Fraction: 0.1, Latency: 38 * ms}, Tails: []Tail{{Fraction: 0.2, Latency: 5 * ms}}}}, ""},
		{"half a second tail", Faults{Latency: Latency{Tails: []Tail{{Fraction: 0.2}}}}, "latency.tails[0]: set both fraction and latency, or neither"},
		{"two base latencies", Faults{Latency: Latency{Fixed: ms, Uniform: Uniform{Max: 2 * ms}}}, "latency: set at most one of fixed, uniform and lognormal"},
		{"uniform min above max", Faults{Latency: Latency{Uniform: Uniform{Min: 3 * ms, Max: 2 * ms}}}, "latency.uniform: min 3ms is above max 2ms"},
		{"negative sigma", Faults{Latency: Latency{LogNormal: LogNormal{Median: ms, Sigma: -1}}}, "latency.lognormal.sigma: -1 is out of range; use a number from 0 to 10"},
		{"sigma without median", Faults{Latency: Latency{LogNormal: LogNormal{Sigma: 1}}}, "latency.lognormal: sigma or max set without a median"},
		{"lognormal max below median", Faults{Latency: Latency{LogNormal: LogNormal{Median: 10 * ms, Max: ms}}}, "latency.lognormal: max 1ms is below the median 10ms"},
		{"tail without latency", Faults{Latency: Latency{Tail: Tail{Fraction: 0.1}}}, "latency.tail: set both fraction and latency, or neither"},
		{"tail fraction above 1", Faults{Latency: Latency{Tail: Tail{Fraction: 1.5, Latency: ms}}}, "latency.tail.fraction: 1.5 is not a probability"},
		{"error status 302", Faults{Errors: map[int]float64{302: 0.1}}, "errors.302: 302 is not an error status; use a code from 400 to 599"},
		{"error probability above 1", Faults{Errors: map[int]float64{500: 1.1}}, "errors.500: 1.1 is not a probability"},
		{"error probabilities add above 1", Faults{Errors: map[int]float64{500: 0.6, 503: 0.6}}, "errors: the probabilities add up to 1.2, above 1"},
		{"negative rate", Faults{RateLimit: RateLimit{Rate: units.Rate{PerSecond: -1}}}, "rate_limit.rate: -1/s must be a finite rate of 0 or more"},
		{"negative burst", Faults{RateLimit: RateLimit{Rate: units.Rate{PerSecond: 1}, Burst: -1}}, "rate_limit.burst: -1 must not be negative"},
		{"burst without rate", Faults{RateLimit: RateLimit{Burst: 3}}, "rate_limit: burst set without a rate"},
		{"negative stall", Faults{Stall: Stall{Every: -time.Second}}, "stall.every: -1s must not be negative"},
		{"stall for not below every", Faults{Stall: Stall{Every: time.Second, For: time.Second}}, "stall: for (1s) must be greater than 0 and shorter than every (1s)"},
		{"stall every without for", Faults{Stall: Stall{Every: time.Second}}, "stall: for (0s) must be greater than 0"},
		{"reset above 1", Faults{Reset: 2}, "reset: 2 is not a probability"},
		{"reset plus close above 1", Faults{Reset: 0.6, Close: 0.6}, "close: reset and close add up to 1.2, above 1"},
		{"slow body without delay", Faults{SlowBody: SlowBody{Probability: 0.5}}, "slow_body: set both probability and delay, or neither"},
		{"slow body probability", Faults{SlowBody: SlowBody{Probability: 2, Delay: ms}}, "slow_body.probability: 2 is not a probability"},
		{"negative slow body delay", Faults{SlowBody: SlowBody{Probability: 0.5, Delay: -ms}}, "slow_body.delay: -1ms must not be negative"},
		{"wrong status probability negative", Faults{Bad: Bad{WrongStatus: -0.1}}, "bad.wrong_status: -0.1 is not a probability"},
		{"bad error body probability", Faults{Bad: Bad{BadErrorBody: 7}}, "bad.bad_error_body: 7 is not a probability"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.f.Validate()
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestBucketSize(t *testing.T) {
	assert.Equal(t, 50, RateLimit{Rate: units.Rate{PerSecond: 1000}, Burst: 50}.BucketSize(), "Burst when set")
	assert.Equal(t, 100, RateLimit{Rate: units.Rate{PerSecond: 1000}}.BucketSize(), "a tenth of a second's worth")
	assert.Equal(t, 1, RateLimit{Rate: units.Rate{PerSecond: 0.1}}.BucketSize(), "at least 1")
}

func TestEnabled(t *testing.T) {
	assert.False(t, Faults{}.Enabled())
	assert.False(t, Faults{Routes: RoutesAll, Errors: map[int]float64{}}.Enabled(), "routes alone inject nothing")
	assert.True(t, Faults{Latency: Latency{Tail: Tail{Fraction: 0.1, Latency: ms}}}.Enabled())
	assert.True(t, Faults{RateLimit: RateLimit{Rate: units.Rate{PerSecond: 1}}}.Enabled())
}
