package report

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/curl"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// expectations maps requests to their own expectation, as a plan does.
type expectations map[*runner.Request]*contract.Expectation

func (e expectations) Expectation(req *runner.Request) *contract.Expectation { return e[req] }

// genRun feeds a run of generated_body requests, each judged by its own
// expectation:
//
//	valid      3×204, expected 204
//	wrongType  2×400 expected 400, 2×204 expected 400 (the failure)
//	extra      2×204, expected 204 or 400 (undecided)
//	mismatch   1×400, expected 400 (the project's choice)
func genRun(t *testing.T, m Meta) (*Report, *Collector, *runner.Request) {
	t.Helper()
	k := contract.Default()
	cases := []contract.MixCase{mixCase(contract.GeneratedBody, 1)}
	col := NewCollector(cases, k, 2, time.Second)
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(colUser+":"+colPass))
	req := func(body string) *runner.Request {
		return &runner.Request{Method: "PUT", URL: "http://127.0.0.1:1/v1/accounts/9900000/sessions/s/participants/p",
			Header: map[string][]string{"Authorization": {auth}, "Content-Type": {"application/json"}}, Body: []byte(body)}
	}
	valid := req(`{}`)
	wrongType := req(`{"sessionId":"s","participants":[{"participantId":42}],"x":1}`)
	extra := req(`{"x":1}`)
	mismatch := req(`{"sessionId":"other"}`)
	exps := expectations{
		valid: {Expect: contract.NewStatusSet(204), Source: contract.Published, Why: "a valid request"},
		wrongType: {Expect: contract.NewStatusSet(400), Source: contract.Published, Why: "/participants/0/participantId: value must be a string",
			Mutations: []contract.Mutation{{Where: "participants[].participantId", Kind: contract.MutWrongType}, {Where: "body", Kind: contract.MutExtraProperty}}},
		extra:    {Expect: contract.NewStatusSet(204, 400), Source: contract.Undecided, Why: "unknown property", Mutations: []contract.Mutation{{Where: "body", Kind: contract.MutExtraProperty}}},
		mismatch: {Expect: contract.NewStatusSet(400), Source: contract.Project, Why: "differs", Mutations: []contract.Mutation{{Where: "sessionId", Kind: contract.MutOtherSession}}},
	}
	col.Expectations = exps
	var seq uint64
	send := func(r *runner.Request, status int) {
		res := &runner.Result{Seq: seq, Req: r, Scheduled: time.Duration(seq) * time.Millisecond, Sent: time.Duration(seq) * time.Millisecond,
			Done: time.Duration(seq+1) * time.Millisecond, Response: runner.Response{Status: status}}
		if status != 204 {
			res.Response.ContentType, res.Response.Body, res.Response.BodyLen = js, []byte(errJSON), int64(len(errJSON))
		}
		seq++
		col.Record(int(seq%2), res)
	}
	for range 3 {
		send(valid, 204)
	}
	send(wrongType, 400)
	send(wrongType, 204)
	send(wrongType, 400)
	send(wrongType, 204)
	send(extra, 204)
	send(extra, 204)
	send(mismatch, 400)
	col.Finish()
	m.Credentials = curl.Credentials{Username: colUser, Password: colPass}
	return col.Report(m), col, wrongType
}

// TestCollectorJudgesEachGeneratedRequest: each request is held to its own
// expectation, and the case reports what was exercised.
func TestCollectorJudgesEachGeneratedRequest(t *testing.T) {
	r, _, _ := genRun(t, Meta{})
	require.Len(t, r.Cases, 1)
	c := r.Cases[0]
	assert.Equal(t, []int{204, 400, 404}, c.Expected, "the row's: what the requests may expect between them")
	assert.Equal(t, Counts{Passed: 8, Failed: 2}, c.Checks["status_expected"])
	g := c.Generated
	require.NotNil(t, g)
	assert.Equal(t, int64(3), g.Valid)
	assert.Equal(t, int64(2), g.Undecided)
	assert.Equal(t, int64(1), g.Project)
	assert.Equal(t, map[string]map[string]int64{
		"participants[].participantId": {"wrong_type": 4},
		"body":                         {"extra_property": 6},
		"sessionId":                    {"other_session_id": 1},
	}, g.Mutations)
	assert.Equal(t, 3, g.Exercised)
	assert.Equal(t, g.Possible-3, len(g.Unexercised))
	assert.Contains(t, g.Unexercised, "sessionId: null")

	require.Len(t, r.Violations, 1)
	v := r.Violations[0]
	assert.Equal(t, "status_expected", v.Check)
	assert.Equal(t, 204, v.Status)
	assert.Equal(t, int64(2), v.Count)
	assert.Contains(t, v.Message, "got 204; expected for generated_body (participants[].participantId: wrong_type, body: extra_property): 400;")
	assert.Contains(t, v.Message, "[published: /participants/0/participantId: value must be a string]")
	ex := v.Examples[0]
	assert.Equal(t, []int{400}, ex.Expected)
	assert.Equal(t, "published", ex.Source)
	assert.Equal(t, []string{"participants[].participantId: wrong_type", "body: extra_property"}, ex.Mutations)
	assert.Nil(t, v.Shrink)
	assert.Empty(t, v.OriginalCurl)
}

// TestCollectorFailuresAndReproducers: the shrink phase starts from the
// first failing example of each generated case and status, and its result
// becomes the group's curl line, the original kept beside it.
func TestCollectorFailuresAndReproducers(t *testing.T) {
	_, col, wrongType := genRun(t, Meta{})
	fs := col.Failures()
	require.Len(t, fs, 1)
	assert.Equal(t, Failure{Case: "generated_body", Status: 204, Req: wrongType, Expect: col.Expectations.Expectation(wrongType)}, fs[0])

	small := *wrongType
	small.Body = []byte(`{"participants":[{"participantId":0}]}`)
	sh := Shrink{Replays: 9, Reproduced: 4, FromBytes: len(wrongType.Body), ToBytes: len(small.Body), Stopped: "minimal"}
	r, _, _ := genRun(t, Meta{Reproducers: []Reproducer{{Case: "generated_body", Status: 204, Req: &small, Shrink: sh}}})
	v := r.Violations[0]
	require.NotNil(t, v.Shrink)
	assert.Equal(t, sh, *v.Shrink)
	assert.Contains(t, v.Curl, `--data-binary '{"participants":[{"participantId":0}]}'`)
	assert.Contains(t, v.OriginalCurl, `"x":1`)
	assert.Equal(t, v.Examples[0].Curl, v.OriginalCurl)
	assert.NotContains(t, v.Curl+v.OriginalCurl, colPass)

	r, _, _ = genRun(t, Meta{Reproducers: []Reproducer{{Case: "generated_body", Status: 204, Shrink: Shrink{Replays: 1, Stopped: "not_reproduced"}}}})
	v = r.Violations[0]
	assert.Equal(t, "not_reproduced", v.Shrink.Stopped)
	assert.Empty(t, v.OriginalCurl, "nothing smaller: the curl line is the original")
	assert.Equal(t, v.Examples[0].Curl, v.Curl)
}
