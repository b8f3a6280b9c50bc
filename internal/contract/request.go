package contract

import (
	"errors"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// MaxBodyBytes is the project's limit on a request body: a longer one is
// answered 400 (x-wrtcbench body-limit in openapi.yaml; 413 is not a
// documented status). The published document states no limit.
const MaxBodyBytes = 1 << 20

// requestBody is the operation's JSON request-body schema, compiled once
// when the document is loaded, and the places of it the generator writes
// and mutates.
type requestBody struct {
	schema *openapi3.Schema // nil: the document describes no JSON request body
	opts   []openapi3.SchemaValidationOption
	multi  []openapi3.SchemaValidationOption // every problem, not only the first
	sites  []site
}

// newRequestBody reads the JSON schema of op's request body.
func newRequestBody(op *openapi3.Operation, opts []openapi3.SchemaValidationOption) *requestBody {
	rb := &requestBody{opts: opts, multi: append(slices.Clip(opts), openapi3.MultiErrors())}
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return rb
	}
	content := op.RequestBody.Value.Content
	for _, m := range slices.Sorted(func(yield func(string) bool) {
		for k := range content {
			if !yield(k) {
				return
			}
		}
	}) {
		if base := baseMediaType(m); base == "application/json" || strings.HasSuffix(base, "+json") {
			if mt := content[m]; mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
				rb.schema = mt.Schema.Value
				break
			}
		}
	}
	if rb.schema != nil {
		rb.sites = walkSites(rb.schema)
	}
	return rb
}

// Problem is one way a request body breaks the request-body schema.
type Problem struct {
	// Pointer is where, as the tokens of a JSON pointer, e.g.
	// ["participants", "0", "participantId"]; empty for the body itself.
	Pointer []string
	// Keyword is the schema keyword broken: type, required, nullable,
	// uniqueItems, and so on.
	Keyword string
	// Reason says it in words, e.g. "value must be a string".
	Reason string
	// Value is the offending value, as decoded.
	Value any
}

// String returns the problem as "/participants/0/participantId: value must
// be a string".
func (p Problem) String() string {
	if len(p.Pointer) == 0 {
		return "the body: " + p.Reason
	}
	return "/" + strings.Join(p.Pointer, "/") + ": " + p.Reason
}

// HasDuplicateNames reports whether some object of a JSON body gives a
// member name twice, which encoding/json would read silently (the last
// value counts) and RFC 8259 leaves undefined. It is false for a body that
// is not JSON.
func HasDuplicateNames(body []byte) bool {
	n, err := parseJSON(body)
	return err == nil && n.hasDuplicateNames()
}

// HasRequestSchema reports whether the contract's document describes a JSON
// request body for the operation.
func (k *Contract) HasRequestSchema() bool { return k.request != nil && k.request.schema != nil }

// CheckBody validates a decoded request body (as encoding/json decodes JSON
// into an any, numbers as json.Number or float64) against the operation's
// request-body schema. It returns nil for a valid body, else the first
// problem, or with all every problem. A contract whose document describes
// no request body finds none.
//
// It only reads the compiled schema, so one Contract serves every
// goroutine at once.
func (k *Contract) CheckBody(v any, all bool) []Problem {
	if !k.HasRequestSchema() {
		return nil
	}
	opts := k.request.opts
	if all {
		opts = k.request.multi
	}
	err := k.request.schema.VisitJSON(v, opts...)
	if err == nil {
		return nil
	}
	var out []Problem
	collectProblems(err, &out)
	if len(out) == 0 {
		out = append(out, Problem{Reason: reason(err)})
	}
	if !all {
		out = out[:1]
	}
	return out
}

// collectProblems flattens kin-openapi's errors into Problems.
func collectProblems(err error, out *[]Problem) {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		for _, e := range me {
			collectProblems(e, out)
		}
		return
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		*out = append(*out, Problem{Pointer: se.JSONPointer(), Keyword: se.SchemaField, Reason: se.Reason, Value: se.Value})
		return
	}
	*out = append(*out, Problem{Reason: reason(err)})
}

