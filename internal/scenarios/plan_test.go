package scenarios

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/fixtures"
)

func testFixtures() *fixtures.Set {
	set := &fixtures.Set{}
	for s := range 3 {
		ss := fixtures.Session{ID: "s" + string(rune('A'+s))}
		for p := range 4 {
			ss.Participants = append(ss.Participants, ss.ID+"-p"+string(rune('0'+p)))
		}
		ss.Publishers = ss.Participants[:3]
		set.Sessions = append(set.Sessions, ss)
	}
	return set
}

func allCases(weight float64) []contract.MixCase {
	var mix []contract.MixCase
	for _, c := range contract.Cases() {
		mix = append(mix, mixCase(c.Name, weight))
	}
	return mix
}

func mixCase(name string, weight float64) contract.MixCase {
	m, ok := contract.NewMixCase(name, weight, contract.StatusSet{})
	if !ok {
		panic("no case " + name)
	}
	return m
}

func testPlan(t *testing.T, seed uint64, mix []contract.MixCase) *Plan {
	t.Helper()
	p, err := NewPlan(PlanConfig{Seed: seed, BaseURL: "http://127.0.0.1:1/v1", AccountID: "9900000",
		Username: "u", Password: "p", Aliases: []string{"microphone1", "camera1", "screen1"},
		Mix: mix, Fixtures: testFixtures()})
	require.NoError(t, err)
	return p
}

func TestPlanIsDeterministic(t *testing.T) {
	a, b := testPlan(t, 42, allCases(1)), testPlan(t, 42, allCases(1))
	other := testPlan(t, 43, allCases(1))
	differ := 0
	for n := range uint64(2000) {
		ra, rb := a.Request(n), b.Request(n)
		assert.Equal(t, ra.URL, rb.URL)
		assert.Equal(t, ra.Body, rb.Body)
		assert.Equal(t, ra.Case, rb.Case)
		if ro := other.Request(n); ro.Case != ra.Case || string(ro.Body) != string(ra.Body) {
			differ++
		}
	}
	assert.Greater(t, differ, 1000, "another seed gives other requests")
}

func TestPlanFollowsWeights(t *testing.T) {
	p := testPlan(t, 7, []contract.MixCase{mixCase(contract.SubscribeAll, 70), mixCase(contract.MalformedJSON, 30)})
	counts := [2]int{}
	const n = 20000
	for i := range uint64(n) {
		counts[p.Request(i).Case]++
	}
	assert.InDelta(t, 0.7, float64(counts[0])/n, 0.02)
}

// TestEachCaseCarriesItsDefect checks the shape of every case's requests:
// one defect each, the rest valid.
func TestEachCaseCarriesItsDefect(t *testing.T) {
	mix := allCases(1)
	p := testPlan(t, 1, mix)
	byName := map[string]int{}
	for i, c := range mix {
		byName[c.Name()] = i
	}
	check := func(name string, f func(t *testing.T, url string, h map[string][]string, body []byte)) {
		t.Run(name, func(t *testing.T) {
			for _, r := range p.pool[byName[name]][:20] {
				f(t, r.URL, r.Header, r.Body)
			}
		})
	}
	valid := func(t *testing.T, body []byte) map[string]any {
		var m map[string]any
		require.NoError(t, json.Unmarshal(body, &m), "body %s", body)
		return m
	}
	check(contract.SubscribeAll, func(t *testing.T, url string, h map[string][]string, body []byte) {
		m := valid(t, body)
		assert.NotEmpty(t, m["participants"])
		assert.Equal(t, []string{"application/json"}, h["Content-Type"])
		assert.NotEmpty(t, h["Authorization"])
	})
	check(contract.AliasSubset, func(t *testing.T, url string, h map[string][]string, body []byte) {
		for _, e := range valid(t, body)["participants"].([]any) {
			assert.NotEmpty(t, e.(map[string]any)["streamAliases"], "a non-empty subset")
		}
	})
	check(contract.NoBody, func(t *testing.T, url string, h map[string][]string, body []byte) {
		assert.Nil(t, body)
		assert.Empty(t, h["Content-Type"])
	})
	check(contract.MalformedJSON, func(t *testing.T, url string, h map[string][]string, body []byte) {
		assert.False(t, json.Valid(body), "%s", body)
		assert.Equal(t, []string{"application/json"}, h["Content-Type"])
	})
	check(contract.WrongContentType, func(t *testing.T, url string, h map[string][]string, body []byte) {
		valid(t, body)
		assert.Equal(t, []string{"text/plain"}, h["Content-Type"])
	})
	check(contract.DuplicateAliases, func(t *testing.T, url string, h map[string][]string, body []byte) {
		e := valid(t, body)["participants"].([]any)[0].(map[string]any)
		al := e["streamAliases"].([]any)
		assert.Equal(t, al[0], al[1])
	})
	check(contract.MissingAuth, func(t *testing.T, url string, h map[string][]string, body []byte) {
		assert.Empty(t, h["Authorization"])
		valid(t, body)
	})
	check(contract.ForeignAccount, func(t *testing.T, url string, h map[string][]string, body []byte) {
		assert.NotContains(t, url, "/accounts/9900000/")
		assert.Equal(t, []string{basicAuth("u", "p")}, h["Authorization"])
	})
	check(contract.ParticipantInOtherSession, func(t *testing.T, url string, h map[string][]string, body []byte) {
		// .../sessions/{s}/participants/{p}; test participants are named "{their session}-pN".
		parts := strings.Split(url, "/")
		sess, part := parts[len(parts)-3], parts[len(parts)-1]
		assert.False(t, strings.HasPrefix(part, sess+"-"), "%s is seated in another session than %s", part, sess)
	})
}

// TestPlanInTurn: with load.per_case, every run of len(mix) requests holds
// every case once, whatever the weights, so N runs send each case exactly N
// times; the order differs from run to run and depends on the seed.
func TestPlanInTurn(t *testing.T) {
	for _, k := range []int{1, 2, 4, 6, 20} {
		mix := allCases(1)[:k]
		mix[0].Weight = 50 // ignored in turn
		p, err := NewPlan(PlanConfig{Seed: 9, BaseURL: "http://127.0.0.1:1/v1", AccountID: "1", Username: "u", Password: "p",
			Aliases: []string{"a"}, Mix: mix, Fixtures: testFixtures(), InTurn: true})
		require.NoError(t, err)
		orders := map[string]bool{}
		for b := range uint64(30) {
			seen := make([]int, k)
			var order []int
			for i := range uint64(k) {
				c := p.Request(b*uint64(k) + i).Case
				seen[c]++
				order = append(order, c)
			}
			for c, n := range seen {
				assert.Equal(t, 1, n, "k=%d run %d: case %d", k, b, c)
			}
			orders[fmt.Sprint(order)] = true
		}
		if k >= 4 {
			assert.Greater(t, len(orders), 3, "k=%d: the order varies from run to run", k)
		}
	}
}
