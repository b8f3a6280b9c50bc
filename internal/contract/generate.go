package contract

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Generation draws the requests of one generated case: a valid request,
// written from the contract's request-body schema and the fixtures, with
// zero or more mutations, and its own expectation (Classify). It counts
// the costly requests it drew (bodies over MaxBodyBytes, arrays of ten
// thousand items) so that a pool of them stays small. It is not safe for
// concurrent use; a plan makes one per case.
type Generation struct {
	k          *Contract    // classifies
	rb         *requestBody // writes: k's schema, or the project's when k's document has none
	huge, many int
}

// The budget of costly requests per Generation.
const (
	maxHuge = 4 // bodies holding a string over MaxBodyBytes
	maxMany = 2 // arrays of 1,000 items or more
)

// manyItemsMax is the longest array the generator writes.
const manyItemsMax = 10000

// NewGeneration returns a Generation for contract k. Where k's document
// describes no request body, bodies are written from the project's schema
// and every one is judged undecided.
func NewGeneration(k *Contract) *Generation {
	rb := k.request
	if rb == nil || rb.schema == nil {
		rb = Default().request
	}
	return &Generation{k: k, rb: rb}
}

func (p *Pick) generation() *Generation {
	if p.Gen == nil {
		p.Gen = NewGeneration(Default())
	}
	return p.Gen
}

// How many mutations a generated request gets: about one in eight is left
// valid, as a control.
var (
	bodyMutationCounts = []int{0, 1, 1, 1, 1, 2, 2, 3}
	pathMutationCounts = []int{0, 1, 1, 1, 1, 1, 2}
)

// buildGeneratedBody draws a body from the request-body schema, mutates it,
// and keeps the path valid.
func buildGeneratedBody(p *Pick) (Draft, error) {
	g := p.generation()
	holder := jArray(g.valid(p, 0))
	var muts []Mutation
	for range bodyMutationCounts[p.Rand.IntN(len(bodyMutationCounts))] {
		if m, ok := g.mutateBody(p, holder); ok {
			muts = append(muts, m)
		}
	}
	d := p.Draft(nil)
	body := holder.items[0]
	d.Body = body.appendJSON(make([]byte, 0, body.size()))
	return g.finish(p, d, body, muts), nil
}

// buildGeneratedPath mutates the ids of the path and their encoding, and
// sends a valid body about the session the path names.
func buildGeneratedPath(p *Pick) (Draft, error) {
	g := p.generation()
	d := p.Draft(nil)
	var muts []Mutation
	for range pathMutationCounts[p.Rand.IntN(len(pathMutationCounts))] {
		if m, ok := mutatePath(p, &d); ok {
			muts = append(muts, m)
		}
	}
	d.Body, d.ContentType = nil, ""
	var body *node
	switch n := p.Rand.IntN(4); {
	case n == 0:
	case n == 1:
		body = jObject()
	case n == 2 || d.Session != p.Session().ID:
		body = jObject().set("sessionId", jString(d.Session))
	default:
		body = jObject().set("sessionId", jString(d.Session))
		subs := jArray()
		for _, q := range p.Others() {
			subs.items = append(subs.items, jObject().set("participantId", jString(q)))
		}
		body.set("participants", subs)
	}
	if body != nil {
		d.Body, d.ContentType = body.appendJSON(nil), "application/json"
	}
	return g.finish(p, d, body, muts), nil
}

// finish classifies d, whose body is tree (nil for none), and records what
// was mutated.
func (g *Generation) finish(p *Pick, d Draft, tree *node, muts []Mutation) Draft {
	e := g.k.classify(d, p.World, tree)
	e.Mutations = muts
	d.Gen = &e
	return d
}

// valid writes a value of site si that the schema admits, its strings
// taken from the fixtures by role.
func (g *Generation) valid(p *Pick, si int) *node {
	s := g.rb.sites[si].schema
	if len(s.Enum) > 0 {
		b, err := json.Marshal(s.Enum[p.Rand.IntN(len(s.Enum))])
		if n, perr := parseJSON(b); err == nil && perr == nil {
			return n
		}
	}
	switch {
	case allows(s, "object") && len(s.Properties) > 0:
		n := jObject()
		for _, ci := range g.rb.children(si) {
			c := g.rb.sites[ci]
			if c.name != "" && (c.required || p.Rand.IntN(10) < 7) {
				n.set(c.name, g.valid(p, ci))
			}
		}
		return n
	case s.Type.Is("array"):
		n := jArray()
		n.items = []*node{}
		item := g.rb.child(si, "")
		if item < 0 {
			return n
		}
		for range p.Rand.IntN(4) {
			v := g.valid(p, item)
			if s.UniqueItems && containsJSON(n.items, v) {
				continue
			}
			n.items = append(n.items, v)
		}
		return n
	case s.Type.Is("integer"):
		return jNumber(strconv.Itoa(p.Rand.IntN(100)))
	case s.Type.Is("number"):
		return jNumber("0.5")
	case s.Type.Is("boolean"):
		return jBool(p.Rand.IntN(2) == 0)
	default:
		return jString(g.stringFor(p, g.rb.sites[si].role))
	}
}

