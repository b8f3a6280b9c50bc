package contract

import (
	"fmt"
	"slices"
	"strings"
)

// Expectation is what one generated request expects, and why: the statuses
// the contract allows for it, where that comes from, and what the
// generator changed in a valid request to make it.
type Expectation struct {
	// Expect is the set of statuses the request may get.
	Expect StatusSet
	// Source is Published (the schema or the documentation decides),
	// Project (a documented choice of this project decides) or Undecided
	// (the document does not decide: Expect holds every status a reading
	// of it allows).
	Source Source
	// Why names the rule that decided, or why the document does not.
	Why string
	// Mutations lists what was changed, in the order it was done; none
	// for a valid request.
	Mutations []Mutation
}

// Mutation is one change the generator made to a valid request: where (a
// property path of the request-body schema such as
// "participants[].participantId", "body" for the body itself, or a path
// parameter such as "path.sessionId") and how (a kind such as wrong_type;
// docs/conformance.md lists them).
type Mutation struct {
	Where, Kind string
}

// String returns "where: kind".
func (m Mutation) String() string { return m.Where + ": " + m.Kind }

// MutationText lists ms as "where: kind, where: kind", or "none".
func MutationText(ms []Mutation) string {
	if len(ms) == 0 {
		return "none"
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return strings.Join(parts, ", ")
}

// verdict is what one stage of handling decides about a request: pass
// (only 204), fail (no 204), or maybe (204 and others: the document does
// not decide whether the stage refuses it).
type verdict struct {
	set StatusSet
	src Source
	why string
}

var ok204 = NewStatusSet(204)

func pass(src Source, why string) verdict { return verdict{set: ok204, src: src, why: why} }
func fail(src Source, why string, codes ...int) verdict {
	return verdict{set: NewStatusSet(codes...), src: src, why: why}
}
func maybe(why string, codes ...int) verdict {
	return verdict{set: NewStatusSet(append(codes, 204)...), src: Undecided, why: why}
}

func (v verdict) passes() bool { return v.set == ok204 }
func (v verdict) fails() bool  { return !v.set.Has(204) }

// union returns the codes of a and b.
func union(a, b StatusSet) StatusSet {
	for i := range a.bits {
		a.bits[i] |= b.bits[i]
	}
	return a
}

// combine folds the verdicts of the stages of one request. No stage that
// fails: 204, plus whatever a stage that may refuse could answer. Stages
// that fail: their statuses, plus those of the stages that may refuse; as
// the document orders no two checks, two failing stages may answer either
// status. The source is the least certain of the stages that count.
func combine(vs ...verdict) verdict {
	var out verdict
	var whys []string
	note := func(v verdict) {
		if v.why != "" && !slices.Contains(whys, v.why) {
			whys = append(whys, v.why)
		}
		out.src = max(out.src, v.src)
	}
	var fails []verdict
	for _, v := range vs {
		if v.fails() {
			fails = append(fails, v)
		}
	}
	if len(fails) == 0 {
		out.set = ok204
		for _, v := range vs {
			out.set = union(out.set, v.set)
			if !v.passes() || v.src != Published {
				note(v)
			}
		}
		if len(whys) == 0 {
			whys = append(whys, "a valid request")
		}
		out.why = strings.Join(whys, "; ")
		return out
	}
	for _, f := range fails {
		out.set = union(out.set, f.set)
		note(f)
	}
	decided := out.set
	for _, v := range vs {
		if !v.fails() && !v.passes() {
			rest := v.set
			rest.bits[(204-100)/64] &^= 1 << ((204 - 100) % 64)
			if union(out.set, rest) != out.set {
				out.set = union(out.set, rest)
				note(v)
			}
		}
	}
	if len(fails) > 1 && slices.ContainsFunc(fails, func(f verdict) bool { return f.set != fails[0].set }) {
		out.src = Undecided
		whys = append(whys, "the document does not say which of these problems is reported first")
	}
	if out.set != decided {
		out.src = Undecided
	}
	out.why = strings.Join(whys, "; ")
	return out
}

// Classify says what a request d, drawn from the fixtures w, expects under
// the contract: it applies the documented rules in the order a service
// meets them, the account of the path first, then the body (its size, its
// JSON, the request-body schema, then what it names), then the session and
// participant of the path. A rule this project chose where the API is
// silent counts as Project; where the document does not decide (a name
// given twice, a property the schema does not name, a subscription to
// someone not in the session, an id of no documented format), the request
// expects every status a reading allows, and the source is Undecided.
//
// Against a contract other than the project's own (--contract), a Project
// expectation, or one naming a status the document does not document, is
// widened to the document's documented statuses, as Adapt does for a
// catalogue case.
func (k *Contract) Classify(d Draft, w *World) Expectation {
	return k.classify(d, w, nil)
}

// classify is Classify; tree, when not nil, is d.Body already parsed.
func (k *Contract) classify(d Draft, w *World, tree *node) Expectation {
	var v verdict
	if acct := k.accountVerdict(d, w); !acct.passes() {
		v = acct // the credentials are checked before anything else
	} else {
		v = combine(k.bodyVerdict(d, w, tree), pathVerdict(d, w))
	}
	e := Expectation{Expect: v.set, Source: v.src, Why: v.why}
	return k.relax(e)
}

// relax widens e to the documented statuses where the contract cannot
// hold it to more (see Classify).
func (k *Contract) relax(e Expectation) Expectation {
	why := ""
	switch {
	case k.Source != embeddedSource && e.Source == Project:
		why = "the project's choice, which " + k.Source + " does not state"
	default:
		for _, c := range e.Expect.Codes() {
			if !k.Documented.Has(c) {
				why = fmt.Sprintf("%s does not document %d", k.Source, c)
				break
			}
		}
	}
	if why != "" {
		e.Expect = k.Documented
		e.Why += " (" + why + "; judged on its documented statuses only)"
	}
	return e
}

// accountVerdict: the run's credentials belong to w.Account; another
// account in the path is refused as the error page says (401 no access to
// the account, 403 no access to the API). An account id of no known format
// may also be refused as bad or not found.
func (k *Contract) accountVerdict(d Draft, w *World) verdict {
	switch {
	case d.Account == w.Account:
		return pass(Published, "")
	case isDigits(d.Account):
		return fail(Published, "account "+quoteShort(d.Account)+" is not the credentials' account: "+basisAuth, 401, 403)
	default:
		return fail(Undecided, "account "+quoteShort(d.Account)+" is not the credentials' account and not a number; the document gives account ids no format", 400, 401, 403, 404)
	}
}

// bodyVerdict judges the body: its size, its JSON, each reading of it
// against the schema, then what it names.
func (k *Contract) bodyVerdict(d Draft, w *World, tree *node) verdict {
	if d.Body == nil {
		return pass(Published, "")
	}
	if ct := baseMediaType(d.ContentType); ct != "application/json" {
		return fail(Project, "the body is not declared application/json", 400)
	}
	if len(d.Body) > MaxBodyBytes {
		return fail(Project, fmt.Sprintf("the body has %d bytes, over the project's limit of %d (x-wrtcbench body-limit)", len(d.Body), MaxBodyBytes), 400)
	}
	if tree == nil {
		var err error
		if tree, err = parseJSON(d.Body); err != nil {
			return fail(Published, "the body is not JSON: "+err.Error(), 400)
		}
	}
	v := k.readingVerdict(tree.value(false), d, w)
	if tree.hasDuplicateNames() {
		v = either(v, k.readingVerdict(tree.value(true), d, w),
			fail(Undecided, "the body gives a name twice; JSON leaves which value counts undefined (RFC 8259 section 4)", 400))
	}
	if tree.hasLoneSurrogate() {
		v = either(v, fail(Undecided, "a string holds a lone UTF-16 surrogate escape; RFC 8259 section 8.2 leaves its reading unpredictable", 400))
	}
	return v
}

// either is the verdict on a request the document lets a service read in
// several ways, one verdict per reading: every status of any reading, and
// Undecided unless the readings agree.
func either(vs ...verdict) verdict {
	out := vs[0]
	for _, v := range vs[1:] {
		if v.set != out.set {
			out.src = Undecided
		}
		out.set = union(out.set, v.set)
	}
	if out.src == Undecided {
		var whys []string
		for _, v := range vs {
			if v.src == Undecided && v.why != "" && !slices.Contains(whys, v.why) {
				whys = append(whys, v.why)
			}
		}
		out.why = strings.Join(whys, "; ")
	}
	return out
}

// readingVerdict judges one decoded reading of the body: against the
// schema, then by the rules on what it names.
func (k *Contract) readingVerdict(v any, d Draft, w *World) verdict {
	probs := k.CheckBody(v, true)
	if len(probs) > 0 && !slices.ContainsFunc(probs, func(p Problem) bool { return !nullParticipants(p) }) {
		// Only "participants": null. The schema does not admit it, but the
		// published description of participants reads "if present and not
		// empty or null", as if null were absent.
		m := v.(map[string]any)
		rest := make(map[string]any, len(m))
		for key, x := range m {
			if key != "participants" {
				rest[key] = x
			}
		}
		return either(fail(Undecided, "participants is null: the schema does not admit it, but the published description of participants treats null as absent", 400),
			k.semanticVerdict(rest, d, w))
	}
	if i := slices.IndexFunc(probs, func(p Problem) bool { return !nullParticipants(p) }); i >= 0 {
		return fail(Published, probs[i].String()+" (the request-body schema)", 400)
	}
	if !k.HasRequestSchema() {
		return maybe("the document describes no request body", 400)
	}
	m, _ := v.(map[string]any)
	return k.semanticVerdict(m, d, w)
}

// nullParticipants reports whether p is the schema's complaint about
// "participants": null.
func nullParticipants(p Problem) bool {
	return p.Keyword == "nullable" && len(p.Pointer) == 1 && p.Pointer[0] == "participants"
}
