package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// workflow is what the test reads of a GitHub Actions workflow file.
type workflow struct {
	Name string `yaml:"name"`
	Jobs map[string]struct {
		Steps []struct {
			Name string            `yaml:"name"`
			Run  string            `yaml:"run"`
			Uses string            `yaml:"uses"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// TestCIWorkflow checks docs/ci/github-actions.yml, the job docs/ci.md
// walks through: it parses, it builds a binary (never go run), and every
// wrtcbench command line in it names a command, only flags that command
// has (each given a value when it takes one), and scenario files that exist
// and are valid.
func TestCIWorkflow(t *testing.T) {
	data, err := os.ReadFile("../../docs/ci/github-actions.yml")
	require.NoError(t, err)
	var wf workflow
	require.NoError(t, yaml.Unmarshal(data, &wf), "the workflow parses")
	require.NotEmpty(t, wf.Jobs)
	var lines []string
	built := false
	for _, job := range wf.Jobs {
		require.NotEmpty(t, job.Steps)
		for _, st := range job.Steps {
			assert.True(t, st.Run != "" || st.Uses != "", "step %q runs or uses something", st.Name)
			assert.NotContains(t, st.Run, "go run", "step %q: a CI job uses a built binary; go run turns every exit code into 1", st.Name)
			built = built || strings.Contains(st.Run, "go build -o bin/wrtcbench ./cmd/wrtcbench")
			lines = append(lines, invocations(st.Run)...)
		}
	}
	assert.True(t, built, "the workflow builds bin/wrtcbench")
	require.NotEmpty(t, lines, "the workflow runs wrtcbench")
	seen := map[string]bool{}
	for _, line := range lines {
		args := shellWords(line)
		require.NotEmpty(t, args, line)
		cmd := args[0]
		seen[cmd] = true
		t.Run(line, func(t *testing.T) {
			flags := helpFlags(t, cmd)
			var pos []string
			for i := 1; i < len(args); i++ {
				a := args[i]
				if !strings.HasPrefix(a, "--") {
					pos = append(pos, a)
					continue
				}
				name, _, hasValue := strings.Cut(strings.TrimPrefix(a, "--"), "=")
				takes, ok := flags[name]
				if !assert.True(t, ok, "wrtcbench %s has no flag --%s", cmd, name) {
					continue
				}
				if takes && !hasValue {
					i++
					assert.Less(t, i, len(args), "--%s needs a value", name)
				}
			}
			switch cmd {
			case "run", "validate", "plan":
				var out, errb bytes.Buffer
				code := run(append([]string{"validate"}, scenarioFiles(t, pos)...), nil, &out, &errb)
				assert.Equal(t, exitOK, code, "the scenarios of %q are valid: %s", line, errb.String())
			}
		})
	}
	for _, cmd := range []string{"run", "compare", "validate"} {
		assert.True(t, seen[cmd], "the workflow shows wrtcbench %s", cmd)
	}
}

// invocations returns the wrtcbench command lines of a step's script, each
// without the binary's name and cut at a shell operator.
func invocations(script string) []string {
	script = strings.ReplaceAll(script, "\\\n", " ")
	var out []string
	for _, line := range strings.Split(script, "\n") {
		for {
			i := strings.Index(line, "bin/wrtcbench ")
			if i < 0 {
				break
			}
			built := strings.HasSuffix(strings.TrimSpace(line[:i]), "-o") // go build -o bin/wrtcbench
			line = line[i+len("bin/wrtcbench "):]
			if built {
				continue
			}
			cmd := line
			for _, op := range []string{" && ", " || ", " | ", " >> ", " > ", " 2>", " &", ";"} {
				if j := strings.Index(cmd, op); j >= 0 {
					cmd = cmd[:j]
				}
			}
			out = append(out, strings.TrimSpace(cmd))
		}
	}
	return out
}

// shellWords splits a command line as a POSIX shell would, for the simple
// lines of a workflow: single and double quotes, no expansion.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// helpFlag matches a flag line of a command's --help: "  --name VALUE   text"
// or "  --name   text".
var helpFlag = regexp.MustCompile(`^\s+--([a-z0-9-]+)( [A-Za-z/_]+)?\s{2,}`)

// helpFlags returns the flags wrtcbench CMD --help lists, and whether each
// takes a value.
func helpFlags(t *testing.T, cmd string) map[string]bool {
	t.Helper()
	var out, errb bytes.Buffer
	require.Equal(t, exitOK, run([]string{cmd, "--help"}, nil, &out, &errb), "wrtcbench %s --help: %s", cmd, errb.String())
	flags := map[string]bool{}
	for _, line := range strings.Split(out.String(), "\n") {
		if m := helpFlag.FindStringSubmatch(line); m != nil {
			flags[m[1]] = m[2] != ""
		}
	}
	return flags
}

// scenarioFiles returns the positional arguments that name scenario files,
// as paths from the repository's root, where the workflow runs.
func scenarioFiles(t *testing.T, pos []string) []string {
	var files []string
	for _, p := range pos {
		if strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") {
			f := filepath.Join("..", "..", p)
			_, err := os.Stat(f)
			assert.NoError(t, err, "%s exists", p)
			files = append(files, f)
		}
	}
	return slices.Clip(files)
}
