package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/wrtcbench/wrtcbench/internal/threshold"
)

// Load reads and parses the scenario file at path, expanding ${NAME} from the
// process environment. See Parse.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, os.LookupEnv)
}

// Parse decodes a scenario file, applies defaults and validates it. file names
// the source in error messages. ${NAME} in any scalar value is replaced by
// lookupEnv(NAME) (nil means an empty environment), and $$ stands for a
// literal $; an unset variable is an error.
//
// The error, if any, joins one *Error per problem found, each on one line
// that starts with file:line:column.
func Parse(file string, data []byte, lookupEnv func(string) (string, bool)) (*Scenario, error) {
	if lookupEnv == nil {
		lookupEnv = func(string) (string, bool) { return "", false }
	}
	d := &decoder{file: file, pos: map[string]position{}, keys: map[string]position{}, unset: map[*yaml.Node]bool{}}
	root, err := d.document(data)
	if err != nil {
		return nil, err
	}
	d.expand(root, lookupEnv, map[*yaml.Node]bool{})
	s := &Scenario{File: file}
	d.scenario(root, s)
	s.ApplyDefaults()
	for _, e := range s.check() {
		if d.rootFailed || d.failedNear(e.Path) {
			continue // the value itself was already reported as unreadable
		}
		e.File = file
		e.Line, e.Column = d.at(e.Path)
		d.errs = append(d.errs, e)
	}
	if err := joinErrors(d.errs); err != nil {
		return nil, err
	}
	return s, nil
}

// position is a line and column in the file, both 1-based.
type position struct{ line, col int }

// decoder walks a YAML node tree into a Scenario, collecting every error.
type decoder struct {
	file   string
	errs   []*Error
	pos    map[string]position // path → position of its value
	keys   map[string]position // path → position of its key
	failed []string            // paths whose values could not be read
	unset  map[*yaml.Node]bool // scalars whose ${NAME} could not be expanded
	// rootFailed is set when the file is not a mapping, so nothing else is checked.
	rootFailed bool
}

// yamlLine extracts the line from a yaml.v3 syntax error.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document parses data into its single root node.
func (d *decoder) document(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: d.file, Line: 1, Column: 1, Msg: "the file is empty; a scenario needs at least name, load and mix"}
		}
		return nil, d.syntaxError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: d.file, Line: extra.Line, Column: extra.Column,
			Msg: "a second YAML document; a scenario file holds one document (remove the ---)"}
	} else if !errors.Is(err, io.EOF) {
		return nil, d.syntaxError(err)
	}
	return doc.Content[0], nil
}

// syntaxError turns a yaml.v3 parse error into an *Error with its line.
func (d *decoder) syntaxError(err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: d.file, Line: line, Msg: "invalid YAML: " + m[2]}
	}
	return &Error{File: d.file, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// errorf records an error at node n about the value at path.
func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: n.Line, Column: n.Column, Path: path, Msg: msg})
}

// fail records an error about an unreadable value; semantic checks on the
// same path are then not reported.
func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.errorf(n, path, format, args...)
	d.failed = append(d.failed, path)
}

// failedNear reports whether path, an ancestor or a descendant of it failed to read.
func (d *decoder) failedNear(path string) bool {
	for _, f := range d.failed {
		if f == path || isUnder(f, path) || isUnder(path, f) {
			return true
		}
	}
	return false
}

// isUnder reports whether path lies inside parent (load.rate is under load).
func isUnder(path, parent string) bool {
	return strings.HasPrefix(path, parent) && len(path) > len(parent) &&
		(path[len(parent)] == '.' || path[len(parent)] == '[')
}

// at returns the position for path: its value, else its key, else the nearest
// enclosing path that has one, else 1:1.
func (d *decoder) at(path string) (line, col int) {
	for p := path; ; {
		if pos, ok := d.pos[p]; ok {
			return pos.line, pos.col
		}
		if pos, ok := d.keys[p]; ok {
			return pos.line, pos.col
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			return 1, 1
		}
		p = p[:i]
	}
}

