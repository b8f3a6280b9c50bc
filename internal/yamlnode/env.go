package yamlnode

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// envName matches the NAME of a ${NAME} reference.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expand replaces ${NAME} in every scalar value under n (keys are left
// alone). A value whose reference cannot be expanded is reported here and
// later skipped by the decode functions.
func (d *Decoder) expand(n *yaml.Node, seen map[*yaml.Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	switch n.Kind {
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "$") {
			return
		}
		v, names, errs := expandEnv(n.Value, d.lookup)
		if len(names) > 0 {
			d.envOf[n] = names
		}
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
			d.expand(n.Content[i], seen)
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, c := range n.Content {
			d.expand(c, seen)
		}
	}
}

// expandEnv expands ${NAME} and $$ in s, and returns the names it read. A $
// followed by anything else is kept.
func expandEnv(s string, lookup func(string) (string, bool)) (string, []string, []string) {
	var b strings.Builder
	var names, errs []string
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
				return b.String(), names, errs
			}
			name := s[i+2 : i+end]
			if !envName.MatchString(name) {
				errs = append(errs, fmt.Sprintf("${%s} is not a variable reference; a name has letters, digits and _, and $$ writes a literal $", name))
			} else if v, ok := lookup(name); ok {
				b.WriteString(v)
				names = append(names, name)
			} else {
				errs = append(errs, fmt.Sprintf("${%s} is not set; export it or remove the key", name))
			}
			i += end
		default:
			b.WriteByte('$')
		}
	}
	return b.String(), names, errs
}
