package contract

import (
	"strconv"
	"strings"
)

// loc is one value of a body being mutated, at site site of the schema,
// held by an object or array: parent.members[idx] or parent.items[idx].
// The body itself is held by a one-item array.
type loc struct {
	site   int
	n      *node
	parent *node
	idx    int
}

func (l loc) set(v *node) {
	if l.parent.kind == kObject {
		l.parent.members[l.idx].value = v
	} else {
		l.parent.items[l.idx] = v
	}
}

func (l loc) inObject() bool { return l.parent.kind == kObject }

// locs lists every value of the body in holder that lies at a site of the
// schema; the members the schema does not name are left out.
func (g *Generation) locs(holder *node) []loc {
	var out []loc
	var walk func(si int, n, parent *node, idx int)
	walk = func(si int, n, parent *node, idx int) {
		out = append(out, loc{site: si, n: n, parent: parent, idx: idx})
		switch n.kind {
		case kObject:
			for i, m := range n.members {
				if c := g.rb.child(si, m.name); c >= 0 && m.name != "" {
					walk(c, m.value, n, i)
				}
			}
		case kArray:
			if c := g.rb.child(si, ""); c >= 0 {
				for i, it := range n.items {
					walk(c, it, n, i)
				}
			}
		}
	}
	walk(0, holder.items[0], holder, 0)
	return out
}

// mutateBody applies one mutation: a kind some value of the body admits,
// at one of the values that admit it.
func (g *Generation) mutateBody(p *Pick, holder *node) (Mutation, bool) {
	locs := g.locs(holder)
	var kinds []*bodyKind
	for i := range bodyKinds {
		for _, l := range locs {
			if bodyKinds[i].fits(g, p, l) {
				kinds = append(kinds, &bodyKinds[i])
				break
			}
		}
	}
	if len(kinds) == 0 {
		return Mutation{}, false
	}
	k := kinds[p.Rand.IntN(len(kinds))]
	var at []loc
	for _, l := range locs {
		if k.fits(g, p, l) {
			at = append(at, l)
		}
	}
	l := at[p.Rand.IntN(len(at))]
	k.apply(g, p, l)
	return Mutation{Where: g.rb.sites[l.site].path, Kind: k.name}, true
}

// bodyKind is one kind of body mutation: which values it applies to, and
// what it does to one.
type bodyKind struct {
	name    string
	applies func(g *Generation, p *Pick, l loc) bool
	apply   func(g *Generation, p *Pick, l loc)
	// static reports whether it can apply at a site at all (coverage).
	static func(g *Generation, s site) bool
}

// fits reports whether the kind applies to the value at l: its site admits
// the kind at all, and the value is of a shape the kind can change.
func (k *bodyKind) fits(g *Generation, p *Pick, l loc) bool {
	return k.static(g, g.rb.sites[l.site]) && k.applies(g, p, l)
}

// Body mutation kinds, as reports name them.
const (
	MutWrongType      = "wrong_type"
	MutNull           = "null"
	MutMissing        = "missing"
	MutExtraProperty  = "extra_property"
	MutDuplicateKey   = "duplicate_key"
	MutEmptyArray     = "empty_array"
	MutManyItems      = "many_items"
	MutDuplicateItems = "duplicate_items"
	MutLongString     = "long_string"
	MutHugeString     = "huge_string"
	MutOddString      = "odd_string"
	MutNumberLimit    = "number_limit"
	MutDeepNesting    = "deep_nesting"
	MutNonUUID        = "non_uuid_id"
	MutUnknownID      = "unknown_id"
	MutOtherSession   = "other_session_id"
)

func typed(s site) bool { return s.schema.Type != nil && !s.schema.Type.IsEmpty() }
func isID(s site) bool  { return s.role == roleSession || s.role == roleParticipant }
func hasArray(g *Generation, s site) bool {
	return typed(s) && allows(s.schema, "array")
}
func hasString(s site) bool { return typed(s) && allows(s.schema, "string") }