// stringFor returns a valid string of a role, from the fixtures.
func (g *Generation) stringFor(p *Pick, r role) string {
	switch r {
	case roleSession:
		return p.Session().ID
	case roleParticipant:
		if others := p.Others(); len(others) > 0 {
			return others[p.Rand.IntN(len(others))]
		}
		return p.Participant()
	case roleAlias:
		return p.alias()
	}
	return "wrtcbench-" + strconv.Itoa(p.Rand.IntN(1000))
}

func containsJSON(items []*node, v *node) bool {
	t := string(v.appendJSON(nil))
	for _, it := range items {
		if string(it.appendJSON(nil)) == t {
			return true
		}
	}
	return false
}

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

// Path parameters, as mutations name them.
var pathParams = [3]string{"path.accountId", "path.sessionId", "path.participantId"}

// Path mutation kinds, as reports name them (with MutUnknownID, MutNonUUID
// and MutOtherSession).
const (
	MutPercentEncoded = "percent_encoded"
	MutReservedChars  = "reserved_chars"
	MutUnicodeID      = "unicode_id"
	MutLongID         = "long_id"
)

// pathKind is one kind of path mutation.
type pathKind struct {
	name    string
	applies func(p *Pick, param int) bool
	apply   func(p *Pick, d *Draft, param int)
}

// id returns the decoded id of a path parameter of d.
func id(d *Draft, param int) *string {
	return [3]*string{&d.Account, &d.Session, &d.Participant}[param]
}

var pathKinds = []pathKind{
	{name: MutUnknownID, applies: func(*Pick, int) bool { return true },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = ""
			if param == 0 {
				for was := d.Account; d.Account == was; {
					d.Account = "99" + strconv.Itoa(10000+p.Rand.IntN(90000))
				}
				return
			}
			*id(d, param) = p.uuid()
		}},
	{name: MutNonUUID, applies: func(*Pick, int) bool { return true },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = ""
			if param == 0 {
				*id(d, 0) = []string{"abc", "-1", "0x2A", d.Account + ".0", d.Account + " "}[p.Rand.IntN(5)]
				return
			}
			base := *id(d, param)
			if !isUUID(base) {
				base = p.uuid()
			}
			*id(d, param) = nonUUID(p, base)
		}},
	{name: MutPercentEncoded, applies: func(*Pick, int) bool { return true },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = percentEncode(*id(d, param), p.Rand.IntN(2) == 0)
		}},
	{name: MutReservedChars, applies: func(*Pick, int) bool { return true },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = ""
			*id(d, param) += []string{"/x", "?x=1", "#frag", " ", "%", ";v=1", ",x", "+", "&x", "=", "@", ":"}[p.Rand.IntN(12)]
		}},
	{name: MutUnicodeID, applies: func(*Pick, int) bool { return true },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = ""
			*id(d, param) = []string{"séance", "会话", "😀", "Ωmega", "\u202e", "\x00"}[p.Rand.IntN(6)] + "-" + strconv.Itoa(p.Rand.IntN(100))
		}},
	{name: MutLongID, applies: func(*Pick, int) bool { return true },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = ""
			*id(d, param) = letters(p, 1024+p.Rand.IntN(1024))
		}},
	{name: MutOtherSession, applies: func(p *Pick, param int) bool { return param > 0 && len(p.World.Sessions) > 1 },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = ""
			other, _ := p.nextSession()
			if param == 1 {
				d.Session = other.ID
				return
			}
			d.Participant = other.Participants[p.Rand.IntN(len(other.Participants))]
		}},
}

// mutatePath applies one path mutation to d.
func mutatePath(p *Pick, d *Draft) (Mutation, bool) {
	param := p.Rand.IntN(3)
	var kinds []*pathKind
	for i := range pathKinds {
		if pathKinds[i].applies(p, param) {
			kinds = append(kinds, &pathKinds[i])
		}
	}
	k := kinds[p.Rand.IntN(len(kinds))]
	k.apply(p, d, param)
	return Mutation{Where: pathParams[param], Kind: k.name}, true
}

// percentEncode writes every byte of s as %XX, or with some only every
// other one, so that the segment decodes to s.
func percentEncode(s string, all bool) string {
	var b strings.Builder
	for i := range len(s) {
		c := s[i]
		if all || i%2 == 0 || !unreserved(c) {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unreserved reports whether c may stand for itself in a path segment
// (RFC 3986 section 2.3).
func unreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0
}

// mutationSpace lists every (where, kind) pair the generators of the
// body or of the path can make against k.
func bodyMutationSpace(k *Contract) []Mutation {
	g := NewGeneration(k)
	var out []Mutation
	for _, s := range g.rb.sites {
		for _, bk := range bodyKinds {
			if bk.static(g, s) {
				out = append(out, Mutation{Where: s.path, Kind: bk.name})
			}
		}
	}
	return out
}

func pathMutationSpace(*Contract) []Mutation {
	var out []Mutation
	for param, where := range pathParams {
		for _, pk := range pathKinds {
			if pk.name == MutOtherSession && param == 0 {
				continue
			}
			out = append(out, Mutation{Where: where, Kind: pk.name})
		}
	}
	return out
}
