package contract

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeStd decodes body as encoding/json does, numbers as json.Number.
func decodeStd(t testing.TB, body []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v), "%s", body)
	return v
}

// TestParseJSONRoundTrip: parsing keeps every byte but white space, and the
// value read from the tree is what encoding/json reads.
func TestParseJSONRoundTrip(t *testing.T) {
	for _, body := range []string{
		`{}`, `[]`, `null`, `true`, `0`, `-0`, `1e400`, `"x"`, `""`,
		`{"a":1,"a":2}`,
		`{"sessionId":"s","participants":[{"participantId":"p","streamAliases":["a","b"]}]}`,
		`["\ud800","\ud83d\ude00","a\/b","\u0000","\"","\\"]`,
		`{"":[[[[{"a":{"a":null}}]]]]}`,
		`123456789012345678901234567890`,
	} {
		n, err := parseJSON([]byte(" " + body + "\n"))
		require.NoError(t, err, body)
		assert.Equal(t, body, string(n.appendJSON(nil)), "rendered as parsed")
		assert.Equal(t, len(body), n.size(), "size without rendering")
		assert.Equal(t, decodeStd(t, []byte(body)), n.value(false), "%s: the last of a name given twice counts, as in encoding/json", body)
	}
}

func TestParseJSONRefusesWhatEncodingJSONRefuses(t *testing.T) {
	for _, body := range []string{``, `{`, `{"a"}`, `{"a":1,}`, `[1,]`, `tru`, `01`, `"a`, "\"a\x01\"", `{"a":1} x`, `[1 2]`, `{a:1}`, `+1`, `.5`} {
		_, err := parseJSON([]byte(body))
		assert.Error(t, err, "%q", body)
		assert.False(t, json.Valid([]byte(body)), "%q: the table agrees with encoding/json", body)
	}
}

func TestDuplicateNamesAndReadings(t *testing.T) {
	n, err := parseJSON([]byte(`{"sessionId":"first","x":{"y":1},"sessionId":"last"}`))
	require.NoError(t, err)
	assert.True(t, n.hasDuplicateNames())
	assert.Equal(t, "last", n.value(false).(map[string]any)["sessionId"])
	assert.Equal(t, "first", n.value(true).(map[string]any)["sessionId"])
	assert.True(t, HasDuplicateNames([]byte(`[{"a":1,"b":{"c":1,"c":2}}]`)), "at any depth")
	assert.False(t, HasDuplicateNames([]byte(`[{"a":1},{"a":1}]`)), "the same name in two objects is no repeat")
	assert.False(t, HasDuplicateNames([]byte(`{"a":`)), "not JSON")
}

func TestLoneSurrogate(t *testing.T) {
	tests := []struct {
		raw  string
		lone bool
	}{
		{`"\ud800"`, true},
		{`"x\udc00"`, true},
		{`"\ud83d\ude00"`, false},
		{`"\ud83d\u0041"`, true},
		{`"\\ud800"`, false}, // an escaped backslash, then text
		{`"\u0041\n"`, false},
		{`"😀"`, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.lone, loneSurrogate(tt.raw), tt.raw)
	}
}

func TestQuoteJSON(t *testing.T) {
	for _, s := range []string{"", "a\x00b", "line\nbreak", `"q"`, `\`, "<&>", "😀", "\u2028", "\x7f"} {
		var back string
		require.NoError(t, json.Unmarshal([]byte(quoteJSON(s)), &back), "%q", s)
		assert.Equal(t, s, back)
	}
	assert.Equal(t, `"<&>"`, quoteJSON("<&>"), "no HTML escaping")
}

// FuzzParseJSON: the tree parser accepts what encoding/json accepts, reads
// the same value, and renders what it parsed.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"a":[true,null]}`, `"\ud800"`, `1e400`, `[[[]]]`, `{"a":`, `-0.5e+3`, ` [1 , 2 ] `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := parseJSON(data)
		valid := json.Valid(data)
		if (err == nil) != valid {
			t.Fatalf("%q: parseJSON error %v, json.Valid %v", data, err, valid)
		}
		if err != nil {
			return
		}
		out := n.appendJSON(nil)
		assert.True(t, json.Valid(out), "%q renders as %q", data, out)
		assert.Equal(t, len(out), n.size())
		assert.Equal(t, decodeStd(t, data), n.value(false), "%q", data)
	})
}
