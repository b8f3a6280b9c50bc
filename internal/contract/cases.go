package contract

import "fmt"

// Case is one kind of request of the conformance catalogue: one row of the
// table below holds everything the project knows of it. A negative case
// carries exactly one defect and is otherwise the valid request of
// subscribe_all (or subscribe_session).
//
// Adding a case is one row here and one builder function (build.go), plus
// its line in docs/conformance.md, which a test checks.
type Case struct {
	// Name is the identifier used in scenario files and reports.
	Name string
	// Summary says in a few words what the request is.
	Summary string
	// Expect is the default set of expected statuses; a scenario may override it.
	Expect StatusSet
	// Source says where Expect comes from, and Basis quotes or paraphrases
	// the text behind it.
	Source Source
	Basis  string
	// Needs is what the case asks of the fixtures.
	Needs Needs
	// Build draws one request of the case (build.go).
	Build func(p *Pick) (Draft, error)
}

// Negative reports whether the request carries a defect and must be refused:
// its expected statuses do not include a success.
func (c Case) Negative() bool { return !c.Expect.Has(204) }

// Source says where a case's expected statuses come from.
type Source uint8

// The sources of an expectation.
const (
	// Published: the API's published OpenAPI document or its documentation
	// page says so.
	Published Source = iota
	// Project: the API is silent; the expectation is the project's documented
	// choice (docs/conformance.md, docs/refserver.md), which a real
	// deployment may not share.
	Project
)

// String returns "published" or "project".
func (s Source) String() string {
	if s == Project {
		return "project"
	}
	return "published"
}

// Needs is what a case asks of the fixtures. The zero value asks for one
// session with one participant.
type Needs struct {
	// Sessions is the least number of sessions the case needs.
	Sessions int
	// Seated: the participants must be seated in their sessions by setup.
	Seated bool
	// Why says what the sessions and seats are for, e.g. "a participant
	// seated in another session"; error messages quote it.
	Why string
	// OtherPublisher: every session needs a publisher other than the
	// participant being added, to subscribe to.
	OtherPublisher bool
	// Aliases: the case needs stream aliases to choose from.
	Aliases bool
}

// Case names, as used in scenario files and reports.
const (
	SubscribeSession          = "subscribe_session"
	SubscribeAll              = "subscribe_all"
	AliasSubset               = "alias_subset"
	EmptyAliases              = "empty_aliases"
	NoBody                    = "no_body"
	EmptyParticipants         = "empty_participants"
	MalformedJSON             = "malformed_json"
	WrongContentType          = "wrong_content_type"
	BodyNotObject             = "body_not_object"
	ParticipantsNotArray      = "participants_not_array"
	MissingParticipantID      = "missing_participant_id"
	ParticipantIDWrongType    = "participant_id_wrong_type"
	AliasesNotArray           = "aliases_not_array"
	DuplicateAliases          = "duplicate_aliases"
	SessionIDMismatch         = "session_id_mismatch"
	UnknownSession            = "unknown_session"
	UnknownParticipant        = "unknown_participant"
	ParticipantInOtherSession = "participant_in_other_session"
	MissingAuth               = "missing_auth"
	BadAuth                   = "bad_auth"
	ForeignAccount            = "foreign_account"
)

// The texts behind the expectations, shared by several rows.
const (
	basisSuccess = "the operation answers 204 No Content on success"
	basisSchema  = "the request body's schema (subscriptions) does not admit it; the operation documents 400 Bad Request"
	basisAuth    = "the error page: 401 when the user has no access to the account (bad username, password or account)"
	basisHandle  = "the error page: 404 when a session or participant is not found or no longer active"
)

