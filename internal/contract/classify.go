package contract

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
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

// semanticVerdict applies the documented rules, and the project's, to a
// body the schema admits.
func (k *Contract) semanticVerdict(m map[string]any, d Draft, w *World) verdict {
	var vs []verdict
	if sid, ok := m["sessionId"].(string); ok {
		switch {
		case sid == "":
			vs = append(vs, pass(Project, "an empty sessionId counts as absent (the project's choice)"))
		case sid != d.Session:
			vs = append(vs, fail(Project, "sessionId "+quoteShort(sid)+" differs from the session in the path (the project's choice, as session_id_mismatch)", 400))
		}
	}
	seated := w.participantsOf(d.Session)
	if subs, ok := m["participants"].([]any); ok {
		if len(subs) > MaxParticipantsPerSession {
			vs = append(vs, maybe(fmt.Sprintf("participants lists %d subscriptions, more than a session's %d seats; the document sets no limit on the list", len(subs), MaxParticipantsPerSession), 400))
		}
		var stranger, alias string // the first of each, as one reason says enough
		for _, s := range subs {
			e, _ := s.(map[string]any)
			if pid, ok := e["participantId"].(string); ok && stranger == "" && !slices.Contains(seated, pid) {
				stranger = quoteShort(pid)
			}
			aliases, _ := e["streamAliases"].([]any)
			for _, a := range aliases {
				if s, ok := a.(string); ok && alias == "" && !slices.Contains(w.Aliases, s) {
					alias = quoteShort(s)
				}
			}
		}
		if stranger != "" {
			vs = append(vs, maybe("participants names "+stranger+", who is not in the session; the document does not say whether such a subscription is refused", 400, 404))
		}
		if alias != "" {
			vs = append(vs, maybe("streamAliases names "+alias+", which no publisher publishes; the document calls that undefined", 400))
		}
	}
	if k.HasRequestSchema() {
		if extra := unknownProperties(k.request.schema, m); extra != "" {
			vs = append(vs, maybe("the body has a property the schema does not name ("+quoteShort(extra)+"); the schema admits it, but the document does not say whether the service ignores or refuses it", 400))
		}
	}
	if len(vs) == 0 {
		return pass(Published, "")
	}
	return combine(vs...)
}

// MaxParticipantsPerSession is the limit of participants in one session
// (the API's concept pages).
const MaxParticipantsPerSession = 20

// unknownProperties returns the path of the first property of v that an
// object schema of s, leaving unknown properties unspecified, does not
// name, or "".
func unknownProperties(s *openapi3.Schema, v any) string {
	return firstUnknown(s, v, "", 0)
}

func firstUnknown(s *openapi3.Schema, v any, path string, depth int) string {
	if s == nil || depth > maxSiteDepth {
		return ""
	}
	switch x := v.(type) {
	case map[string]any:
		if len(s.Properties) == 0 {
			return ""
		}
		for _, name := range slices.Sorted(maps.Keys(x)) {
			ref, known := s.Properties[name]
			switch {
			case !known && admitsUnknown(s):
				return path + name
			case known && ref != nil:
				if p := firstUnknown(ref.Value, x[name], path+name+".", depth+1); p != "" {
					return p
				}
			}
		}
	case []any:
		if s.Items == nil {
			return ""
		}
		for _, it := range x {
			if p := firstUnknown(s.Items.Value, it, strings.TrimSuffix(path, ".")+"[].", depth+1); p != "" {
				return p
			}
		}
	}
	return ""
}

// pathVerdict judges the session and participant of the path against the
// fixtures: unknown ids are not found (404), a participant seated in
// another session conflicts (409, the project's reading), and an id of no
// documented format may be refused as bad (400) or not found (404).
func pathVerdict(d Draft, w *World) verdict {
	s, ok := w.session(d.Session)
	if !ok {
		return unknownID("session", d.Session)
	}
	if slices.Contains(s.Participants, d.Participant) {
		return pass(Published, "")
	}
	for _, o := range w.Sessions {
		if slices.Contains(o.Participants, d.Participant) {
			return fail(Project, "the participant sits in another session (the project's reading of 409, as participant_in_other_session)", 409)
		}
	}
	return unknownID("participant", d.Participant)
}

// unknownID is the verdict on a session or participant id nobody created.
func unknownID(what, id string) verdict {
	if isUUID(id) {
		return fail(Published, "the "+what+" "+quoteShort(id)+" does not exist: "+basisHandle, 404)
	}
	return fail(Undecided, "the "+what+" id "+quoteShort(id)+" is no UUID and exists nowhere; the document gives ids no format, so it may be refused as bad (400) or not found (404)", 400, 404)
}

// session returns the fixture session with id.
func (w *World) session(id string) (Session, bool) {
	for _, s := range w.Sessions {
		if s.ID == id {
			return s, true
		}
	}
	return Session{}, false
}

// participantsOf returns the participants of session id, or nil.
func (w *World) participantsOf(id string) []string {
	s, _ := w.session(id)
	return s.Participants
}

// isUUID reports whether s is a UUID in its canonical 8-4-4-4-12 form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// isDigits reports whether s is a non-empty string of ASCII digits.
func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// quoteShort quotes s for a message, cut to a readable length.
func quoteShort(s string) string {
	const n = 48
	if len(s) > n {
		return fmt.Sprintf("%q... (%d bytes)", s[:n], len(s))
	}
	return fmt.Sprintf("%q", s)
}
