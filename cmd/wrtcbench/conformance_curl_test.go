package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/faults"
	"github.com/wrtcbench/wrtcbench/internal/refserver"
)

// curlScenario expects the wrong statuses on purpose: every case of the mix
// fails status_expected on every request, so every violation is a defect of
// the scenario, not a random fault, and its curl line must get the same
// status again. The fixtures stay (cleanup: false) so that the ids in the
// curl lines still mean what they meant during the run.
const curlScenario = `
name: curl
target: {account_id: "9900000", username: wrtcbench, password: wrtcbench-secret}
fixtures: {sessions: 2, participants_per_session: 4, publishers_per_session: 2, aliases: [microphone1, camera1], seat: true, cleanup: false}
load: {rate: 200/s, requests: 150, seed: 3}
mix:
  - {case: subscribe_all, expect: [400]}
  - {case: alias_subset, expect: [400]}
  - {case: no_body, expect: [400]}
  - {case: malformed_json, expect: [204]}
  - {case: wrong_content_type, expect: [204]}
  - {case: body_not_object, expect: [204]}
  - {case: participant_id_wrong_type, expect: [204]}
  - {case: duplicate_aliases, expect: [204]}
  - {case: session_id_mismatch, expect: [204]}
  - {case: unknown_session, expect: [204]}
  - {case: unknown_participant, expect: [204]}
  - {case: participant_in_other_session, expect: [204]}
  - {case: missing_auth, expect: [204]}
  - {case: bad_auth, expect: [204]}
  - {case: foreign_account, expect: [204]}
`

// TestConformanceCurlReproduces pastes every violation's curl lines (the
// group's and each example's) into a shell, with the credentials in the
// environment, against the same server, and checks that each gets the
// status of the violation.
func TestConformanceCurlReproduces(t *testing.T) {
	curlPath, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed; the reproduction test needs it")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no POSIX shell to paste the curl lines into")
	}
	t.Logf("using %s", curlPath)
	rs := conformanceServer(t, faults.Faults{}, 1)
	code, rep, stderr := conformanceRun(t, curlScenario, rs.URL)
	require.Equal(t, exitFailed, code, stderr)

	cases := map[string]bool{}
	tried := 0
	for _, v := range rep.Violations {
		require.Equal(t, "status_expected", v.Check, "the reference server fails no other check: %+v", v)
		cases[v.Case] = true
		lines := []string{v.Curl}
		for _, ex := range v.Examples {
			lines = append(lines, ex.Curl)
		}
		for _, line := range lines {
			assert.NotContains(t, line, refserver.DefaultPassword, "no secret in a curl line")
			got := curlStatus(t, line)
			assert.Equal(t, v.Status, got, "%s/%s: %s", v.Check, v.Case, line)
			tried++
		}
	}
	assert.Len(t, cases, 15, "every case of the mix has a violation")
	t.Logf("%d curl lines of %d violation groups reproduced", tried, len(rep.Violations))
}

// curlStatus runs a curl line with sh and returns the status of the last
// response it printed (curl -i prints the status line first).
func curlStatus(t *testing.T, line string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", line)
	cmd.Env = append(os.Environ(),
		"WRTC_USERNAME="+refserver.DefaultUsername, "WRTC_PASSWORD="+refserver.DefaultPassword,
		"http_proxy=", "HTTP_PROXY=", "https_proxy=", "HTTPS_PROXY=", "ALL_PROXY=", "all_proxy=")
	out, err := cmd.Output()
	require.NoError(t, err, "%s\n%s", line, out)
	status := 0
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && strings.HasPrefix(f[0], "HTTP/") {
			status, err = strconv.Atoi(f[1])
			require.NoError(t, err, sc.Text())
		}
	}
	require.NotZero(t, status, "no status line in curl's output:\n%s", out)
	return status
}
