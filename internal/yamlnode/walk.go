package yamlnode

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Func decodes the value n found at path (e.g. "load.rate"), reporting
// through the Decoder that made it. The decode functions of this package
// return one, bound to where the value goes.
type Func func(n *yaml.Node, path string)

// Field is one allowed key of a mapping and how to decode its value.
type Field struct {
	Name   string
	Decode Func
}

// Mapping decodes the mapping n at path with the given fields, in the order
// error messages list them. An unknown key or a repeated key is an error; a
// key whose value is empty (key: with nothing after it, or ~) counts as
// absent. It reports whether n was a mapping.
func (d *Decoder) Mapping(n *yaml.Node, path string, fields []Field) bool {
	n = deref(n)
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	if n.Kind != yaml.MappingNode {
		d.Fail(n, path, "expected a mapping of %s, got %s", strings.Join(names, ", "), Describe(n))
		return false
	}
	return d.entries(n, path, func(k *yaml.Node, p string) Func {
		for _, f := range fields {
			if f.Name == k.Value {
				return f.Decode
			}
		}
		d.errorf(k, "", "unknown key %q %s; allowed: %s%s", k.Value, where(path), strings.Join(names, ", "), DidYouMean(k.Value, names))
		d.failed = append(d.failed, p)
		return nil
	})
}

// Map decodes the mapping n at path whose keys are data rather than names,
// e.g. status codes: entry is called for every key with a value; what says
// what the mapping holds, for the error when n is not a mapping. A repeated
// key is an error. It reports whether n was a mapping.
func (d *Decoder) Map(n *yaml.Node, path, what string, entry func(key, v *yaml.Node, path string)) bool {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.Fail(n, path, "expected a mapping of %s, got %s", what, Describe(n))
		return false
	}
	return d.entries(n, path, func(k *yaml.Node, _ string) Func {
		return func(v *yaml.Node, p string) { entry(k, v, p) }
	})
}

// entries decodes each key of the mapping n at path with the Func that
// decoder returns for it; decoder reports an unknown key and returns nil. A
// key given twice is reported and its second value left alone. The
// positions of the key and of a scalar value are recorded; a value that is
// empty counts as absent.
func (d *Decoder) entries(n *yaml.Node, path string, decoder func(k *yaml.Node, path string) Func) bool {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		p := join(path, k.Value)
		decode := decoder(k, p)
		if decode == nil {
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.errorf(k, "", "key %q %s is given twice (first at line %d)", k.Value, where(path), line)
			continue
		}
		seen[k.Value] = k.Line
		d.keys[p] = position{k.Line, k.Column}
		if v.Kind == yaml.ScalarNode {
			d.pos[p] = position{v.Line, v.Column} // blocks are located by their key
			if names := d.envOf[v]; names != nil {
				d.envAt[p] = names
			}
		}
		switch {
		case d.unset[v]:
			d.failed = append(d.failed, p) // already reported when expanded
		case !isNull(v):
			decode(v, p)
		}
	}
	return true
}

// Sequence calls item for every element of the list n at path; what says
// what the list holds, for the error when n is not a list. It reports
// whether n was a list.
func (d *Decoder) Sequence(n *yaml.Node, path, what string, item Func) bool {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		d.Fail(n, path, "expected a list of %s, got %s", what, Describe(n))
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

// where names the block at path in messages: "at the top level", "in load".
func where(path string) string {
	if path == "" {
		return "at the top level"
	}
	return "in " + path
}

// join appends a key to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// deref follows YAML aliases to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// Describe says what a node is, for error messages: "a mapping", "a list",
// or a scalar's quoted text.
func Describe(n *yaml.Node) string {
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
