package yamlnode

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

// sample is what the test schema decodes into.
type sample struct {
	Name  string
	On    bool
	Opt   *bool
	Count int
	Big   int64
	Share float64
	Wait  time.Duration
	Rate  units.Rate
	Mode  string
	Tags  []string
	Codes map[string]float64
	Items []string
}

// decodeSample decodes src with a schema that uses every decode function
// and returns the result and the error text.
func decodeSample(t *testing.T, src string, env map[string]string) (sample, string) {
	t.Helper()
	var s sample
	d := NewDecoder("f.yaml", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	root, err := d.Document([]byte(src), "a test file")
	require.NoError(t, err)
	require.NotNil(t, root)
	d.Mapping(root, "", []Field{
		{Name: "name", Decode: d.Str(&s.Name)},
		{Name: "on", Decode: d.Bool(&s.On)},
		{Name: "opt", Decode: d.OptBool(&s.Opt)},
		{Name: "count", Decode: d.Int(&s.Count, 1, nil)},
		{Name: "big", Decode: d.Int64(&s.Big, 0, nil)},
		{Name: "share", Decode: d.Number(&s.Share, "a share is a number from 0 to 1")},
		{Name: "wait", Decode: d.Duration(&s.Wait, true)},
		{Name: "rate", Decode: d.Rate(&s.Rate, false)},
		{Name: "mode", Decode: d.OneOf(&s.Mode, "fast", "slow")},
		{Name: "tags", Decode: d.Strings(&s.Tags)},
		{Name: "codes", Decode: func(n *yaml.Node, path string) {
			s.Codes = map[string]float64{}
			d.Map(n, path, "codes and shares", func(k, v *yaml.Node, p string) {
				var f float64
				d.Number(&f, "a share is a number")(v, p)
				s.Codes[k.Value] = f
			})
		}},
		{Name: "block", Decode: func(n *yaml.Node, path string) {
			d.Mapping(n, path, []Field{{Name: "items", Decode: func(n *yaml.Node, path string) {
				d.Sequence(n, path, "items", func(c *yaml.Node, p string) {
					if v, ok := d.Scalar(c, p, "an item"); ok {
						s.Items = append(s.Items, v)
					}
				})
			}}})
		}},
	})
	if err := d.Err(); err != nil {
		return s, err.Error()
	}
	return s, ""
}

func TestDecodeValues(t *testing.T) {
	s, errs := decodeSample(t, `
name: ${WHO}
on: TRUE
opt: false
count: 3
big: 9000000000
share: .25
wait: 1.5s
rate: 30/m
mode: slow
tags: solo
codes: {a: 0.5, b: 1}
block:
  items: [x, y]
`, map[string]string{"WHO": "ci"})
	require.Empty(t, errs)
	f := false
	assert.Equal(t, sample{Name: "ci", On: true, Opt: &f, Count: 3, Big: 9000000000, Share: 0.25,
		Wait: 1500 * time.Millisecond, Rate: units.Rate{PerSecond: 0.5}, Mode: "slow", Tags: []string{"solo"},
		Codes: map[string]float64{"a": 0.5, "b": 1}, Items: []string{"x", "y"}}, s)
}

func TestDecodeEmptyValuesAreAbsent(t *testing.T) {
	s, errs := decodeSample(t, "name:\nopt: ~\ncount: ${EMPTY}\ntags: []\n", map[string]string{"EMPTY": ""})
	require.Empty(t, errs)
	assert.Nil(t, s.Opt)
	assert.Zero(t, s.Count)
	assert.Equal(t, []string{}, s.Tags, "an empty list is kept, not nil")
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // the whole error text
	}{
		{"unknown key with a suggestion", "nmae: x\n",
			`f.yaml:1:1: unknown key "nmae" at the top level; allowed: name, on, opt, count, big, share, wait, rate, mode, tags, codes, block (did you mean "name"?)`},
		{"unknown nested key", "block: {itmes: [a]}\n",
			`f.yaml:1:9: unknown key "itmes" in block; allowed: items (did you mean "items"?)`},
		{"a key given twice", "name: a\nname: b\n",
			`f.yaml:2:1: key "name" at the top level is given twice (first at line 1)`},
		{"a data key given twice", "codes:\n  a: 1\n  a: 0.5\n",
			`f.yaml:3:3: key "a" in codes is given twice (first at line 2)`},
		{"a block that is not a mapping", "block: [a]\n",
			`f.yaml:1:8: block: expected a mapping of items, got a list`},
		{"data mapping that is a scalar", "codes: 7\n",
			`f.yaml:1:8: codes: expected a mapping of codes and shares, got "7"`},
		{"a list that is a scalar", "block: {items: x}\n",
			`f.yaml:1:16: block.items: expected a list of items, got "x"`},
		{"a scalar that is a mapping", "name: {a: 1}\n",
			`f.yaml:1:7: name: expected a string, got a mapping`},
		{"a list element of the wrong kind", "block:\n  items: [a, [b]]\n",
			`f.yaml:2:14: block.items[1]: expected an item, got a list`},
		{"boolean", "on: yes\n", `f.yaml:1:5: on: "yes" is not a boolean; use true or false`},
		{"whole number", "count: 1.5\n", `f.yaml:1:8: count: "1.5" is not a whole number`},
		{"minimum", "count: 0\n", `f.yaml:1:8: count: 0 is too small; it must be at least 1`},
		{"number", "share: lots\n", `f.yaml:1:8: share: "lots" is not a number; a share is a number from 0 to 1`},
		{"infinite number", "share: .inf\n", `f.yaml:1:8: share: ".inf" is not a number; a share is a number from 0 to 1`},
		{"duration without a unit", "wait: 10\n", `f.yaml:1:7: wait: "10" is not a duration; a duration needs a unit, e.g. 10s or 10ms`},
		{"negative duration", "wait: -1s\n", `f.yaml:1:7: wait: -1s must not be negative`},
		{"zero duration", "wait: 0s\n", `f.yaml:1:7: wait: 0s must be greater than 0`},
		{"rate", "rate: 5/d\n", `f.yaml:1:7: rate: "5/d" is not a rate; use N, N/s, N/m or N/h, e.g. 100/s or 0.5/s`},
		{"zero rate", "rate: 0\n", `f.yaml:1:7: rate: "0" is not a rate: it must be greater than 0`},
		{"one of", "mode: fats\n", `f.yaml:1:7: mode: "fats" is not allowed; use fast or slow (did you mean "fast"?)`},
		{"unset variable", "name: ${NOPE}\n", `f.yaml:1:7: ${NOPE} is not set; export it or remove the key`},
		{"unclosed reference", "name: ${NOPE\n", `f.yaml:1:7: unclosed ${ in "${NOPE"; write ${NAME}, or $$ for a literal $`},
		{"bad variable name", "name: ${1X}\n", `f.yaml:1:7: ${1X} is not a variable reference; a name has letters, digits and _, and $$ writes a literal $`},
		{"every problem, in file order", "wait: x\nblock: {items: x}\non: 2\n", strings.Join([]string{
			`f.yaml:1:7: wait: "x" is not a duration; use a number with a unit: ms, s, m or h, e.g. 500ms, 30s, 2m`,
			`f.yaml:2:16: block.items: expected a list of items, got "x"`,
			`f.yaml:3:5: on: "2" is not a boolean; use true or false`,
		}, "\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := decodeSample(t, tt.src, nil)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestEnvExpansion(t *testing.T) {
	env := map[string]string{"WHO": "ci", "RATE": "5/s"}
	for src, want := range map[string]string{
		"name: ${WHO} ran":        "ci ran",
		"name: cost $$5, $${WHO}": "cost $5, ${WHO}",
		"name: a$b $":             "a$b $",
		`name: "${WHO}"`:          "ci",
	} {
		s, errs := decodeSample(t, src+"\n", env)
		require.Empty(t, errs, src)
		assert.Equal(t, want, s.Name, src)
	}
	s, errs := decodeSample(t, "rate: ${RATE}\n", env)
	require.Empty(t, errs)
	assert.Equal(t, 5.0, s.Rate.PerSecond, "a value is read after expansion")
	s, errs = decodeSample(t, "${WHO}: x\n", env)
	assert.Contains(t, errs, `unknown key "${WHO}"`, "keys are never expanded")
}

func TestAliasesAreFollowed(t *testing.T) {
	s, errs := decodeSample(t, "name: &n x\nblock: {items: [*n, *n]}\n", nil)
	require.Empty(t, errs)
	assert.Equal(t, []string{"x", "x"}, s.Items)
}

func TestDocument(t *testing.T) {
	d := NewDecoder("f.yaml", nil)
	root, err := d.Document([]byte("# only a comment\n"), "a test file")
	assert.NoError(t, err)
	assert.Nil(t, root, "no document is not an error; the caller decides")

	_, err = d.Document([]byte("a: 1\n---\nb: 2\n"), "a test file")
	assert.EqualError(t, err, "f.yaml:2:1: a second YAML document; a test file holds one document (remove the ---)")

	_, err = d.Document([]byte("a: 1\nb: c: d\n"), "a test file")
	assert.EqualError(t, err, "f.yaml:2: invalid YAML: mapping values are not allowed in this context")
	var e *Error
	assert.True(t, errors.As(err, &e), "a syntax error is an *Error")
}

// TestLocate: problems found after decoding are placed at their value, else
// their key, else the nearest enclosing block, else 1:1; a problem about a
// value that could not be read is left out.
func TestLocate(t *testing.T) {
	d := NewDecoder("f.yaml", nil)
	root, err := d.Document([]byte("a:\n  b: 1\n  c: {d: 2}\n  e: x\nf: 3\n"), "a test file")
	require.NoError(t, err)
	var c, f float64
	d.Mapping(root, "", []Field{
		{Name: "a", Decode: func(n *yaml.Node, p string) {
			d.Mapping(n, p, []Field{
				{Name: "b", Decode: func(*yaml.Node, string) {}},
				{Name: "c", Decode: func(*yaml.Node, string) {}},
				{Name: "e", Decode: d.Number(&c, "e is a number")},
			})
		}},
		{Name: "f", Decode: d.Number(&f, "f is a number")},
	})
	var p Problems
	p.Add("a.b", "at the value")
	p.Add("a.c", "at the key of a block")
	p.Add("a.c.z", "at the nearest block")
	p.Add("z", "nowhere")
	p.Add("a.e", "not repeated: the value failed")
	p.Add("a", "not repeated: holds a value that failed")
	d.Locate(p)
	assert.Equal(t, strings.Join([]string{
		`f.yaml:1:1: z: nowhere`,
		`f.yaml:2:6: a.b: at the value`,
		`f.yaml:3:3: a.c: at the key of a block`,
		`f.yaml:3:3: a.c.z: at the nearest block`,
		`f.yaml:4:6: a.e: "x" is not a number; e is a number`,
	}, "\n"), d.Err().Error())
}

func TestProblemsWithoutAFile(t *testing.T) {
	var p Problems
	p.Add("b", "second")
	p.Add("a", "first")
	p.Add("", "no path")
	assert.EqualError(t, Join(p), "b: second\na: first\nno path", "no positions: the order they were found in")
	assert.NoError(t, Join(nil))
}

func TestErrorFormat(t *testing.T) {
	assert.Equal(t, "f.yaml:3:9: m", (&Error{File: "f.yaml", Line: 3, Column: 9, Msg: "m"}).Error())
	assert.Equal(t, "f.yaml:3: m", (&Error{File: "f.yaml", Line: 3, Msg: "m"}).Error())
	assert.Equal(t, "f.yaml: m", (&Error{File: "f.yaml", Msg: "m"}).Error())
	assert.Equal(t, "m", (&Error{Msg: "m"}).Error())
}

func TestDidYouMean(t *testing.T) {
	keys := []string{"model", "rate", "stages", "duration", "warmup"}
	assert.Equal(t, ` (did you mean "rate"?)`, DidYouMean("rat", keys))
	assert.Equal(t, ` (did you mean "warmup"?)`, DidYouMean("wramup", keys), "a transposition is one edit")
	assert.Equal(t, "", DidYouMean("zzzzzz", keys), "nothing close: no suggestion")
	assert.Equal(t, "", DidYouMean("r", keys), "no suggestion for fewer characters than edits")
}

func TestOrList(t *testing.T) {
	assert.Equal(t, "a", OrList([]string{"a"}))
	assert.Equal(t, "a or b", OrList([]string{"a", "b"}))
	assert.Equal(t, "a, b or c", OrList([]string{"a", "b", "c"}))
}
