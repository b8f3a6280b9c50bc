package scenarios

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/faults"
	"github.com/wrtcbench/wrtcbench/internal/units"
)

var update = flag.Bool("update", false, "rewrite the golden .err files under testdata/bad")

// testEnv is the environment the testdata files are parsed with.
func testEnv(name string) (string, bool) {
	env := map[string]string{
		"WRTC_USERNAME": "alice",
		"WRTC_PASSWORD": "s3cret",
		"LATENCY":       "5ms",
		"RATE":          "25/s",
		"EMPTY":         "",
	}
	v, ok := env[name]
	return v, ok
}

// TestBadFilesGolden parses every file under testdata/bad and compares the
// whole error text with the .err file beside it (regenerate with -update).
func TestBadFilesGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			s, err := Parse(file, data, testEnv)
			require.Error(t, err, "a bad file must not parse")
			assert.Nil(t, s)
			golden := strings.TrimSuffix(file, ".yaml") + ".err"
			got := err.Error() + "\n"
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test -update to create the golden file")
			assert.Equal(t, string(want), got)
			for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
				assert.True(t, strings.HasPrefix(line, file+":"), "every line names the file: %q", line)
			}
		})
	}
}

// TestBadFilesPositions pins the exact position and key words of the errors
// users meet most, independently of the golden files.
func TestBadFilesPositions(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string // each must be a whole line of the error text
	}{
		{"unknown key with suggestion", "unknown_key", []string{
			`testdata/bad/unknown_key.yaml:3:3: unknown key "rat" in load; allowed: model, rate, stages, duration, requests, per_case, warmup, max_in_flight, on_saturation, concurrency, seed, think_time, slack (did you mean "rate"?)`,
			`testdata/bad/unknown_key.yaml:6:21: unknown key "wieght" in mix[0]; allowed: case, weight, expect (did you mean "weight"?)`,
		}},
		{"rate with a long unit", "bad_rate", []string{
			`testdata/bad/bad_rate.yaml:3:9: load.rate: "100/sec" is not a rate; use N, N/s, N/m or N/h, e.g. 100/s or 0.5/s`,
		}},
		{"unset variable", "env_unset", []string{
			`testdata/bad/env_unset.yaml:4:13: ${WRTC_NOT_SET} is not set; export it or remove the key`,
		}},
		{"participants over the API limit", "participants", []string{
			`testdata/bad/participants.yaml:3:29: fixtures.participants_per_session: 25 is too many; the API allows at most 20 participants in a session`,
		}},
		{"fixture pace", "fixtures_pace", []string{
			`testdata/bad/fixtures_pace.yaml:3:9: fixtures.rate: "0/s" is not a rate: it must be greater than 0`,
		}},
		{"create-only key in static mode", "static_create_keys", []string{
			`testdata/bad/static_create_keys.yaml:4:13: fixtures.sessions: only for mode: create; with mode: static, list the sessions under static`,
		}},
		{"production host", "target", []string{
			`testdata/bad/target.yaml:3:8: target.url: https://api.webrtc.bandwidth.com/v1 is the production API; set target.allow_production: true to send load there`,
		}},
		{"unknown case", "mix", []string{
			`testdata/bad/mix.yaml:10:12: mix[2].case: no_body is already in the mix at line 9; give each case once and add up the weights`,
		}},
		{"bad threshold", "thresholds", []string{
			`testdata/bad/thresholds.yaml:7:5: thresholds[2]: "latency.p99 < 250": 250 is not a duration; latency needs one with a unit, e.g. 250ms, 1.5s or 800us`,
		}},
		{"fault block: unknown key", "embedded_keys", []string{
			`testdata/bad/embedded_keys.yaml:5:5: unknown key "latncy" in target.embedded; allowed: routes, latency, errors, rate_limit, stall, reset, close, slow_body, bad (did you mean "latency"?)`,
		}},
		{"fault block: a probability above 1", "embedded_keys", []string{
			`testdata/bad/embedded_keys.yaml:6:19: target.embedded.errors.500: 7.5 is not a probability; use a number from 0 to 1`,
		}},
		{"fault block: a value of the wrong type", "embedded_keys", []string{
			`testdata/bad/embedded_keys.yaml:8:16: target.embedded.slow_body: expected a mapping of probability, delay, got a list`,
		}},
		{"fault block: a rule between keys", "embedded_values", []string{
			`testdata/bad/embedded_values.yaml:7:24: target.embedded.latency.tail.fraction: 1.5 is not a probability; use a number from 0 to 1`,
			`testdata/bad/embedded_values.yaml:8:5: target.embedded.errors: the probabilities add up to 1.3, above 1`,
		}},
		{"syntax error has a line", "syntax", []string{
			`testdata/bad/syntax.yaml:4: invalid YAML: mapping values are not allowed in this context`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("testdata/bad/" + tt.file + ".yaml")
			require.Error(t, err)
			lines := strings.Split(err.Error(), "\n")
			for _, w := range tt.want {
				assert.Contains(t, lines, w)
			}
		})
	}
}