// envRef matches a ${NAME} reference.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expand replaces ${NAME} in every scalar value under n (keys are left alone).
func (d *decoder) expand(n *yaml.Node, lookup func(string) (string, bool), seen map[*yaml.Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	switch n.Kind {
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "$") {
			return
		}
		v, errs := expandEnv(n.Value, lookup)
		for _, msg := range errs {
			d.errs = append(d.errs, &Error{File: d.file, Line: n.Line, Column: n.Column, Msg: msg})
			d.unset[n] = true
		}
		n.Value = v
		if n.Style == 0 {
			n.Tag = "" // let the expanded plain value resolve its own type
		}
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			d.expand(n.Content[i], lookup, seen)
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, c := range n.Content {
			d.expand(c, lookup, seen)
		}
	}
}

// expandEnv expands ${NAME} and $$ in s. A $ followed by anything else is kept.
func expandEnv(s string, lookup func(string) (string, bool)) (string, []string) {
	var b strings.Builder
	var errs []string
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				errs = append(errs, fmt.Sprintf("unclosed ${ in %q; write ${NAME}, or $$ for a literal $", s))
				b.WriteString(s[i:])
				return b.String(), errs
			}
			name := s[i+2 : i+end]
			if !envName.MatchString(name) {
				errs = append(errs, fmt.Sprintf("${%s} is not a variable reference; a name has letters, digits and _, and $$ writes a literal $", name))
			} else if v, ok := lookup(name); ok {
				b.WriteString(v)
			} else {
				errs = append(errs, fmt.Sprintf("${%s} is not set; export it or remove the key", name))
			}
			i += end
		default:
			b.WriteByte('$')
		}
	}
	return b.String(), errs
}

// field is one allowed key of a mapping and how to decode its value.
type field struct {
	name   string
	decode func(v *yaml.Node, path string)
}

// deref follows YAML aliases to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// kindName says what a node is, for error messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

// isNull reports whether n is an empty value (key: with nothing after it, or ~).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// mapping decodes the mapping n at path with the given fields. where names the
// block in messages ("in load", "at the top level"). Null values count as absent.
func (d *decoder) mapping(n *yaml.Node, path, where string, fields []field) bool {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected a mapping of %s, got %s", fieldNames(fields), kindName(n))
		return false
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		f, ok := lookupField(fields, k.Value)
		if !ok {
			names := make([]string, len(fields))
			for j, f := range fields {
				names[j] = f.name
			}
			d.errorf(k, "", "unknown key %q %s; allowed: %s%s", k.Value, where, strings.Join(names, ", "), didYouMean(k.Value, names))
			d.failed = append(d.failed, join(path, k.Value))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.errorf(k, "", "key %q %s is given twice (first at line %d)", k.Value, where, line)
			continue
		}
		seen[k.Value] = k.Line
		p := join(path, k.Value)
		d.keys[p] = position{k.Line, k.Column}
		if v.Kind == yaml.ScalarNode {
			d.pos[p] = position{v.Line, v.Column} // blocks are located by their key
		}
		switch {
		case d.unset[v]:
			d.failed = append(d.failed, p) // already reported by expand
		case !isNull(v):
			f.decode(v, p)
		}
	}
	return true
}

func lookupField(fields []field, name string) (field, bool) {
	for _, f := range fields {
		if f.name == name {
			return f, true
		}
	}
	return field{}, false
}

func fieldNames(fields []field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// join appends a key to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// sequence calls item for every element of the list n at path.
func (d *decoder) sequence(n *yaml.Node, path, what string, item func(v *yaml.Node, path string)) bool {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "expected a list of %s, got %s", what, kindName(n))
		return false
	}
	for i, c := range n.Content {
		c = deref(c)
		p := fmt.Sprintf("%s[%d]", path, i)
		d.pos[p] = position{c.Line, c.Column}
		if d.unset[c] {
			d.failed = append(d.failed, p)
			continue
		}
		item(c, p)
	}
	return true
}

// scalar returns the value of a scalar node, or reports what was expected.
func (d *decoder) scalar(n *yaml.Node, path, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "expected %s, got %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

// str decodes a string into dst. Any scalar is accepted as its text.
func (d *decoder) str(dst *string) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		if v, ok := d.scalar(n, path, "a string"); ok {
			*dst = v
		}
	}
}