var bodyKinds = []bodyKind{
	{name: MutWrongType,
		static:  func(_ *Generation, s site) bool { return typed(s) },
		applies: func(g *Generation, _ *Pick, l loc) bool { return typed(g.rb.sites[l.site]) },
		apply: func(g *Generation, p *Pick, l loc) {
			var types []string
			for _, t := range []string{"string", "number", "boolean", "array", "object"} {
				if !allows(g.rb.sites[l.site].schema, t) {
					types = append(types, t)
				}
			}
			l.set(g.ofType(p, types[p.Rand.IntN(len(types))]))
		}},
	{name: MutNull,
		static:  func(*Generation, site) bool { return true },
		applies: func(*Generation, *Pick, loc) bool { return true },
		apply:   func(_ *Generation, _ *Pick, l loc) { l.set(jNull()) }},
	{name: MutMissing,
		static:  func(_ *Generation, s site) bool { return s.name != "" },
		applies: func(_ *Generation, _ *Pick, l loc) bool { return l.inObject() },
		apply: func(_ *Generation, _ *Pick, l loc) {
			l.parent.members = append(l.parent.members[:l.idx], l.parent.members[l.idx+1:]...)
		}},
	{name: MutExtraProperty,
		static: func(_ *Generation, s site) bool { return len(s.schema.Properties) > 0 },
		applies: func(g *Generation, _ *Pick, l loc) bool {
			return l.n.kind == kObject && len(g.rb.sites[l.site].schema.Properties) > 0
		},
		apply: func(g *Generation, p *Pick, l loc) {
			name := extraNames[p.Rand.IntN(len(extraNames))]
			m := member{name: name, raw: quoteJSON(name), value: g.anyValue(p)}
			i := p.Rand.IntN(len(l.n.members) + 1)
			l.n.members = append(l.n.members[:i], append([]member{m}, l.n.members[i:]...)...)
		}},
	{name: MutDuplicateKey,
		static:  func(_ *Generation, s site) bool { return s.name != "" },
		applies: func(_ *Generation, _ *Pick, l loc) bool { return l.inObject() },
		apply: func(g *Generation, p *Pick, l loc) {
			m := l.parent.members[l.idx]
			alt := g.valid(p, l.site)
			if p.Rand.IntN(2) == 0 {
				alt = g.anyValue(p)
			}
			i := l.idx + p.Rand.IntN(2) // before or after the original
			dup := member{name: m.name, raw: m.raw, value: alt}
			l.parent.members = append(l.parent.members[:i], append([]member{dup}, l.parent.members[i:]...)...)
		}},
	{name: MutEmptyArray,
		static:  hasArray,
		applies: func(_ *Generation, _ *Pick, l loc) bool { return l.n.kind == kArray && len(l.n.items) > 0 },
		apply:   func(_ *Generation, _ *Pick, l loc) { l.n.items = []*node{} }},
	{name: MutManyItems,
		static: hasArray,
		applies: func(g *Generation, _ *Pick, l loc) bool {
			return l.n.kind == kArray && hasArray(g, g.rb.sites[l.site]) && g.rb.child(l.site, "") >= 0
		},
		apply: func(g *Generation, p *Pick, l loc) {
			n := []int{21, 21, 50, 100, 1000, manyItemsMax}[p.Rand.IntN(6)]
			if n >= 1000 {
				if g.many >= maxMany {
					n = 100
				} else {
					g.many++
				}
			}
			item := g.rb.child(l.site, "")
			items := make([]*node, n)
			for i := range items {
				if hasString(g.rb.sites[item]) {
					items[i] = jString("item-" + strconv.Itoa(i))
				} else {
					items[i] = g.valid(p, item)
				}
			}
			l.n.items = items
		}},
	{name: MutDuplicateItems,
		static:  hasArray,
		applies: func(_ *Generation, _ *Pick, l loc) bool { return l.n.kind == kArray && len(l.n.items) > 0 },
		apply: func(_ *Generation, p *Pick, l loc) {
			it := l.n.items[p.Rand.IntN(len(l.n.items))].clone()
			i := p.Rand.IntN(len(l.n.items) + 1)
			l.n.items = append(l.n.items[:i], append([]*node{it}, l.n.items[i:]...)...)
		}},
	{name: MutLongString,
		static:  func(_ *Generation, s site) bool { return hasString(s) },
		applies: func(g *Generation, _ *Pick, l loc) bool { return hasString(g.rb.sites[l.site]) },
		apply: func(_ *Generation, p *Pick, l loc) {
			l.set(jString(letters(p, 256<<p.Rand.IntN(6))))
		}},
	{name: MutHugeString,
		static: func(_ *Generation, s site) bool { return hasString(s) },
		applies: func(g *Generation, _ *Pick, l loc) bool {
			return g.huge < maxHuge && hasString(g.rb.sites[l.site])
		},
		apply: func(g *Generation, p *Pick, l loc) {
			g.huge++
			n := MaxBodyBytes + 1 + p.Rand.IntN(256)
			l.set(jString(strings.Repeat("wrtcbench", n/9+1)[:n]))
		}},
	{name: MutOddString,
		static:  func(_ *Generation, s site) bool { return hasString(s) },
		applies: func(g *Generation, _ *Pick, l loc) bool { return hasString(g.rb.sites[l.site]) },
		apply: func(_ *Generation, p *Pick, l loc) {
			if i := p.Rand.IntN(len(oddStrings) + len(oddRaw)); i < len(oddStrings) {
				l.set(jString(oddStrings[i]))
			} else {
				l.set(jRawString(oddRaw[i-len(oddStrings)]))
			}
		}},
	{name: MutNumberLimit,
		static: func(_ *Generation, s site) bool { return typed(s) && !allows(s.schema, "number") },
		applies: func(g *Generation, _ *Pick, l loc) bool {
			s := g.rb.sites[l.site]
			return typed(s) && !allows(s.schema, "number")
		},
		apply: func(_ *Generation, p *Pick, l loc) { l.set(jNumber(numberLimits[p.Rand.IntN(len(numberLimits))])) }},
	{name: MutDeepNesting,
		static:  func(*Generation, site) bool { return true },
		applies: func(*Generation, *Pick, loc) bool { return true },
		apply:   func(_ *Generation, p *Pick, l loc) { l.set(deep(p)) }},
	{name: MutNonUUID,
		static:  func(_ *Generation, s site) bool { return isID(s) },
		applies: func(g *Generation, _ *Pick, l loc) bool { return isID(g.rb.sites[l.site]) },
		apply: func(g *Generation, p *Pick, l loc) {
			base := l.n.stringValue()
			if !isUUID(base) {
				base = p.Session().ID
			}
			l.set(jString(nonUUID(p, base)))
		}},
	{name: MutUnknownID,
		static:  func(_ *Generation, s site) bool { return isID(s) },
		applies: func(g *Generation, _ *Pick, l loc) bool { return isID(g.rb.sites[l.site]) },
		apply:   func(_ *Generation, p *Pick, l loc) { l.set(jString(p.uuid())) }},
	{name: MutOtherSession,
		static: func(_ *Generation, s site) bool { return isID(s) },
		applies: func(g *Generation, p *Pick, l loc) bool {
			return isID(g.rb.sites[l.site]) && len(p.World.Sessions) > 1
		},
		apply: func(g *Generation, p *Pick, l loc) {
			other, _ := p.nextSession()
			if g.rb.sites[l.site].role == roleSession {
				l.set(jString(other.ID))
				return
			}
			l.set(jString(other.Participants[p.Rand.IntN(len(other.Participants))]))
		}},
}

