package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// maxParseDepth bounds the nesting parseJSON accepts, as encoding/json does.
const maxParseDepth = 10000

// errTrailing: a value is followed by more than white space.
var errTrailing = errors.New("data after the JSON value")

// parseJSON reads one JSON value, keeping member order, names given twice
// and the text of scalars. It accepts what encoding/json accepts.
func parseJSON(data []byte) (*node, error) {
	p := parser{data: data}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.data) {
		return nil, fmt.Errorf("at byte %d: %w", p.i, errTrailing)
	}
	return n, nil
}

type parser struct {
	data []byte
	i    int
}

func (p *parser) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("at byte %d: "+format, append([]any{p.i}, args...)...)
}

func (p *parser) value(depth int) (*node, error) {
	if depth > maxParseDepth {
		return nil, p.errorf("nested deeper than %d", maxParseDepth)
	}
	p.space()
	if p.i >= len(p.data) {
		return nil, p.errorf("unexpected end of JSON")
	}
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		raw, err := p.str()
		return jRawString(raw), err
	case c == 't', c == 'f', c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if len(p.data)-p.i >= len(lit) && string(p.data[p.i:p.i+len(lit)]) == lit {
				p.i += len(lit)
				if lit == "null" {
					return jNull(), nil
				}
				return jBool(lit == "true"), nil
			}
		}
		return nil, p.errorf("invalid literal")
	default:
		return p.number()
	}
}

func (p *parser) object(depth int) (*node, error) {
	n := jObject()
	p.i++ // {
	p.space()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return n, nil
	}
	for {
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, p.errorf("expected a member name")
		}
		raw, err := p.str()
		if err != nil {
			return nil, err
		}
		var name string
		_ = json.Unmarshal([]byte(raw), &name) // str checked it
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, p.errorf("expected ':'")
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.members = append(n.members, member{name: name, raw: raw, value: v})
		p.space()
		if p.i >= len(p.data) {
			return nil, p.errorf("unexpected end of object")
		}
		switch p.data[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return n, nil
		default:
			return nil, p.errorf("expected ',' or '}'")
		}
	}
}

func (p *parser) array(depth int) (*node, error) {
	n := jArray()
	n.items = []*node{}
	p.i++ // [
	p.space()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return n, nil
	}
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, v)
		p.space()
		if p.i >= len(p.data) {
			return nil, p.errorf("unexpected end of array")
		}
		switch p.data[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return n, nil
		default:
			return nil, p.errorf("expected ',' or ']'")
		}
	}
}

// str reads a string token and returns its exact text, quotes included.
func (p *parser) str() (string, error) {
	start := p.i
	p.i++ // "
	for p.i < len(p.data) {
		switch c := p.data[p.i]; {
		case c == '"':
			p.i++
			raw := string(p.data[start:p.i])
			if !json.Valid(p.data[start:p.i]) {
				return "", fmt.Errorf("at byte %d: invalid string", start)
			}
			return raw, nil
		case c == '\\':
			p.i += 2
		case c < 0x20:
			return "", p.errorf("control character in string")
		default:
			p.i++
		}
	}
	return "", p.errorf("unterminated string")
}

func (p *parser) number() (*node, error) {
	start := p.i
	for p.i < len(p.data) {
		c := p.data[p.i]
		if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			p.i++
			continue
		}
		break
	}
	raw := p.data[start:p.i]
	if len(raw) == 0 || !json.Valid(raw) {
		return nil, fmt.Errorf("at byte %d: invalid number %q", start, raw)
	}
	return jNumber(string(raw)), nil
}

// hasLoneSurrogate reports whether a string of n, a name included, holds a
// \uD800-\uDFFF escape that is not half of a surrogate pair.
func (n *node) hasLoneSurrogate() bool {
	switch n.kind {
	case kString:
		return loneSurrogate(n.raw)
	case kArray:
		return slices.ContainsFunc(n.items, (*node).hasLoneSurrogate)
	case kObject:
		for _, m := range n.members {
			if loneSurrogate(m.raw) || m.value.hasLoneSurrogate() {
				return true
			}
		}
	}
	return false
}

// loneSurrogate scans a JSON string's text for an unpaired surrogate escape.
func loneSurrogate(raw string) bool {
	surrogate := func(i int) (hi, lo bool) {
		if i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
			return false, false
		}
		v, err := strconv.ParseUint(raw[i+2:i+6], 16, 16)
		if err != nil {
			return false, false
		}
		return v >= 0xD800 && v < 0xDC00, v >= 0xDC00 && v < 0xE000
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if hi, lo := surrogate(i); lo {
			return true
		} else if hi {
			if _, lo2 := surrogate(i + 6); !lo2 {
				return true
			}
			i += 11
			continue
		}
		i++ // skip the escaped character
	}
	return false
}
