package scenarios

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/contract"
)

func generatedMix() []contract.MixCase {
	return []contract.MixCase{mixCase(contract.GeneratedBody, 3), mixCase(contract.GeneratedPath, 1), mixCase(contract.SubscribeAll, 1)}
}

// TestPlanGeneratedIsDeterministic: request n of a generated case is the
// same under the same seed, with the same expectation.
func TestPlanGeneratedIsDeterministic(t *testing.T) {
	a, b := testPlan(t, 5, generatedMix()), testPlan(t, 5, generatedMix())
	for n := range uint64(3000) {
		ra, rb := a.Request(n), b.Request(n)
		require.Equal(t, ra.URL, rb.URL)
		require.Equal(t, ra.Body, rb.Body)
		ea, eb := a.Expectation(ra), b.Expectation(rb)
		if ra.Case == 2 {
			assert.Nil(t, ea, "a catalogue request has no expectation of its own")
			continue
		}
		require.NotNil(t, ea)
		assert.Equal(t, *ea, *eb)
	}
}

// TestPlanRendersOddPaths: a generated path's segments go out as encoded,
// and decode to the ids the request was classified by.
func TestPlanRendersOddPaths(t *testing.T) {
	p := testPlan(t, 9, []contract.MixCase{mixCase(contract.GeneratedPath, 1)})
	encoded, escaped := 0, 0
	for n := range uint64(2000) {
		req := p.Request(n)
		u, err := url.Parse(req.URL)
		require.NoError(t, err, req.URL)
		require.Equal(t, u.String(), req.URL, "the URL is sent as rendered")
		d := p.variants[req]
		segs := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/v1/accounts/"), "/")
		require.Len(t, segs, 5, req.URL)
		for i, id := range []string{d.Account, d.Session, d.Participant} {
			got, err := url.PathUnescape(segs[2*i])
			require.NoError(t, err)
			assert.Equal(t, id, got, "segment %d of %s", i, req.URL)
		}
		if strings.Contains(req.URL, "%") {
			escaped++
		}
		if d.Segments != [3]string{} {
			encoded++
		}
	}
	assert.Greater(t, encoded, 0, "some segments are percent-encoded on purpose")
	assert.Greater(t, escaped, encoded, "others need escaping")
}

// TestPlanWithBody judges a changed body of a generated request against the
// same path and fixtures.
func TestPlanWithBody(t *testing.T) {
	p := testPlan(t, 3, generatedMix())
	var req = p.Request(0)
	for n := uint64(0); req.Case != 0; n++ {
		req = p.Request(n)
	}
	r, e, ok := p.WithBody(req, []byte(`{"participants":[{"participantId":7}]}`))
	require.True(t, ok)
	assert.Equal(t, []int{400}, e.Expect.Codes(), e.Why)
	assert.Equal(t, req.URL, r.URL)
	assert.Equal(t, `{"participants":[{"participantId":7}]}`, string(r.Body))
	assert.NotEqual(t, string(req.Body), string(r.Body), "the original is left alone")
	_, e, _ = p.WithBody(req, []byte(`{}`))
	assert.Equal(t, []int{204}, e.Expect.Codes())
	_, _, ok = p.WithBody(p.Sample()[2], []byte(`{}`))
	assert.False(t, ok, "a catalogue request is not the plan's to judge")
}

// BenchmarkPlanGenerated measures rendering the pools of both generated
// cases (DefaultGeneratedVariants each): the plan time a generated run
// adds before it sends anything.
func BenchmarkPlanGenerated(b *testing.B) {
	mix := []contract.MixCase{mixCase(contract.GeneratedBody, 1), mixCase(contract.GeneratedPath, 1)}
	for b.Loop() {
		if _, err := NewPlan(PlanConfig{Seed: 1, BaseURL: "http://127.0.0.1:1/v1", AccountID: "9900000",
			Username: "u", Password: "p", Aliases: []string{"microphone1", "camera1"}, Mix: mix, Fixtures: testFixtures()}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(2*DefaultGeneratedVariants*b.N)/b.Elapsed().Seconds(), "requests/s")
}

// BenchmarkPlanRequestGenerated measures handing out request n of a plan of
// generated cases, which is all that sending one costs the generator beyond
// a catalogue request.
func BenchmarkPlanRequestGenerated(b *testing.B) {
	p, err := NewPlan(PlanConfig{Seed: 1, BaseURL: "http://127.0.0.1:1/v1", AccountID: "9900000",
		Username: "u", Password: "p", Aliases: []string{"microphone1"}, Mix: generatedMix(), Fixtures: testFixtures()})
	require.NoError(b, err)
	var n uint64
	b.ReportAllocs()
	for b.Loop() {
		if p.Expectation(p.Request(n)) == nil && n == 1<<62 {
			b.Fatal("unreachable")
		}
		n++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}