// ofType returns a value of JSON type t.
func (g *Generation) ofType(p *Pick, t string) *node {
	switch t {
	case "string":
		return jString([]string{"wrtcbench", "1", "true", "null", "[]"}[p.Rand.IntN(5)])
	case "number":
		return jNumber([]string{"42", "-1", "0.5", "1e3", "0"}[p.Rand.IntN(5)])
	case "boolean":
		return jBool(p.Rand.IntN(2) == 0)
	case "array":
		if p.Rand.IntN(2) == 0 {
			return jArray()
		}
		return jArray(jString(g.stringFor(p, roleParticipant)))
	default:
		if p.Rand.IntN(2) == 0 {
			return jObject()
		}
		return jObject().set("participantId", jString(g.stringFor(p, roleParticipant)))
	}
}

// anyValue returns a value of any type, for a property the schema does not
// name and for the second value of a name given twice.
func (g *Generation) anyValue(p *Pick) *node {
	switch p.Rand.IntN(8) {
	case 0:
		return jNull()
	case 1:
		return deep(p)
	case 2:
		return jNumber(numberLimits[p.Rand.IntN(len(numberLimits))])
	case 3:
		return jString(oddStrings[p.Rand.IntN(len(oddStrings))])
	default:
		return g.ofType(p, []string{"string", "number", "boolean", "array", "object"}[p.Rand.IntN(5)])
	}
}