// role is what a string of the request body names, so that a valid body
// can be written from the fixtures: the session of the path, a participant
// to subscribe to, or a stream alias. The schema says only "string"; the
// roles are bound by property name (roleOf).
type role uint8

const (
	roleNone role = iota
	roleSession
	roleParticipant
	roleAlias
)

// roleOf binds a property path of the request body to a role.
func roleOf(path string) role {
	switch {
	case path == "sessionId":
		return roleSession
	case strings.HasSuffix(path, "participantId"):
		return roleParticipant
	case strings.HasSuffix(path, "streamAliases[]"):
		return roleAlias
	}
	return roleNone
}

// site is one place of the request-body schema: the body itself, a
// property, or the items of an array.
type site struct {
	// path names it as reports show it: "body", "sessionId",
	// "participants[]", "participants[].streamAliases[]".
	path     string
	schema   *openapi3.Schema
	name     string // the property's name; "" for the body and for items
	parent   int    // the enclosing site; -1 for the body
	required bool   // a required property of its object
	role     role
}

// rootPath is the path of the body itself.
const rootPath = "body"

// maxSiteDepth bounds the schema walk; a recursive schema stops there.
const maxSiteDepth = 6

// walkSites lists the sites of schema s, parents before children,
// properties in name order.
func walkSites(s *openapi3.Schema) []site {
	var out []site
	var walk func(s *openapi3.Schema, path, name string, parent int, required bool, depth int, seen []*openapi3.Schema)
	walk = func(s *openapi3.Schema, path, name string, parent int, required bool, depth int, seen []*openapi3.Schema) {
		i := len(out)
		out = append(out, site{path: path, schema: s, name: name, parent: parent, required: required, role: roleOf(path)})
		if depth >= maxSiteDepth || slices.Contains(seen, s) {
			return
		}
		seen = append(seen, s)
		prefix := path + "."
		if path == rootPath {
			prefix = ""
		}
		for _, n := range slices.Sorted(func(yield func(string) bool) {
			for k := range s.Properties {
				if !yield(k) {
					return
				}
			}
		}) {
			if ref := s.Properties[n]; ref != nil && ref.Value != nil {
				walk(ref.Value, prefix+n, n, i, slices.Contains(s.Required, n), depth+1, seen)
			}
		}
		if s.Items != nil && s.Items.Value != nil {
			itemPath := path + "[]"
			if path == rootPath {
				itemPath = "[]"
			}
			walk(s.Items.Value, itemPath, "", i, false, depth+1, seen)
		}
	}
	walk(s, rootPath, "", -1, false, 0, nil)
	return out
}

// children returns the sites whose parent is site i.
func (rb *requestBody) children(i int) []int {
	var out []int
	for j, s := range rb.sites {
		if s.parent == i {
			out = append(out, j)
		}
	}
	return out
}

// child returns the property name of object site i, or its items (name
// ""), or -1.
func (rb *requestBody) child(i int, name string) int {
	for j, s := range rb.sites {
		if s.parent == i && s.name == name {
			return j
		}
	}
	return -1
}

// allows reports whether a schema admits JSON values of type t ("string",
// "number", …). A schema without a type admits every type; an integer
// schema admits numbers as far as the type is concerned.
func allows(s *openapi3.Schema, t string) bool {
	if s.Type == nil || s.Type.IsEmpty() {
		return true
	}
	if t == "number" && s.Type.Includes("integer") {
		return true
	}
	return s.Type.Includes(t)
}

// admitsUnknown reports whether an object schema leaves unknown properties
// to the reader: additionalProperties unspecified. false and a schema both
// decide.
func admitsUnknown(s *openapi3.Schema) bool {
	ap := s.AdditionalProperties
	return ap.Has == nil && ap.Schema == nil
}
