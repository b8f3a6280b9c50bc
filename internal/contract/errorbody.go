package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// errNotObject: an error body must be a JSON object (SPEC section 4), whatever
// the schema says.
var errNotObject = errors.New("not a JSON object")

// check reports whether body is an error body this schema accepts: a JSON
// object the schema validates. It stops at the first mismatch without
// building an explanation; explain gives one. kin-openapi's VisitJSON only
// reads the schema, so one bodySchema serves every worker at once.
func (b *bodySchema) check(body []byte) bool {
	return b.validate(body, b.fast) == nil
}

// explain says why body is not an error body this schema accepts, or
// returns nil.
func (b *bodySchema) explain(body []byte) error {
	return b.validate(body, b.opts)
}

func (b *bodySchema) validate(body []byte, opts []openapi3.SchemaValidationOption) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return errNotObject
	}
	return b.schema.VisitJSON(v, opts...)
}

// reason shortens a validation error to one line for a message.
func reason(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	const max = 160
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}
