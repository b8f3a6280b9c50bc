package contract

import (
	"encoding/json"
	"strconv"
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

// bodyMutationSpace lists every (where, kind) pair the body generator can
// make against k: each kind at each place of the schema it applies to.
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

// pathMutationSpace lists every (where, kind) pair the path generator can
// make: each kind for each parameter of the path.
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