// catalogue is the conformance catalogue, in its documented order (SPEC
// section 3, docs/conformance.md).
var catalogue = []Case{
	{Name: SubscribeSession, Summary: `body {"sessionId": S}: subscribe to the whole session`,
		Expect: NewStatusSet(204), Source: Published, Basis: basisSuccess, Build: buildSubscribeSession},
	{Name: SubscribeAll, Summary: "body names every other publisher of the session, no aliases",
		Expect: NewStatusSet(204), Source: Published, Basis: basisSuccess,
		Needs: Needs{OtherPublisher: true}, Build: buildSubscribeAll},
	{Name: AliasSubset, Summary: "body names publishers, each with a non-empty subset of the aliases",
		Expect: NewStatusSet(204), Source: Published, Basis: basisSuccess,
		Needs: Needs{OtherPublisher: true, Aliases: true}, Build: buildAliasSubset},
	{Name: EmptyAliases, Summary: "body names publishers, each with streamAliases [] (all their aliases)",
		Expect: NewStatusSet(204), Source: Published, Basis: basisSuccess + "; an empty streamAliases subscribes to every alias",
		Needs: Needs{OtherPublisher: true}, Build: buildEmptyAliases},
	{Name: NoBody, Summary: "no body: add without subscriptions",
		Expect: NewStatusSet(204), Source: Published, Basis: basisSuccess + "; the body is optional", Build: buildNoBody},
	{Name: EmptyParticipants, Summary: `{"sessionId": S, "participants": []}`,
		Expect: NewStatusSet(204), Source: Published, Basis: basisSuccess, Build: buildEmptyParticipants},
	{Name: MalformedJSON, Summary: "truncated JSON, Content-Type application/json",
		Expect: NewStatusSet(400), Source: Published, Basis: "the body is not JSON; the operation documents 400 Bad Request",
		Build: buildMalformedJSON},
	{Name: WrongContentType, Summary: "valid JSON sent as text/plain",
		Expect: NewStatusSet(400), Source: Project,
		Basis: "the request body is documented as application/json only; the document names no status for another media type (415 is not documented), so 400",
		Build: buildWrongContentType},
	{Name: BodyNotObject, Summary: "a JSON array or string",
		Expect: NewStatusSet(400), Source: Published, Basis: basisSchema, Build: buildBodyNotObject},
	{Name: ParticipantsNotArray, Summary: "participants is an object",
		Expect: NewStatusSet(400), Source: Published, Basis: basisSchema, Build: buildParticipantsNotArray},
	{Name: MissingParticipantID, Summary: "one entry without participantId",
		Expect: NewStatusSet(400), Source: Published, Basis: basisSchema + " (participantId is required)",
		Build: buildMissingParticipantID},
	{Name: ParticipantIDWrongType, Summary: "participantId is a number",
		Expect: NewStatusSet(400), Source: Published, Basis: basisSchema, Build: buildParticipantIDWrongType},
	{Name: AliasesNotArray, Summary: "streamAliases is a string",
		Expect: NewStatusSet(400), Source: Published, Basis: basisSchema, Build: buildAliasesNotArray},
	{Name: DuplicateAliases, Summary: "streamAliases repeats an alias",
		Expect: NewStatusSet(400), Source: Published, Basis: basisSchema + " (streamAliases has unique items)",
		Build: buildDuplicateAliases},
	{Name: SessionIDMismatch, Summary: "body sessionId differs from the path",
		Expect: NewStatusSet(400), Source: Project,
		Basis: "the document never says a mismatch is an error (a non-empty participants list overrides sessionId); the project refuses a body about another session",
		Build: buildSessionIDMismatch},
	{Name: UnknownSession, Summary: "a well-formed session id that was never created",
		Expect: NewStatusSet(404), Source: Published, Basis: basisHandle, Build: buildUnknownSession},
	{Name: UnknownParticipant, Summary: "a well-formed participant id that was never created",
		Expect: NewStatusSet(404), Source: Published, Basis: basisHandle, Build: buildUnknownParticipant},
	{Name: ParticipantInOtherSession, Summary: "a participant already seated in another session",
		Expect: NewStatusSet(409), Source: Project,
		Basis: "409 is documented without a reason; a participant's sessions are \"capped to one\", so the project takes a second session for the conflict",
		Needs: Needs{Sessions: 2, Seated: true, Why: "a participant seated in another session"},
		Build: buildParticipantInOtherSession},
	{Name: MissingAuth, Summary: "no Authorization header",
		Expect: NewStatusSet(401), Source: Published, Basis: basisAuth, Build: buildMissingAuth},
	{Name: BadAuth, Summary: "wrong password",
		Expect: NewStatusSet(401), Source: Published, Basis: basisAuth, Build: buildBadAuth},
	{Name: ForeignAccount, Summary: "valid credentials, another account id in the path",
		Expect: NewStatusSet(401, 403), Source: Published,
		Basis: basisAuth + "; 403 when the user has no access to the API", Build: buildForeignAccount},
}

// Cases returns the catalogue in its documented order. The slice is a copy.
func Cases() []Case { return append([]Case(nil), catalogue...) }

// LookupCase returns the case with the given name.
func LookupCase(name string) (Case, bool) {
	for _, c := range catalogue {
		if c.Name == name {
			return c, true
		}
	}
	return Case{}, false
}

// CaseNames returns the names of all cases in catalogue order.
func CaseNames() []string {
	out := make([]string, len(catalogue))
	for i, c := range catalogue {
		out[i] = c.Name
	}
	return out
}

// MixCase is a case as one run uses it: the catalogue's row, its weight in
// the mix and the statuses this run expects of it (the row's own, or the
// scenario's `expect:`).
type MixCase struct {
	Case   Case
	Weight float64
	Expect StatusSet
	// Explicit: Expect is the scenario's own `expect:`, not the row's.
	Explicit bool
	// Relaxed, when not empty, says why Expect was widened to every status
	// the contract in use documents (see Contract.Adapt).
	Relaxed string
}

// Name returns the case's name.
func (m MixCase) Name() string { return m.Case.Name }

// NewMixCase returns the case name of the catalogue with weight and the
// expected statuses expect, or the case's own when expect is empty. It
// reports false for a name the catalogue does not have.
func NewMixCase(name string, weight float64, expect StatusSet) (MixCase, bool) {
	c, ok := LookupCase(name)
	if !ok {
		return MixCase{}, false
	}
	m := MixCase{Case: c, Weight: weight, Expect: expect, Explicit: !expect.Empty()}
	if !m.Explicit {
		m.Expect = c.Expect
	}
	return m, true
}

// Adapt returns m as judged against k, a contract other than the project's
// own (--contract FILE): a case whose default expectation is the project's
// choice, or names a status k does not document, cannot be held to it, so
// it is judged on k's documented statuses only (status_expected passes any
// status k documents) and Relaxed says why. A scenario's own `expect:` is
// kept as written.
func (k *Contract) Adapt(m MixCase) MixCase {
	if m.Explicit {
		return m
	}
	var why string
	switch {
	case m.Case.Source == Project:
		why = "the expectation is the project's choice, which " + k.Source + " does not state"
	default:
		for _, code := range m.Expect.Codes() {
			if !k.Documented.Has(code) {
				why = fmt.Sprintf("%s does not document %d", k.Source, code)
				break
			}
		}
	}
	if why != "" {
		m.Expect, m.Relaxed = k.Documented, why+"; judged on its documented statuses only"
	}
	return m
}
