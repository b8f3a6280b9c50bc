package curl_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/curl"
	"github.com/wrtcbench/wrtcbench/internal/fixtures"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// seen is what a loopback server received: the request-target as sent, the
// body and the credentials.
type seen struct {
	target, body, user, pass string
}

type recorder struct {
	mu  sync.Mutex
	got []seen
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	user, pass, _ := r.BasicAuth()
	rc.mu.Lock()
	rc.got = append(rc.got, seen{r.RequestURI, string(body), user, pass})
	rc.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (rc *recorder) take() []seen {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.got
	rc.got = nil
	return out
}

// nop keeps nothing: the server's record is what counts.
type nop struct{}

func (nop) Record(int, *runner.Result) {}

// TestReplayLinesReplay sends requests about ids that hold every character
// a URL or a shell treats specially, through both engines, then runs each
// request's curl line in a real shell against the same server: the server
// must receive the very request-target, body and credentials the engine sent.
func TestReplayLinesReplay(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this machine")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed; .ci/run installs it")
	}
	ids := []string{"sess one", "a#b", "q?x=1&y", "s/l", "p%20c", `it's "q"`, "naïve-ü", "br[a]{c}", "$HOME`x`"}
	var sess []fixtures.Session
	for i := 0; i+2 < len(ids); i += 3 {
		sess = append(sess, fixtures.Session{ID: ids[i], Participants: ids[i+1 : i+3], Publishers: ids[i+1 : i+3]})
	}
	rc := &recorder{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	cred := curl.Credentials{Username: "qa user", Password: "p@ss:w'rd"}
	var mix []contract.MixCase
	for _, name := range []string{contract.SubscribeAll, contract.NoBody, contract.BadAuth, contract.ForeignAccount} {
		m, _ := contract.NewMixCase(name, 1, contract.StatusSet{})
		mix = append(mix, m)
	}
	plan, err := scenarios.NewPlan(scenarios.PlanConfig{Seed: 5, BaseURL: srv.URL + "/v1", AccountID: "99 00#",
		Username: cred.Username, Password: cred.Password, Mix: mix, Fixtures: &fixtures.Set{Sessions: sess}, Variants: 8})
	require.NoError(t, err)
	const n = 24
	for _, engine := range []runner.Engine{runner.EngineAuto, runner.EngineNetHTTP} {
		t.Run(string(engine), func(t *testing.T) {
			client, err := runner.NewClient(runner.ClientConfig{Engine: engine, Timeout: 5 * time.Second})
			require.NoError(t, err)
			rn, err := runner.New(runner.Config{Model: runner.Closed, Concurrency: 1, Requests: n,
				Client: client, Source: plan, Recorder: nop{}})
			require.NoError(t, err)
			_, err = rn.Run(context.Background())
			require.NoError(t, err)
			sent := rc.take()
			require.Len(t, sent, n)
			for i := range uint64(n) {
				line := curl.Command(plan.Request(i), cred)
				cmd := exec.Command(sh, "-c", line+" -o /dev/null")
				cmd.Env = append(os.Environ(), "WRTC_USERNAME="+cred.Username, "WRTC_PASSWORD="+cred.Password)
				out, err := cmd.CombinedOutput()
				require.NoError(t, err, "%s\n%s", line, out)
				replayed := rc.take()
				require.Len(t, replayed, 1, line)
				assert.Equal(t, sent[i], replayed[0], "request %d: %s", i, line)
			}
		})
	}
}
