package compare

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadRun: what is not a finished run is refused with one line that
// says what it is, never with a JSON parser's message.
func TestReadRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, data, 0o644))
		return p
	}
	report := func(edit func(m map[string]any)) []byte {
		r := synth(t, "x", spec{seed: 1, d: bimodal(0.1), intervals: 2, perSecond: 10}).Report
		b, err := json.Marshal(r)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		edit(m)
		b, err = json.Marshal(m)
		require.NoError(t, err)
		return b
	}
	finished := write("done/report.json", report(func(map[string]any) {}))
	tests := []struct {
		name, path, want string
	}{
		{"a scenario file", write("smoke.yaml", []byte("name: smoke\nload: {rate: 10/s}\n")),
			"smoke.yaml is a scenario file, not a result: run it first, then use its result folder"},
		{"a scenario under another name", write("smoke.txt", []byte("# smoke\nname: smoke\nmix:\n  - {case: subscribe_all}\n")),
			"a scenario file (YAML), not a result"},
		{"a partial report", write("running/report.json", report(func(m map[string]any) {
			m["verdict"], m["histograms"] = "running: partial report", map[string]any{}
		})), `the partial report of a run still going (verdict "running: partial report"): compare it once the run has ended`},
		{"no histograms", write("nohist/report.json", report(func(m map[string]any) { m["histograms"] = map[string]any{} })),
			"the report has no latency histogram"},
		{"another format version", write("v2/report.json", report(func(m map[string]any) {
			m["format"], m["requests"] = "wrtcbench.report/v2", "changed shape"
		})), `a report of format "wrtcbench.report/v2"; this wrtcbench reads "wrtcbench.report/v1"`},
		{"no format", write("nofmt/report.json", []byte(`{"name": "x"}`)), `not a wrtcbench report: it has no "format" field`},
		{"a truncated report", write("cut/report.json", report(func(map[string]any) {})[:200]), "not a complete report.json"},
		{"a missing path", filepath.Join(dir, "nowhere"), "nowhere: no such result folder or report.json"},
		{"a folder without a report", filepath.Dir(write("empty/x", nil)), "no report.json in this folder: not a result folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadRun(tt.path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "invalid character", "a parser's message")
		})
	}
	r, err := ReadRun(filepath.Dir(finished))
	require.NoError(t, err)
	assert.Equal(t, filepath.Dir(finished), r.Path)
	_, err = ReadRun(finished)
	assert.NoError(t, err, "the report.json itself")
}
