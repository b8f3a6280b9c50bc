package contract

// Contract is the set of documented facts responses are judged against. The
// built-in one describes the published API; another can be loaded from an
// OpenAPI document. A Contract is read-only after construction and safe for
// concurrent use.
type Contract struct {
	// Documented is the set of statuses Add Participant to Session documents.
	Documented StatusSet
	// Source names where the facts came from, e.g. "built-in" or a file path.
	Source string
}

// Builtin returns the contract the project holds for the published API.
func Builtin() *Contract {
	return &Contract{Documented: builtinDocumented, Source: "built-in"}
}