// extraNames are the names of properties the schema does not have: near
// misses of real names, names that mean something to JavaScript, the empty
// name.
var extraNames = []string{"extra", "sessionID", "SessionId", "participant_id", "participantIds", "streamAlias",
	"__proto__", "constructor", "", " ", "x-wrtcbench", "sessionId "}

// oddStrings are strings that break naive handling: empty, white space,
// NUL, quotes and backslashes, line breaks, emoji, right-to-left override,
// combining marks, a byte-order mark, CJK, encoded path characters, markup,
// SQL, and words that look like other JSON types.
var oddStrings = []string{"", " ", "\x00", "a\x00b", `"quoted"`, `back\slash`, "line\nbreak", "tab\tstop",
	"😀", "\u202egnirts", "e\u0301", "\ufeffbom", "名前", "%2F%2e%2e", "<b>x</b>", "' OR '1'='1", "null", "true",
	"0", "\u2028", "\x7f"}

// oddRaw are JSON strings whose escapes matter: a lone high and a lone low
// surrogate, a surrogate pair, an escaped solidus and an escaped NUL.
var oddRaw = []string{`"\ud800"`, `"x\udc00"`, `"\ud83d\ude00"`, `"a\/b"`, `"\u0000"`}

// numberLimits are numbers at or past the edges of what decoders hold.
var numberLimits = []string{"0", "-0", "1e308", "-1e308", "1e400", "9007199254740993", "2147483648", "-1",
	"1.5", "4.9e-324", "1E+2", "123456789012345678901234567890"}

// deep returns arrays or objects nested 16, 64 or 512 deep.
func deep(p *Pick) *node {
	depth := []int{16, 64, 512}[p.Rand.IntN(3)]
	n := jString("deep")
	objects := p.Rand.IntN(2) == 0
	for range depth {
		if objects {
			n = jObject().set("a", n)
		} else {
			n = jArray(n)
		}
	}
	return n
}

// letters returns n pseudo-random lowercase letters.
func letters(p *Pick, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(p.Rand.IntN(26))
	}
	return string(b)
}

// nonUUID returns an id that is not a canonical UUID, made from base.
func nonUUID(p *Pick, base string) string {
	forms := []func() string{
		func() string { return strings.ReplaceAll(base, "-", "") },
		func() string { return "{" + base + "}" },
		func() string { return base + "x" },
		func() string { return base[:len(base)-1] },
		func() string { return "urn:uuid:" + base },
		func() string { return " " + base },
		func() string { return "12345" },
		func() string { return "not-a-uuid" },
		func() string { return "00000000-0000-0000-0000-00000000000g" },
	}
	return forms[p.Rand.IntN(len(forms))]()
}
