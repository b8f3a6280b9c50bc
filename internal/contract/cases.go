package contract

// Case is one kind of request in the conformance catalogue. A negative case
// carries exactly one defect and is otherwise a valid request.
type Case struct {
	// Name is the identifier used in scenario files and reports.
	Name string
	// Expect is the default set of expected statuses; a scenario may override it.
	Expect StatusSet
	// Negative is true when the request carries a defect and must be refused.
	Negative bool
	// Summary says in a few words what the request is.
	Summary string
}

// Case names, as used in scenario files and reports.
const (
	SubscribeSession          = "subscribe_session"
	SubscribeAll              = "subscribe_all"
	AliasSubset               = "alias_subset"
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

var catalogue = []Case{
	{SubscribeSession, NewStatusSet(204), false, `body {"sessionId": S}: subscribe to the whole session`},
	{SubscribeAll, NewStatusSet(204), false, "body names every other publisher of the session, no aliases"},
	{AliasSubset, NewStatusSet(204), false, "body names publishers, each with a non-empty subset of the aliases"},
	{NoBody, NewStatusSet(204), false, "no body: add without subscriptions"},
	{EmptyParticipants, NewStatusSet(204), false, `{"sessionId": S, "participants": []}`},
	{MalformedJSON, NewStatusSet(400), true, "truncated JSON, Content-Type application/json"},
	{WrongContentType, NewStatusSet(400), true, "valid JSON sent as text/plain"},
	{BodyNotObject, NewStatusSet(400), true, "a JSON array or string"},
	{ParticipantsNotArray, NewStatusSet(400), true, "participants is an object"},
	{MissingParticipantID, NewStatusSet(400), true, "one entry without participantId"},
	{ParticipantIDWrongType, NewStatusSet(400), true, "participantId is a number"},
	{AliasesNotArray, NewStatusSet(400), true, "streamAliases is a string"},
	{DuplicateAliases, NewStatusSet(400), true, "streamAliases repeats an alias"},
	{SessionIDMismatch, NewStatusSet(400), true, "body sessionId differs from the path"},
	{UnknownSession, NewStatusSet(404), true, "a well-formed session id that was never created"},
	{UnknownParticipant, NewStatusSet(404), true, "a well-formed participant id that was never created"},
	{ParticipantInOtherSession, NewStatusSet(409), true, "a participant already seated in another session"},
	{MissingAuth, NewStatusSet(401), true, "no Authorization header"},
	{BadAuth, NewStatusSet(401), true, "wrong password"},
	{ForeignAccount, NewStatusSet(401, 403), true, "valid credentials, another account id in the path"},
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
