package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/refserver"
)

// TestServeDocumentedCurl runs the documentation page's curl command, with
// its flags as printed there and real fixture ids, in a shell against
// `wrtcbench serve`: it must get 204.
func TestServeDocumentedCurl(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (apt-get install curl); the same request is sent with Go in TestServe")
	}
	t.Setenv("WRTC_USERNAME", "")
	t.Setenv("WRTC_PASSWORD", "")
	base, _, _, _ := startServe(t, "--addr", "127.0.0.1:0")
	u, p := refserver.DefaultUsername, refserver.DefaultPassword
	acct := base + "/accounts/" + refserver.DefaultAccount
	c := http.DefaultClient
	code, b := call(t, c, "POST", acct+"/sessions", u, p, `{"tag":"doc"}`)
	require.Equal(t, 200, code)
	var sess struct{ ID string }
	require.NoError(t, json.Unmarshal(b, &sess))
	var ids []string
	for range 3 {
		code, b := call(t, c, "POST", acct+"/participants", u, p, `{"publishPermissions":["AUDIO","VIDEO"],"deviceApiVersion":"V3"}`)
		require.Equal(t, 200, code)
		var v struct{ Participant struct{ ID string } }
		require.NoError(t, json.Unmarshal(b, &v))
		ids = append(ids, v.Participant.ID)
	}

	// The page's example, line for line, with its placeholders filled in.
	doc := `curl -X PUT \
  --url '{base}/accounts/{accountId}/sessions/{sessionId}/participants/{participantId}' \
  -u "$WRTC_USERNAME:$WRTC_PASSWORD" \
  -H 'Content-type: application/json' \
	 --data-raw '
{
  "sessionId": "{sessionId}",
  "participants": [
    {
        "participantId": "{p1}"
    },
    {
        "participantId": "{p2}",
        "streamAliases": ["microphone1", "microphone2"]
    }
  ]
}' -s -o /dev/null -w '%{http_code}'`
	cmd := strings.NewReplacer("{base}", base, "{accountId}", refserver.DefaultAccount, "{sessionId}", sess.ID,
		"{participantId}", ids[0], "{p1}", ids[1], "{p2}", ids[2]).Replace(doc)
	sh := exec.Command("sh", "-c", cmd)
	sh.Env = append(os.Environ(), "WRTC_USERNAME="+u, "WRTC_PASSWORD="+p)
	out, err := sh.Output()
	require.NoError(t, err)
	assert.Equal(t, "204", string(out))
}
