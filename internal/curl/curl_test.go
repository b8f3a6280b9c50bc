package curl

import (
	"encoding/base64"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/runner"
)

func basic(u, p string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(u+":"+p))
}

func TestCommandHidesCredentials(t *testing.T) {
	cred := Credentials{Username: "alice", Password: "s3cret"}
	tests := []struct {
		name, auth, want string
	}{
		{"real credentials", basic("alice", "s3cret"), `-u "$WRTC_USERNAME:$WRTC_PASSWORD"`},
		{"wrong password", basic("alice", "wrong-password"), `-u "$WRTC_USERNAME":'wrong-password'`},
		{"password containing the real one", basic("alice", "xs3cretx"), `-u "$WRTC_USERNAME:$WRTC_PASSWORD"`},
		{"bearer token", "Bearer abc.def", `-u "$WRTC_USERNAME:$WRTC_PASSWORD"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &runner.Request{Method: "PUT", URL: "http://127.0.0.1:1/v1/x",
				Header: map[string][]string{"Authorization": {tt.auth}, "Content-Type": {"application/json"}},
				Body:   []byte(`{"sessionId":"it's"}`)}
			got := Command(req, cred)
			assert.Contains(t, got, tt.want)
			assert.NotContains(t, got, "s3cret")
			assert.NotContains(t, got, tt.auth)
			assert.Contains(t, got, `--data-binary '{"sessionId":"it'\''s"}'`)
		})
	}
}

// TestCommandRoundTrips checks, with a real shell, that the quoted body
// reaches the command exactly.
func TestCommandRoundTrips(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this machine")
	}
	body := "{\"a\":\"it's $HOME `x` \\\"q\\\"\"\n}"
	out, err := exec.Command(sh, "-c", "printf %s "+Quote(body)).Output()
	require.NoError(t, err)
	assert.Equal(t, body, string(out))
}

func TestCommandNoBodyNoContentType(t *testing.T) {
	req := &runner.Request{Method: "PUT", URL: "http://h/v1/x", Header: map[string][]string{}, Body: []byte("x")}
	got := Command(req, Credentials{})
	assert.True(t, strings.Contains(got, "-H 'Content-Type:'"), "curl must not add its form content type: %s", got)
}

// TestCommandURLAsSent: a URL with characters a URL may not carry raw is
// written as the engines send it, so that curl accepts and replays it.
func TestCommandURLAsSent(t *testing.T) {
	req := &runner.Request{Method: "PUT", URL: "http://u:pw@h:1/v1/accounts/1/sessions/a b/participants/ü", Header: map[string][]string{}}
	got := Command(req, Credentials{})
	assert.Contains(t, got, "'http://h:1/v1/accounts/1/sessions/a%20b/participants/%C3%BC'")
	assert.Contains(t, got, " -g ", "curl must not glob brackets and braces")
	assert.NotContains(t, got, "pw", "user info never reaches a curl line")
}
