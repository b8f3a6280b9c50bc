package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// Fixture ids of the shrink tests.
const (
	shrinkSession = "11111111-1111-4111-8111-111111111111"
	shrinkSub     = "a3333333-1111-4111-8111-111111111111"
	shrinkPub     = "a1111111-1111-4111-8111-111111111111"
)

// shrinkPlan judges candidate bodies as a plan does: same path, the
// project's contract, one seated session.
type shrinkPlan struct{}

func (shrinkPlan) WithBody(req *runner.Request, body []byte) (*runner.Request, contract.Expectation, bool) {
	w := &contract.World{Account: "9900000", Aliases: []string{"camera1"}, Sessions: []contract.Session{
		{ID: shrinkSession, Participants: []string{shrinkPub, shrinkSub}, Publishers: []string{shrinkPub}}}}
	d := contract.Draft{Account: "9900000", Session: shrinkSession, Participant: shrinkSub, ContentType: "application/json", Body: body}
	out := *req
	out.Body = body
	return &out, contract.Default().Classify(d, w), true
}

// badRule is a target with one known defect: it answers 204 to a body in
// which some participantId is a number, and validates the rest as documented
// (here: 400 for anything else that is not a valid body).
func badRule(t *testing.T, seen *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		b, _ := io.ReadAll(r.Body)
		var v struct {
			Participants []map[string]any `json:"participants"`
		}
		if json.Unmarshal(b, &v) == nil {
			for _, p := range v.Participants {
				if _, ok := p["participantId"].(float64); ok {
					w.WriteHeader(http.StatusNoContent)
					return
				}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"bad","requestId":"r"}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func failure(srv *httptest.Server, body string) report.Failure {
	req := &runner.Request{Method: http.MethodPut,
		URL:    srv.URL + "/v1/accounts/9900000/sessions/" + shrinkSession + "/participants/" + shrinkSub,
		Header: map[string][]string{"Content-Type": {"application/json"}}}
	if body != "" {
		req.Body = []byte(body)
	}
	return report.Failure{Case: contract.GeneratedBody, Status: 204, Req: req}
}

func newShrinker(ctx context.Context) *shrinker {
	return &shrinker{client: &http.Client{}, plan: shrinkPlan{}, limit: rate.NewLimiter(rate.Inf, 1), interrupted: ctx}
}

// TestShrinkToTheDefect: against a target with a known bad rule, the shrink
// ends at the smallest body that still shows it, having sent exactly the
// replays it reports, and never a candidate the contract would let pass.
func TestShrinkToTheDefect(t *testing.T) {
	var seen atomic.Int64
	srv := badRule(t, &seen)
	body := `{"sessionId":"` + shrinkSession + `","extra":{"a":[1,2,3]},"participants":[` +
		`{"participantId":"` + shrinkPub + `","streamAliases":["camera1"]},{"participantId":-1e308,"streamAliases":["x"]},` +
		`{"participantId":"` + shrinkPub + `"}]}`
	rp := newShrinker(t.Context()).run(t.Context(), failure(srv, body))
	require.NotNil(t, rp.Req)
	assert.Equal(t, `{"participants":[{"participantId":0}]}`, string(rp.Req.Body))
	assert.Equal(t, stopMinimal, rp.Shrink.Stopped)
	assert.Equal(t, len(body), rp.Shrink.FromBytes)
	assert.Equal(t, len(rp.Req.Body), rp.Shrink.ToBytes)
	assert.Equal(t, int64(rp.Shrink.Replays), seen.Load(), "every replay is counted")
	assert.LessOrEqual(t, rp.Shrink.Replays, shrinkReplays)
	assert.GreaterOrEqual(t, rp.Shrink.Reproduced, 2, "the original and at least one smaller body")
}

func TestShrinkStops(t *testing.T) {
	var seen atomic.Int64
	srv := badRule(t, &seen)

	rp := newShrinker(t.Context()).run(t.Context(), failure(srv, `{"participants":[{"participantId":"`+shrinkPub+`"}]}`))
	assert.Equal(t, stopNotReproduced, rp.Shrink.Stopped, "the target answers 400 now")
	assert.Equal(t, 1, rp.Shrink.Replays)
	assert.Nil(t, rp.Req)

	rp = newShrinker(t.Context()).run(t.Context(), failure(srv, ""))
	assert.Equal(t, stopNoBody, rp.Shrink.Stopped)
	assert.Zero(t, rp.Shrink.Replays)

	ctx, cancel := context.WithCancel(t.Context())
	cancel() // Ctrl-C before the phase
	before := seen.Load()
	rp = newShrinker(ctx).run(ctx, failure(srv, `{"participants":[{"participantId":1}]}`))
	assert.Equal(t, stopInterrupted, rp.Shrink.Stopped)
	assert.Equal(t, before, seen.Load(), "nothing is sent once interrupted")
	assert.Zero(t, rp.Shrink.Replays)
}