// boolean decodes true or false into dst.
func (d *decoder) boolean(dst *bool) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		v, ok := d.scalar(n, path, "true or false")
		if !ok {
			return
		}
		switch strings.ToLower(v) {
		case "true":
			*dst = true
		case "false":
			*dst = false
		default:
			d.fail(n, path, "%q is not a boolean; use true or false", v)
		}
	}
}

// optBool decodes true or false into a *bool that records presence.
func (d *decoder) optBool(dst **bool) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		var b bool
		before := len(d.errs)
		d.boolean(&b)(n, path)
		if len(d.errs) == before {
			*dst = &b
		}
	}
}

// integer decodes a base-10 integer of at least min into dst; set, if not nil,
// records that the key was given.
func (d *decoder) integer(dst *int64, min int64, set *bool) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		v, ok := d.scalar(n, path, "a whole number")
		if !ok {
			return
		}
		i, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			d.fail(n, path, "%q is not a whole number", v)
			return
		}
		if i < min {
			d.fail(n, path, "%d is too small; it must be at least %d", i, min)
			return
		}
		*dst = i
		if set != nil {
			*set = true
		}
	}
}

// intField adapts integer to an int destination.
func (d *decoder) intField(dst *int, min int64, set *bool) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		var v int64
		ok := false
		d.integer(&v, min, &ok)(n, path)
		if ok {
			*dst = int(v)
			if set != nil {
				*set = true
			}
		}
	}
}

// duration decodes a Go duration into dst. positive requires it to be > 0.
func (d *decoder) duration(dst *time.Duration, positive bool) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		v, ok := d.scalar(n, path, "a duration such as 30s")
		if !ok {
			return
		}
		t, err := time.ParseDuration(v)
		if err != nil {
			hint := "use a number with a unit: ms, s, m or h, e.g. 500ms, 30s, 2m"
			if _, nerr := strconv.ParseFloat(v, 64); nerr == nil {
				hint = fmt.Sprintf("a duration needs a unit, e.g. %ss or %sms", v, v)
			}
			d.fail(n, path, "%q is not a duration; %s", v, hint)
			return
		}
		switch {
		case t < 0:
			d.fail(n, path, "%s must not be negative", v)
		case positive && t == 0:
			d.fail(n, path, "%s must be greater than 0", v)
		default:
			*dst = t
		}
	}
}

// rate decodes a rate into dst; zero is allowed only when allowZero.
func (d *decoder) rate(dst *Rate, allowZero bool) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		v, ok := d.scalar(n, path, "a rate such as 100/s")
		if !ok {
			return
		}
		parse := ParseRate
		if allowZero {
			parse = parseRate
		}
		r, err := parse(v)
		if err != nil {
			d.fail(n, path, "%s", err)
			return
		}
		*dst = r
	}
}

// oneOf decodes a string that must be one of allowed.
func (d *decoder) oneOf(dst *string, allowed ...string) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		v, ok := d.scalar(n, path, orList(allowed))
		if !ok {
			return
		}
		for _, a := range allowed {
			if v == a {
				*dst = v
				return
			}
		}
		d.fail(n, path, "%q is not allowed; use %s%s", v, orList(allowed), didYouMean(v, allowed))
	}
}

// orList formats options as "a, b or c".
func orList(options []string) string {
	if len(options) < 2 {
		return strings.Join(options, "")
	}
	return strings.Join(options[:len(options)-1], ", ") + " or " + options[len(options)-1]
}

// strList decodes a list of strings, or a single string, into dst; an empty
// list gives a non-nil empty slice.
func (d *decoder) strList(dst *[]string) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		out := []string{}
		if n.Kind == yaml.ScalarNode {
			*dst = append(out, n.Value)
			return
		}
		d.sequence(n, path, "strings", func(c *yaml.Node, p string) {
			if v, ok := d.scalar(c, p, "a string"); ok {
				out = append(out, v)
			}
		})
		*dst = out
	}
}

// Allowed keys of each block, in the order messages list them.
var (
	topKeys      = []string{"name", "description", "target", "fixtures", "load", "mix", "thresholds"}
	loadKeyOrder = []string{"model", "rate", "stages", "duration", "requests", "warmup", "max_in_flight", "on_saturation", "concurrency", "seed", "think_time", "slack"}
)

