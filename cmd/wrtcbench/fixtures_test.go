package main

import (
	"testing"

	"github.com/wrtcbench/wrtcbench/internal/fixtures"
	"github.com/wrtcbench/wrtcbench/internal/refserver"
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

func TestCredentialOrigins(t *testing.T) {
	t.Setenv("WRTC_USERNAME", "bob")
	t.Setenv("WRTC_PASSWORD", "from-env")
	t.Setenv("WRTC_ACCOUNT_ID", "")
	for _, tc := range []struct {
		name     string
		target   scenarios.Target
		embedded bool
		want     fixtures.Origins
	}{
		{"the file names them", scenarios.Target{Username: "alice", Password: "p", AccountID: "1"}, false,
			fixtures.Origins{Username: "target.username in s.yaml", Password: "target.password in s.yaml", AccountID: "target.account_id in s.yaml"}},
		{"the environment's values", scenarios.Target{Username: "bob", Password: "from-env", AccountID: "1"}, false,
			fixtures.Origins{Username: "$WRTC_USERNAME", Password: "$WRTC_PASSWORD", AccountID: "target.account_id in s.yaml"}},
		{"the embedded server's defaults", scenarios.Target{AccountID: scenarios.DefaultAccountID}, true,
			fixtures.Origins{Username: "the embedded server's built-in user", Password: "the embedded server's built-in password",
				AccountID: "target.account_id in s.yaml or the embedded target's default"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := &target{}
			if tc.embedded {
				tg.embedded = &refserver.Server{}
			}
			got := credentialOrigins(&scenarios.Scenario{File: "s.yaml", Target: tc.target}, tg)
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
