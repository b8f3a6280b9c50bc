package compare

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// fixture compares a run with one in which one request in five is 5 ms
// slower and errors rose, so that every kind of row shows: regressed,
// within tolerance, no significant change, an interval without an upper
// bound, and a note.
func fixture(t *testing.T) *Comparison {
	t.Helper()
	base := synth(t, "results/base", spec{seed: 1, d: bimodal(0.1), intervals: 5, perSecond: 200, failed: 1})
	cur := synth(t, "results/current", spec{seed: 2, d: plus(bimodal(0.1), 0.2, 5000), intervals: 5, perSecond: 200, failed: 12, checks: 12, rate: 199.2})
	cur.Report.Scenario.Seed = 2
	c, err := Compare([]Run{base}, []Run{cur}, Options{})
	require.NoError(t, err)
	return c
}

func render(t *testing.T, c *Comparison, f func(*bytes.Buffer, *Comparison) error) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, f(&b, c))
	return b.Bytes()
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got), "%s differs; run go test -update if the change is intended", path)
}

func TestRenderGolden(t *testing.T) {
	c := fixture(t)
	checkGolden(t, "compare.txt", render(t, c, func(b *bytes.Buffer, c *Comparison) error { return RenderText(b, c) }))
	checkGolden(t, "compare.md", render(t, c, func(b *bytes.Buffer, c *Comparison) error { return RenderMarkdown(b, c) }))
	checkGolden(t, "compare.json", render(t, c, func(b *bytes.Buffer, c *Comparison) error { return RenderJSON(b, c) }))
}

// TestRenderText checks what issue 16 found wrong: a change glued to its
// reason, figures without units, the error rate in % rather than points.
func TestRenderText(t *testing.T) {
	out := string(render(t, fixture(t), func(b *bytes.Buffer, c *Comparison) error { return RenderText(b, c) }))
	lines := strings.Split(out, "\n")
	assert.True(t, strings.HasPrefix(lines[0], "REGRESSION: "), "the verdict comes first")
	for i, l := range lines {
		assert.False(t, strings.HasSuffix(l, " "), "line %d has trailing spaces: %q", i+1, l)
		assert.NotRegexp(t, `%[a-z]`, l, "line %d glues a figure to a word", i+1)
	}
	for _, want := range []string{
		"latency.p80",                        // the slowed fifth shows here
		"✗ grew by more than 10% and 0.50ms", // the reason, apart from the change
		"+1.10pp",                            // the error rate's change in percentage points
		"0.1% (1 of 1,000)",                  // a share with what it is of
		"200.0/s",                            // a rate with its unit
		"U p=",                               // the test and its p-value
		"note: different seeds: 1, 2",
	} {
		assert.Contains(t, out, want)
	}
	for _, row := range lines {
		if strings.HasPrefix(strings.TrimSpace(row), "latency.") {
			assert.Regexp(t, `\dms \[`, row, "a latency with its unit and interval")
		}
	}
}

// TestRenderJSON: the JSON keeps the fields the first compare had, and
// writes an infinite interval bound as null.
func TestRenderJSON(t *testing.T) {
	var got map[string]any
	require.NoError(t, json.Unmarshal(render(t, fixture(t), func(b *bytes.Buffer, c *Comparison) error { return RenderJSON(b, c) }), &got))
	for _, k := range []string{"baseline", "current", "deltas", "regressed", "notes"} {
		assert.Contains(t, got, k)
	}
	d := got["deltas"].([]any)[0].(map[string]any)
	for _, k := range []string{"metric", "baseline", "current", "change", "regressed", "unit", "baseline_ci", "p", "verdict"} {
		assert.Contains(t, d, k)
	}
	var last map[string]any
	for _, x := range got["deltas"].([]any) {
		if x.(map[string]any)["metric"] == "latency.p99.9" {
			last = x.(map[string]any)
		}
	}
	require.NotNil(t, last)
	assert.Nil(t, last["current_ci"].([]any)[1], "p99.9 of 1,000 requests has no upper bound")
}