func TestErrorsAreTyped(t *testing.T) {
	_, err := Load("testdata/bad/bad_rate.yaml")
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, Error{File: "testdata/bad/bad_rate.yaml", Line: 3, Column: 9, Path: "load.rate",
		Msg: `load.rate: "100/sec" is not a rate; use N, N/s, N/m or N/h, e.g. 100/s or 0.5/s`}, *e)
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/no-such-file.yaml")
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestGoodFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/good/*.yaml")
	require.NoError(t, err)
	files = append(files, "../../scenarios/smoke.yaml", "../../scenarios/conformance.yaml")
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			s, err := Parse(file, data, testEnv)
			require.NoError(t, err)
			assert.Equal(t, file, s.File)
			assert.NoError(t, s.Validate(), "a parsed scenario stays valid")
		})
	}
}

func TestMinimalDefaults(t *testing.T) {
	s, err := Load("testdata/good/minimal.yaml")
	require.NoError(t, err)
	assert.Equal(t, Target{URL: "embedded", AccountID: "9900000", Origin: Origin{Account: EmbeddedDefault},
		Timeout: 10 * time.Second, HTTP2: "auto"}, s.Target)
	f := s.Fixtures
	assert.Equal(t, "create", f.Mode)
	assert.Equal(t, 1, f.Sessions)
	assert.Equal(t, 2, f.ParticipantsPerSession)
	assert.Equal(t, 2, f.PublishersPerSession, "all participants publish by default")
	assert.Equal(t, []string{"microphone1", "camera1"}, f.Aliases)
	assert.True(t, s.Seat())
	assert.True(t, s.Cleanup())
	assert.Equal(t, units.Rate{PerSecond: DefaultFixtureRate}, f.Rate)
	assert.Equal(t, DefaultFixtureConcurrency, f.Concurrency)
	l := s.Load
	assert.Equal(t, "open", l.Model)
	assert.Equal(t, 10.0, l.Rate.PerSecond)
	assert.Equal(t, 5*time.Second, l.Duration)
	assert.Equal(t, DefaultMaxInFlight, l.MaxInFlight)
	assert.Equal(t, "queue", l.OnSaturation)
	assert.Equal(t, DefaultSeed, l.Seed)
	assert.False(t, l.SeedSet)
	require.Len(t, s.Mix, 1)
	assert.Equal(t, MixEntry{Case: "no_body", Weight: 1, Expect: []int{}, Line: 6}, MixEntry{s.Mix[0].Case, s.Mix[0].Weight, []int{}, s.Mix[0].Line})
	assert.Nil(t, s.Mix[0].Expect)
	assert.Equal(t, "204", s.Mix[0].MixCase().Expect.String(), "default expected statuses come from the contract")
}

func TestFullFile(t *testing.T) {
	s, err := Parse("full.yaml", mustRead(t, "testdata/good/full.yaml"), testEnv)
	require.NoError(t, err)
	tg := s.Target
	assert.Equal(t, "https://staging.example.com/v1", tg.URL, "trailing slash trimmed")
	assert.Equal(t, "alice", tg.Username)
	assert.Equal(t, "s3cret", tg.Password)
	assert.Equal(t, 5*time.Second, tg.Timeout)
	assert.Equal(t, "on", tg.HTTP2)
	assert.Equal(t, TLS{InsecureSkipVerify: true, CAFile: "/etc/ca.pem"}, tg.TLS)
	assert.False(t, tg.IsProduction())
	assert.False(t, s.Seat())
	assert.False(t, s.Cleanup())
	assert.Equal(t, units.Rate{PerSecond: 20}, s.Fixtures.Rate)
	assert.Equal(t, 4, s.Fixtures.Concurrency)
	l := s.Load
	assert.Equal(t, []Stage{
		{10 * time.Second, units.Rate{PerSecond: 50}}, {30 * time.Second, units.Rate{PerSecond: 200}}, {5 * time.Second, units.Rate{}},
	}, l.Stages)
	assert.Equal(t, 45*time.Second, l.Duration, "duration defaults to the stages' sum")
	assert.Equal(t, 2*time.Second, l.Warmup)
	assert.Equal(t, 512, l.MaxInFlight)
	assert.Equal(t, "drop", l.OnSaturation)
	assert.Equal(t, uint64(0), l.Seed, "an explicit seed 0 is kept")
	assert.True(t, l.SeedSet)
	require.Len(t, s.Mix, 5)
	assert.Equal(t, MixEntry{Case: "missing_auth", Weight: 5, Expect: []int{401}, Line: 37}, s.Mix[3])
	assert.Equal(t, []int{403}, s.Mix[4].Expect, "a single status may be written without a list")
	assert.Equal(t, 1.0, s.Mix[4].Weight)
	require.Len(t, s.Thresholds, 4)
	assert.Equal(t, 41, s.Thresholds[1].Line)
	assert.Equal(t, "latency{case=subscribe_all}.p50 < 20ms", s.Thresholds[1].String())
}

func TestStaticFile(t *testing.T) {
	s, err := Load("testdata/good/static.yaml")
	require.NoError(t, err)
	assert.Equal(t, "pa$ss", s.Target.Password, "$$ is a literal $")
	f := s.Fixtures
	assert.Equal(t, "static", f.Mode)
	assert.Zero(t, f.Sessions, "create defaults are not applied in static mode")
	assert.Equal(t, []string{}, f.Aliases, "an explicit empty alias list is kept")
	assert.Equal(t, []StaticSession{
		{"s1", []string{"p1", "p2", "p3"}, []string{"p1", "p2"}},
		{"s2", []string{"p4", "p5"}, []string{"p4"}},
	}, f.Static)
	assert.Equal(t, "closed", s.Load.Model)
	assert.Equal(t, 4, s.Load.Concurrency)
	assert.Equal(t, 100*time.Millisecond, s.Load.ThinkTime)
	assert.Equal(t, int64(1000), s.Load.Requests)
}

// TestEmbeddedFaults: target.embedded is decoded with the rest of the file,
// ${NAME} included.
func TestEmbeddedFaults(t *testing.T) {
	s, err := Parse("e.yaml", mustRead(t, "testdata/good/embedded.yaml"), testEnv)
	require.NoError(t, err)
	require.NotNil(t, s.Target.Embedded)
	assert.Equal(t, faults.Faults{
		Latency:   faults.Latency{Fixed: 5 * time.Millisecond, Tail: faults.Tail{Fraction: 0.01, Latency: 200 * time.Millisecond}},
		Errors:    map[int]float64{500: 0.01, 503: 0.02},
		RateLimit: faults.RateLimit{Rate: units.Rate{PerSecond: 1000}},
	}, *s.Target.Embedded)
	assert.Equal(t, "1/m", s.Load.Rate.String())

	s = mustParse(t, "name: e\nload: {rate: 1, duration: 1s}\nmix: [{case: no_body}]\n")
	assert.Nil(t, s.Target.Embedded, "absent: no faults")
	s = mustParse(t, "name: e\ntarget: {embedded: {}}\nload: {rate: 1, duration: 1s}\nmix: [{case: no_body}]\n")
	require.NotNil(t, s.Target.Embedded, "an empty block is given")
	assert.False(t, s.Target.Embedded.Enabled())
}

func TestEnvExpansion(t *testing.T) {
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	base := "name: e\nload:\n  rate: ${RATE}\n  duration: 1s\nmix: [{case: no_body}]\ndescription: %s\n"
	tests := []struct {
		name, desc string
		env        map[string]string
		want       string // description after expansion
		err        string
	}{
		{"set", "${WHO} ran", map[string]string{"WHO": "ci", "RATE": "5/s"}, "ci ran", ""},
		{"set to empty", "<${EMPTY}>", map[string]string{"EMPTY": "", "RATE": "5/s"}, "<>", ""},
		{"dollar dollar", "cost $$5 and $${HOME}", map[string]string{"RATE": "5/s"}, "cost $5 and ${HOME}", ""},
		{"lone dollar kept", "a$b $", map[string]string{"RATE": "5/s"}, "a$b $", ""},
		{"quoted string expands too", `"${WHO}"`, map[string]string{"WHO": "x", "RATE": "5/s"}, "x", ""},
		{"unset", "${WRTC_PASSWORD}", map[string]string{"RATE": "5/s"}, "",
			"e.yaml:6:14: ${WRTC_PASSWORD} is not set; export it or remove the key"},
		{"unset rate is reported once", "d", map[string]string{}, "",
			"e.yaml:3:9: ${RATE} is not set; export it or remove the key"},
		{"expanded value is checked", "d", map[string]string{"RATE": "lots"}, "",
			`e.yaml:3:9: load.rate: "lots" is not a rate`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("e.yaml", []byte(strings.Replace(base, "%s", tt.desc, 1)), env(tt.env))
			if tt.err != "" {
				require.Error(t, err)
				assert.True(t, strings.HasPrefix(err.Error(), tt.err), "got %q", err)
				assert.Equal(t, 1, strings.Count(err.Error(), "\n")+1, "one error, not a cascade: %q", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, s.Description)
			assert.Equal(t, 5.0, s.Load.Rate.PerSecond)
		})
	}
}

func TestNilLookupEnv(t *testing.T) {
	_, err := Parse("x.yaml", []byte("name: x\ndescription: ${A}\nload: {rate: 1, duration: 1s}\nmix: [{case: no_body}]\n"), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "x.yaml:2:14: ${A} is not set")
}

func TestAliasesAreFollowed(t *testing.T) {
	src := "name: a\nload: &l {rate: 1/s, duration: 1s}\nmix: [{case: no_body, weight: &w 3}, {case: bad_auth, weight: *w}]\n"
	s, err := Parse("a.yaml", []byte(src), nil)
	require.NoError(t, err)
	assert.Equal(t, 3.0, s.Mix[1].Weight)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// TestDocExamplesParse keeps the whole-file examples of docs/scenario.md valid.
func TestDocExamplesParse(t *testing.T) {
	doc := string(mustRead(t, "../../docs/scenario.md"))
	blocks := strings.Split(doc, "```yaml\n")[1:]
	n := 0
	for _, b := range blocks {
		src, _, _ := strings.Cut(b, "```")
		if !strings.HasPrefix(src, "name:") {
			continue // a fragment, not a whole file
		}
		n++
		_, err := Parse("docs/scenario.md", []byte(src), testEnv)
		assert.NoError(t, err, "example:\n%s", src)
	}
	assert.GreaterOrEqual(t, n, 2)
}

// TestSlackDefault: the open model shares wake-ups by default; an explicit
// zero keeps every request at its own due time; the closed model has none.
func TestSlackDefault(t *testing.T) {
	const base = "name: s\ntarget: {url: embedded}\nmix: [{case: subscribe_all}]\n"
	s := mustParse(t, base+"load: {rate: 10/s, duration: 1s}\n")
	assert.Equal(t, DefaultSlack, s.Load.Slack)
	s = mustParse(t, base+"load: {rate: 10/s, duration: 1s, slack: 0s}\n")
	assert.Zero(t, s.Load.Slack, "an explicit zero is kept")
	assert.True(t, s.Load.SlackSet)
	s = mustParse(t, base+"load: {model: closed, concurrency: 2, duration: 1s}\n")
	assert.Zero(t, s.Load.Slack, "the closed model has no schedule to share")
}
