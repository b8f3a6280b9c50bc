package contract

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shrinkWhile reduces body greedily, as the shrink phase does, while fails
// holds, and returns the result and how many candidates were tried.
func shrinkWhile(body string, fails func([]byte) bool) (string, int) {
	best, tried := []byte(body), 0
	for {
		next := []byte(nil)
		for c := range Smaller(best) {
			tried++
			if fails(c) {
				next = c
				break
			}
		}
		if next == nil {
			return string(best), tried
		}
		best = next
	}
}

// TestSmallerFindsTheMinimalBody: against a rule "a participantId that is a
// number", the greedy shrink ends at the smallest body that breaks it,
// whatever surrounds it.
func TestSmallerFindsTheMinimalBody(t *testing.T) {
	numberID := func(b []byte) bool {
		var v struct {
			Participants []map[string]any `json:"participants"`
		}
		if json.Unmarshal(b, &v) != nil {
			return false
		}
		for _, p := range v.Participants {
			if _, ok := p["participantId"].(float64); ok {
				return true
			}
		}
		return false
	}
	body := `{"sessionId":"` + sessA + `","extra":[[[["deep"]]]],"participants":[` +
		strings.Repeat(`{"participantId":"`+pubA1+`","streamAliases":["camera1","microphone1"]},`, 40) +
		`{"streamAliases":["x"],"participantId":123456789},{"participantId":"` + pubA2 + `"}]}`
	got, tried := shrinkWhile(body, numberID)
	assert.Equal(t, `{"participants":[{"participantId":0}]}`, got)
	assert.Less(t, tried, 200, "halving the long array keeps the number of replays small")
}

// TestSmallerKeepsWhatItDoesNotTouch: names given twice, escapes and number
// texts survive a reduction elsewhere; every candidate is JSON and smaller.
func TestSmallerKeepsWhatItDoesNotTouch(t *testing.T) {
	body := `{"a":"\ud800","a":1e400,"b":[1,2,3,4],"c":{"d":{"e":"long string"}}}`
	n := 0
	for c := range Smaller([]byte(body)) {
		n++
		require.True(t, json.Valid(c), "%s", c)
		assert.Less(t, len(c), len(body), "%s", c)
	}
	assert.Greater(t, n, 10)
	var kept bool
	for c := range Smaller([]byte(body)) {
		if strings.Contains(string(c), `"a":"\ud800","a":1e400`) && !strings.Contains(string(c), `"b"`) {
			kept = true
		}
	}
	assert.True(t, kept, "removing b keeps both a members as written")
	assert.Empty(t, collect(Smaller([]byte(`{"a":`))), "not JSON: nothing to try")
	assert.Empty(t, collect(Smaller([]byte(`0`))), "nothing smaller than 0")
}

// TestSmallerUnnests: deep nesting comes down a level at a time.
func TestSmallerUnnests(t *testing.T) {
	deepArrays := strings.Repeat("[", 64) + `"deep"` + strings.Repeat("]", 64)
	got, _ := shrinkWhile(`{"sessionId":`+deepArrays+`}`, func(b []byte) bool {
		return strings.Contains(string(b), `"sessionId":[`)
	})
	assert.Equal(t, `{"sessionId":[]}`, got)
}

func collect(seq func(func([]byte) bool)) [][]byte {
	var out [][]byte
	for b := range seq {
		out = append(out, b)
	}
	return out
}