// scenario decodes the root mapping.
func (d *decoder) scenario(n *yaml.Node, s *Scenario) {
	d.pos[""] = position{n.Line, n.Column}
	if n.Kind != yaml.MappingNode {
		d.fail(n, "", "a scenario file is a mapping with the keys %s; got %s", strings.Join(topKeys, ", "), kindName(n))
		d.rootFailed = true
		return
	}
	defer func() {
		if _, ok := d.keys["load"]; !ok {
			d.fail(n, "load", "required; e.g. load: {rate: 10/s, duration: 10s}")
		}
	}()
	d.mapping(n, "", "at the top level", []field{
		{"name", d.str(&s.Name)},
		{"description", d.str(&s.Description)},
		{"target", func(v *yaml.Node, p string) { d.target(v, p, &s.Target) }},
		{"fixtures", func(v *yaml.Node, p string) { d.fixtures(v, p, &s.Fixtures) }},
		{"load", func(v *yaml.Node, p string) { d.load(v, p, &s.Load) }},
		{"mix", func(v *yaml.Node, p string) { d.mix(v, p, &s.Mix) }},
		{"thresholds", func(v *yaml.Node, p string) { d.thresholds(v, p, &s.Thresholds) }},
	})
}

func (d *decoder) target(n *yaml.Node, path string, t *Target) {
	d.mapping(n, path, "in target", []field{
		{"url", func(v *yaml.Node, p string) {
			d.str(&t.URL)(v, p)
			if t.URL != Embedded {
				t.URL = strings.TrimRight(t.URL, "/")
			}
		}},
		{"account_id", d.str(&t.AccountID)},
		{"username", d.str(&t.Username)},
		{"password", d.str(&t.Password)},
		{"timeout", d.duration(&t.Timeout, true)},
		{"http2", d.oneOf(&t.HTTP2, "auto", "on", "off")},
		{"engine", d.oneOf(&t.Engine, "auto", "nethttp")},
		{"tls", func(v *yaml.Node, p string) {
			d.mapping(v, p, "in target.tls", []field{
				{"insecure_skip_verify", d.boolean(&t.TLS.InsecureSkipVerify)},
				{"ca_file", d.str(&t.TLS.CAFile)},
			})
		}},
		{"allow_production", d.boolean(&t.AllowProduction)},
		{"embedded", func(v *yaml.Node, p string) {
			if v.Kind != yaml.MappingNode {
				d.fail(v, p, "expected a mapping that configures the reference server, got %s", kindName(v))
				return
			}
			t.Embedded = v
		}},
	})
}

func (d *decoder) fixtures(n *yaml.Node, path string, f *Fixtures) {
	d.mapping(n, path, "in fixtures", []field{
		{"mode", d.oneOf(&f.Mode, "create", "static")},
		{"sessions", d.intField(&f.Sessions, 1, nil)},
		{"participants_per_session", d.intField(&f.ParticipantsPerSession, 1, nil)},
		{"publishers_per_session", d.intField(&f.PublishersPerSession, 0, &f.PublishersSet)},
		{"aliases", d.strList(&f.Aliases)},
		{"seat", d.optBool(&f.Seat)},
		{"cleanup", d.optBool(&f.Cleanup)},
		{"rate", d.rate(&f.Rate, false)},
		{"concurrency", d.intField(&f.Concurrency, 1, nil)},
		{"static", func(v *yaml.Node, p string) {
			f.Static = []StaticSession{}
			d.sequence(v, p, "sessions", func(c *yaml.Node, p string) {
				var ss StaticSession
				d.mapping(c, p, "in "+p, []field{
					{"session", d.str(&ss.Session)},
					{"participants", d.strList(&ss.Participants)},
					{"publishers", d.strList(&ss.Publishers)},
				})
				f.Static = append(f.Static, ss)
			})
		}},
	})
}

