package yamlnode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Decoder walks one file's node tree, records where each value sits by its
// path, and collects every error. Use one Decoder per file: NewDecoder,
// Document, the decode functions, Locate for the semantic problems, Err.
type Decoder struct {
	file   string
	lookup func(string) (string, bool)
	errs   []*Error
	pos    map[string]position // path → position of its value
	keys   map[string]position // path → position of its key
	failed []string            // paths whose values could not be read
	unset  map[*yaml.Node]bool // scalars whose ${NAME} could not be expanded
	envOf  map[*yaml.Node][]string
	envAt  map[string][]string // path → the variables its value read
}

// position is a line and column in the file, both 1-based.
type position struct{ line, col int }

// NewDecoder returns a Decoder for the file named file (the name errors
// start with). ${NAME} in a scalar value is replaced by lookupEnv(NAME); nil
// means an empty environment.
func NewDecoder(file string, lookupEnv func(string) (string, bool)) *Decoder {
	if lookupEnv == nil {
		lookupEnv = func(string) (string, bool) { return "", false }
	}
	return &Decoder{file: file, lookup: lookupEnv, pos: map[string]position{},
		keys: map[string]position{}, unset: map[*yaml.Node]bool{}, envOf: map[*yaml.Node][]string{}, envAt: map[string][]string{}}
}

// Env returns the environment variables the value at path read through
// ${NAME}, in order; nil when it read none.
func (d *Decoder) Env(path string) []string { return d.envAt[path] }

// yamlLine extracts the line from a yaml.v3 syntax error.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Document parses data, which holds at most one YAML document, and returns
// its root node with ${NAME} expanded in every scalar value (an unset
// variable is recorded as an error of the value, see Err). It returns nil
// and no error when data holds no document: it is empty or only comments.
// what names the kind of file in the error for a second document, e.g.
// "a scenario file". A syntax error or a second document is returned at
// once, as an *Error: nothing else of the file can be trusted.
func (d *Decoder) Document(data []byte, what string) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, d.syntaxError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: d.file, Line: extra.Line, Column: extra.Column,
			Msg: "a second YAML document; " + what + " holds one document (remove the ---)"}
	} else if !errors.Is(err, io.EOF) {
		return nil, d.syntaxError(err)
	}
	root := doc.Content[0]
	d.expand(root, map[*yaml.Node]bool{})
	return root, nil
}

// syntaxError turns a yaml.v3 parse error into an *Error with its line.
func (d *Decoder) syntaxError(err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: d.file, Line: line, Msg: "invalid YAML: " + m[2]}
	}
	return &Error{File: d.file, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// errorf records an error at node n about the value at path; the message
// starts with the path when there is one.
func (d *Decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: n.Line, Column: n.Column, Path: path, Msg: msg})
}

// Fail records an error about a value that could not be read: problems that
// Locate is later given about the same path, a path inside it or one that
// holds it are left out, since they would only repeat it. A failure at the
// empty path (the document itself) leaves out every problem.
func (d *Decoder) Fail(n *yaml.Node, path, format string, args ...any) {
	d.errorf(n, path, format, args...)
	d.failed = append(d.failed, path)
}

// Given reports whether the key at path was written in the file.
func (d *Decoder) Given(path string) bool {
	_, ok := d.keys[path]
	return ok
}

// Locate adds problems found in the decoded values, each placed at its
// path's value, else its key, else the nearest enclosing path written in
// the file, else 1:1. Problems about a value that could not be read are left
// out (see Fail).
func (d *Decoder) Locate(problems []*Error) {
	for _, e := range problems {
		if d.failedNear(e.Path) {
			continue
		}
		e.File = d.file
		e.Line, e.Column = d.at(e.Path)
		d.errs = append(d.errs, e)
	}
}

// Err returns every error recorded so far, in file order, one per line
// (see Join), or nil.
func (d *Decoder) Err() error { return Join(d.errs) }

// failedNear reports whether path, an ancestor or a descendant of it failed to read.
func (d *Decoder) failedNear(path string) bool {
	for _, f := range d.failed {
		if f == "" || f == path || isUnder(f, path) || isUnder(path, f) {
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
func (d *Decoder) at(path string) (line, col int) {
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
