package contract

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// openapiYAML is the project's OpenAPI document, the source of Default.
//
//go:embed openapi.yaml
var openapiYAML []byte

// OperationID is the operationId of Add Participant to Session, the
// operation Load looks for first.
const OperationID = "addParticipantToSession"

// ErrNoOperation is returned by Load for a document that describes no Add
// Participant to Session operation.
var ErrNoOperation = errors.New("no Add Participant to Session operation")

// embeddedSource is the Source of the Default contract.
const embeddedSource = "embedded openapi.yaml"

// defaultContract parses the embedded document once.
var defaultContract = sync.OnceValues(func() (*Contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapiYAML)
	if err != nil {
		return nil, err
	}
	return fromDoc(doc, embeddedSource, nil)
})

// embeddedErrorBody is the embedded document's error-body schema: the three
// shapes. It judges error bodies of a loaded document that documents none.
func embeddedErrorBody() (*bodySchema, error) {
	k, err := defaultContract()
	if err != nil {
		return nil, fmt.Errorf("the embedded document: %w", err)
	}
	return k.outcomeOf(500).body, nil
}

// Default returns the contract of the project's own OpenAPI document
// (internal/contract/openapi.yaml, embedded in the binary): 204, 400, 401,
// 403, 404, 409 and 500 documented, every error body one of the three shapes
// {error, requestId}, {message} or {code, message}. The document is parsed
// and validated once; each call returns a copy that shares the compiled
// schemas. It panics only if the embedded document is broken, which a test
// rules out.
func Default() *Contract {
	k, err := defaultContract()
	if err != nil {
		panic(fmt.Sprintf("contract: the embedded openapi.yaml is broken: %v", err))
	}
	c := *k
	return &c
}

// Load reads the OpenAPI 3 document at path (YAML or JSON), validates it and
// returns the contract it describes for Add Participant to Session: the
// operation with operationId addParticipantToSession or, failing that, the
// PUT on a path ending in /sessions/{…}/participants/{…}.
//
// The responses are read as OpenAPI defines them, an explicit code taking
// precedence over a range and a range over "default":
//
//   - an explicit code ("409") documents that status;
//   - a range ("5XX") documents every status of the range;
//   - "default" documents no status, so status_documented still fails for an
//     unlisted status; its body schema and media types apply to every status
//     that has none of its own.
//
// Each response's schema (from its JSON media type) judges error_body for its
// statuses; a status without one, documented or not, is judged against any
// of the operation's error schemas, and an operation without any against the
// embedded document's three shapes. content_type accepts the media types the
// response documents, or else any media type the operation documents
// (application/json when it documents none).
//
// $refs to other local files are followed; remote ones are refused, so
// loading sends nothing over the network.
func Load(path string) (*Contract, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = readLocal
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("contract: %s: %w", path, err)
	}
	return fromDoc(doc, path, embeddedErrorBody)
}

// readLocal reads $ref targets from local files only.
func readLocal(loader *openapi3.Loader, u *url.URL) ([]byte, error) {
	if u.Scheme != "" && u.Scheme != "file" {
		return nil, fmt.Errorf("%s: only local files are read, not remote references", u)
	}
	return openapi3.ReadFromFile(loader, u)
}

// fromDoc validates doc and builds the contract of its Add Participant
// operation; orElse gives the error-body schema if it documents none.
func fromDoc(doc *openapi3.T, source string, orElse func() (*bodySchema, error)) (*Contract, error) {
	ctx := context.Background()
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("contract: %s: not a valid OpenAPI document: %w", source, err)
	}
	op := findOperation(doc)
	if op == nil {
		return nil, fmt.Errorf("contract: %s: %w (looked for operationId %s, then PUT …/sessions/{sessionId}/participants/{participantId})",
			source, ErrNoOperation, OperationID)
	}
	if op.Responses == nil || op.Responses.Len() == 0 {
		return nil, fmt.Errorf("contract: %s: %s documents no responses", source, OperationID)
	}
	// Not VisitAsResponse: it deep-copies the body for every anyOf branch,
	// doubling the cost, to enforce writeOnly, which no error body uses.
	opts := doc.GetSchemaValidationOptions()
	if doc.IsOpenAPI31OrLater() {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	k, err := build(op.Responses, source, opts, orElse)
	if err != nil {
		return nil, err
	}
	k.request = newRequestBody(op, opts)
	return k, nil
}

// findOperation returns the Add Participant operation of doc, or nil.
func findOperation(doc *openapi3.T) *openapi3.Operation {
	if doc.Paths == nil {
		return nil
	}
	var byPath *openapi3.Operation
	for _, p := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(p)
		for _, op := range item.Operations() {
			if op.OperationID == OperationID {
				return op
			}
		}
		if item.Put != nil && byPath == nil && isAddParticipantPath(p) {
			byPath = item.Put
		}
	}
	return byPath
}

// isAddParticipantPath reports whether p ends in
// /sessions/{…}/participants/{…}, whatever its parameters are called.
func isAddParticipantPath(p string) bool {
	seg := strings.Split(strings.Trim(p, "/"), "/")
	if len(seg) < 4 {
		return false
	}
	seg = seg[len(seg)-4:]
	param := func(s string) bool { return len(s) > 2 && s[0] == '{' && s[len(s)-1] == '}' }
	return seg[0] == "sessions" && param(seg[1]) && seg[2] == "participants" && param(seg[3])
}
