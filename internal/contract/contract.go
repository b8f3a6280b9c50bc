package contract

// Contract is the set of documented facts responses are judged against: the
// statuses Add Participant to Session documents, and for each status the
// media types and the schema of its body. Default reads them from the
// project's OpenAPI document; Load reads them from another one. A Contract is
// read-only after construction and safe for concurrent use.
type Contract struct {
	// Documented is the set of statuses the operation documents: its
	// explicit status codes, and every code of a range such as "5XX". A
	// "default" response documents no status (see Load).
	Documented StatusSet
	// Source names where the facts came from, e.g. "embedded openapi.yaml"
	// or a file path.
	Source string

	// documented is Documented in words, ranges kept as written: "204 400 5XX".
	documented string
	// outcomes[s-100] is what the document says about status s; other is
	// for a status outside 100..599.
	outcomes [500]*outcome
	other    *outcome
	// request is the operation's request-body schema (request.go).
	request *requestBody
}

// outcomeOf returns what the contract says about status, never nil.
func (k *Contract) outcomeOf(status int) *outcome {
	if status < 100 || status > 599 {
		return k.other
	}
	return k.outcomes[status-100]
}

// DocumentedText lists the documented statuses as the document writes them,
// ranges included, e.g. "204 400 401 403 404 409 500" or "204 4XX 500".
func (k *Contract) DocumentedText() string { return k.documented }
