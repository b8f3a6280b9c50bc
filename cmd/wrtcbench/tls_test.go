package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/refserver"
)

// TestRunOverTLSAndHTTP2 runs a scenario against `wrtcbench serve --tls`,
// trusting its certificate through tls.ca_file, once per HTTP version
// policy, and once without the certificate: exit 3 with one line, before
// anything of the run is sent.
func TestRunOverTLSAndHTTP2(t *testing.T) {
	t.Setenv("WRTC_USERNAME", "")
	t.Setenv("WRTC_PASSWORD", "")
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	base, _, _, _ := startServe(t, "--addr", "127.0.0.1:0", "--tls", "--ca-out", ca)
	require.FileExists(t, ca)

	scenario := func(name, http2, caFile string) string {
		p := filepath.Join(dir, name+".yaml")
		body := fmt.Sprintf(`name: %s
target:
  url: %s
  account_id: "%s"
  username: %s
  password: %s
  http2: %s
  tls: {ca_file: %q}
fixtures: {sessions: 1, participants_per_session: 3}
load: {requests: 30, rate: 100/s}
mix: [{case: subscribe_all}, {case: malformed_json}]
`, name, base, refserver.DefaultAccount, refserver.DefaultUsername, refserver.DefaultPassword, http2, caFile)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	for _, h2 := range []string{"auto", "on", "off"} {
		t.Run("http2="+h2, func(t *testing.T) {
			out := filepath.Join(dir, "out-"+h2)
			var stdout, stderr bytes.Buffer
			code := run([]string{"run", scenario("tls_"+h2, h2, ca), "--quiet", "--out", out}, nil, &stdout, &stderr)
			require.Equal(t, 0, code, stderr.String())
			var rep struct {
				Requests struct{ Completed int } `json:"requests"`
				Passed   bool                    `json:"passed"`
			}
			data, err := os.ReadFile(filepath.Join(out, "report.json"))
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(data, &rep))
			assert.Equal(t, 30, rep.Requests.Completed)
			assert.True(t, rep.Passed)
		})
	}
	t.Run("untrusted certificate", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run([]string{"run", scenario("tls_untrusted", "auto", ""), "--quiet", "--out", filepath.Join(dir, "x")}, nil, &stdout, &stderr)
		assert.Equal(t, exitTarget, code, stderr.String())
		assert.Contains(t, stderr.String(), "TLS: tls: failed to verify certificate")
		assert.Equal(t, 1, bytes.Count(stderr.Bytes(), []byte("\n")), "one line: %s", stderr.String())
	})
}