func (d *decoder) load(n *yaml.Node, path string, l *LoadSpec) {
	fields := map[string]func(*yaml.Node, string){
		"model": d.oneOf(&l.Model, "open", "closed"),
		"rate":  d.rate(&l.Rate, false),
		"stages": func(v *yaml.Node, p string) {
			l.Stages = []Stage{}
			d.sequence(v, p, "stages {duration, rate}", func(c *yaml.Node, p string) {
				var st Stage
				got := map[string]bool{}
				ok := d.mapping(c, p, "in "+p, []field{
					{"duration", func(v *yaml.Node, p string) { got["duration"] = true; d.duration(&st.Duration, true)(v, p) }},
					{"rate", func(v *yaml.Node, p string) { got["rate"] = true; d.rate(&st.Rate, true)(v, p) }},
				})
				for _, k := range []string{"duration", "rate"} {
					if ok && !got[k] {
						d.fail(c, p, "a stage needs %s; write e.g. {duration: 30s, rate: 100/s}", k)
					}
				}
				l.Stages = append(l.Stages, st)
			})
		},
		"duration":      d.duration(&l.Duration, true),
		"requests":      d.integer(&l.Requests, 1, nil),
		"warmup":        d.duration(&l.Warmup, false),
		"max_in_flight": d.intField(&l.MaxInFlight, 1, nil),
		"on_saturation": d.oneOf(&l.OnSaturation, "queue", "drop"),
		"concurrency":   d.intField(&l.Concurrency, 1, nil),
		"seed": func(v *yaml.Node, p string) {
			s, ok := d.scalar(v, p, "a whole number")
			if !ok {
				return
			}
			seed, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				d.fail(v, p, "%q is not a seed; use a whole number from 0 to %d", s, uint64(1<<64-1))
				return
			}
			l.Seed, l.SeedSet = seed, true
		},
		"think_time": d.duration(&l.ThinkTime, false),
		"slack": func(n *yaml.Node, path string) {
			d.duration(&l.Slack, false)(n, path)
			l.SlackSet = true
		},
	}
	list := make([]field, len(loadKeyOrder))
	for i, k := range loadKeyOrder {
		list[i] = field{k, fields[k]}
	}
	d.mapping(n, path, "in load", list)
}

func (d *decoder) mix(n *yaml.Node, path string, mix *[]MixEntry) {
	*mix = []MixEntry{}
	d.sequence(n, path, "cases {case, weight, expect}", func(c *yaml.Node, p string) {
		e := MixEntry{Line: c.Line}
		d.mapping(c, p, "in "+p, []field{
			{"case", d.str(&e.Case)},
			{"weight", func(v *yaml.Node, p string) {
				s, ok := d.scalar(v, p, "a number greater than 0")
				if !ok {
					return
				}
				w, err := parseNumber(s)
				switch {
				case err != nil:
					d.fail(v, p, "%q is not a number; a weight is a number greater than 0, e.g. 70", s)
				case w <= 0:
					d.fail(v, p, "%s must be greater than 0; remove the entry to leave the case out", s)
				default:
					e.Weight = w
				}
			}},
			{"expect", func(v *yaml.Node, p string) {
				e.Expect = []int{}
				code := func(c *yaml.Node, p string) {
					var i int
					ok := false
					d.intField(&i, 100, &ok)(c, p)
					if ok && i > 599 {
						d.fail(c, p, "%d is not an HTTP status; use codes from 100 to 599", i)
						ok = false
					}
					if ok {
						e.Expect = append(e.Expect, i)
					}
				}
				if v.Kind == yaml.ScalarNode {
					code(v, p)
					return
				}
				d.sequence(v, p, "HTTP status codes", code)
			}},
		})
		*mix = append(*mix, e)
	})
}

func (d *decoder) thresholds(n *yaml.Node, path string, ts *[]threshold.Threshold) {
	*ts = []threshold.Threshold{}
	d.sequence(n, path, "threshold expressions such as latency.p99 < 250ms", func(c *yaml.Node, p string) {
		s, ok := d.scalar(c, p, "a threshold expression such as latency.p99 < 250ms")
		if !ok {
			*ts = append(*ts, threshold.Threshold{Line: c.Line})
			return
		}
		t, err := threshold.Parse(s)
		if err != nil {
			d.fail(c, p, "%s", err)
		}
		t.Line = c.Line
		*ts = append(*ts, t) // even when bad, so indexes match the file's
	})
}

// parseNumber parses a finite decimal number.
func parseNumber(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err == nil && (math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "xXpP_")) {
		err = fmt.Errorf("%q is not finite", s)
	}
	return v, err
}
