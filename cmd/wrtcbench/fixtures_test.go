package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/wrtcbench/wrtcbench/internal/fixtures"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

func TestFixtureStatus(t *testing.T) {
	for _, tc := range []struct {
		p    fixtures.Progress
		want string
	}{
		{fixtures.Progress{Doing: "creating sessions", Done: 3, Total: 1025, Rate: 200}, "creating sessions: 3/1025 calls"},
		{fixtures.Progress{Doing: "seating participants", Done: 969, Total: 1025, Retries: 4, Rate: 41.94304},
			"seating participants: 969/1025 calls, 4 retried, pace lowered to 41.9/s after 429"},
	} {
		if got := fixtureStatus(tc.p, 200); got != tc.want {
			t.Errorf("fixtureStatus(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

// TestCredentialOrigins: each part of a real target's identity names where
// it came from: the flag, the scenario file, or the environment; the
// embedded defaults never reach a real target.
func TestCredentialOrigins(t *testing.T) {
	t.Setenv("WRTC_USERNAME", "bob")
	t.Setenv("WRTC_PASSWORD", "from-env")
	t.Setenv("WRTC_ACCOUNT_ID", "42")
	const real = "http://127.0.0.1:1/v1"
	tests := []struct {
		name string
		file string
		o    runOptions
		want fixtures.Origins
	}{
		{"the file names them", "target: {url: " + real + ", account_id: '1', username: alice, password: p}", runOptions{},
			fixtures.Origins{Username: "target.username in s.yaml", Password: "target.password in s.yaml", AccountID: "target.account_id in s.yaml"}},
		{"the environment fills what the file leaves out", "target: {url: embedded}", runOptions{target: real},
			fixtures.Origins{Username: "$WRTC_USERNAME", Password: "$WRTC_PASSWORD", AccountID: "$WRTC_ACCOUNT_ID"}},
		{"the flag wins; a file's ${NAME} is named", "target: {url: " + real + ", account_id: '1', password: '${WRTC_PASSWORD}'}", runOptions{account: "7"},
			fixtures.Origins{Username: "$WRTC_USERNAME", Password: "${WRTC_PASSWORD} in target.password of s.yaml", AccountID: "--account"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := scenarios.Parse("s.yaml", []byte("name: s\n"+tt.file+"\nload: {requests: 1, rate: 1/s}\nmix: [{case: no_body}]\n"), os.LookupEnv)
			require.NoError(t, err)
			require.NoError(t, tt.o.apply(s))
			tg := &target{origin: s.Target.Origin}
			assert.Equal(t, tt.want, credentialOrigins(tg))
		})
	}
	s, err := scenarios.Parse("s.yaml", []byte("name: s\nload: {requests: 1, rate: 1/s}\nmix: [{case: no_body}]\n"), nil)
	require.NoError(t, err)
	assert.Equal(t, scenarios.EmbeddedDefault, s.Target.Origin.Account, "an embedded run's account is the server's default")
}
