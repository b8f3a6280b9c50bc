package contract

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// node is one JSON value as the generator writes it and the shrinker reads
// it back: an object keeps its members in order, a name given twice
// included, and a scalar keeps its exact text ("\ud800" stays six
// characters, 1e308 stays 1e308), so that rendering a node gives back the
// bytes it was parsed from, minus white space.
type node struct {
	kind    nodeKind
	raw     string   // a scalar's JSON text
	members []member // an object's members, in order
	items   []*node  // an array's items
}

// member is one name and value of an object.
type member struct {
	name  string // decoded
	raw   string // the name's JSON text, quotes included
	value *node
}

type nodeKind uint8

const (
	kNull nodeKind = iota
	kBool
	kNumber
	kString
	kArray
	kObject
)

// JSON type names, as a schema's type keyword writes them.
func (k nodeKind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// Constructors of generated values.

func jNull() *node              { return &node{kind: kNull, raw: "null"} }
func jBool(b bool) *node        { return &node{kind: kBool, raw: strconv.FormatBool(b)} }
func jNumber(text string) *node { return &node{kind: kNumber, raw: text} }
func jString(s string) *node    { return &node{kind: kString, raw: quoteJSON(s)} }
func jRawString(raw string) *node {
	return &node{kind: kString, raw: raw}
}
func jArray(items ...*node) *node { return &node{kind: kArray, items: items} }
func jObject() *node              { return &node{kind: kObject} }

// set appends the member name: value.
func (n *node) set(name string, v *node) *node {
	n.members = append(n.members, member{name: name, raw: quoteJSON(name), value: v})
	return n
}

// get returns the last member called name, as encoding/json reads a name
// given twice, or nil.
func (n *node) get(name string) *node {
	for i := len(n.members) - 1; i >= 0; i-- {
		if n.members[i].name == name {
			return n.members[i].value
		}
	}
	return nil
}

// clone returns a deep copy of n.
func (n *node) clone() *node {
	c := &node{kind: n.kind, raw: n.raw}
	if n.members != nil {
		c.members = make([]member, len(n.members))
		for i, m := range n.members {
			c.members[i] = member{name: m.name, raw: m.raw, value: m.value.clone()}
		}
	}
	if n.items != nil {
		c.items = make([]*node, len(n.items))
		for i, it := range n.items {
			c.items[i] = it.clone()
		}
	}
	return c
}

// appendJSON appends n as compact JSON.
func (n *node) appendJSON(b []byte) []byte {
	switch n.kind {
	case kArray:
		b = append(b, '[')
		for i, it := range n.items {
			if i > 0 {
				b = append(b, ',')
			}
			b = it.appendJSON(b)
		}
		return append(b, ']')
	case kObject:
		b = append(b, '{')
		for i, m := range n.members {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, m.raw...)
			b = append(b, ':')
			b = m.value.appendJSON(b)
		}
		return append(b, '}')
	default:
		return append(b, n.raw...)
	}
}

// size returns the length of n's JSON text without rendering it.
func (n *node) size() int {
	switch n.kind {
	case kArray:
		s := 2 + max(len(n.items)-1, 0)
		for _, it := range n.items {
			s += it.size()
		}
		return s
	case kObject:
		s := 2 + max(len(n.members)-1, 0)
		for _, m := range n.members {
			s += len(m.raw) + 1 + m.value.size()
		}
		return s
	default:
		return len(n.raw)
	}
}

// hasDuplicateNames reports whether some object in n gives a name twice.
func (n *node) hasDuplicateNames() bool {
	switch n.kind {
	case kArray:
		for _, it := range n.items {
			if it.hasDuplicateNames() {
				return true
			}
		}
	case kObject:
		for i, m := range n.members {
			for _, o := range n.members[:i] {
				if o.name == m.name {
					return true
				}
			}
			if m.value.hasDuplicateNames() {
				return true
			}
		}
	}
	return false
}

// value returns n as encoding/json decodes JSON into an any with UseNumber:
// maps, slices, strings, json.Number, bools and nil. Of a name given
// twice, the last value counts (as encoding/json reads it) or, with
// firstWins, the first.
func (n *node) value(firstWins bool) any {
	switch n.kind {
	case kNull:
		return nil
	case kBool:
		return n.raw == "true"
	case kNumber:
		return json.Number(n.raw)
	case kString:
		if inner := n.raw[1 : len(n.raw)-1]; !strings.ContainsRune(inner, '\\') && utf8.ValidString(inner) {
			return inner // nothing to unescape
		}
		var s string
		if err := json.Unmarshal([]byte(n.raw), &s); err != nil {
			panic(fmt.Sprintf("contract: string node %q: %v", n.raw, err)) // the parser and the constructors write valid strings
		}
		return s
	case kArray:
		out := make([]any, len(n.items))
		for i, it := range n.items {
			out[i] = it.value(firstWins)
		}
		return out
	default:
		out := make(map[string]any, len(n.members))
		for _, m := range n.members {
			if _, seen := out[m.name]; seen && firstWins {
				continue
			}
			out[m.name] = m.value.value(firstWins)
		}
		return out
	}
}

// stringValue returns a string node's decoded text.
func (n *node) stringValue() string {
	s, _ := n.value(false).(string)
	return s
}

// quoteJSON returns s as a JSON string, escaping only what JSON requires
// (encoding/json would also turn <, > and & into \u003c and the like).
func quoteJSON(s string) string {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		plain = s[i] >= 0x20 && s[i] != '"' && s[i] != '\\' && s[i] < utf8.RuneSelf
	}
	if plain {
		return `"` + s + `"`
	}
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r < 0x20:
			b = fmt.Appendf(b, `\u%04x`, r)
		default:
			b = append(b, string(r)...)
		}
	}
	return string(append(b, '"'))
}
