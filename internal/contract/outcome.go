package contract

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// outcome is what the contract says about one status: which response of the
// document covers it, which media types its body may have and which schema an
// error body must satisfy. Outcomes are built once by build and only read
// afterwards.
type outcome struct {
	// key is the response key covering the status ("404", "4XX",
	// "default"), or "" when none does.
	key string
	// media are the media types a body may declare, as documented.
	media []string
	// body judges an error body; never nil.
	body *bodySchema
}

// bodySchema is one compiled body schema with its description in words.
type bodySchema struct {
	schema *openapi3.Schema
	// opts validate with full error details; fast stops at the first
	// mismatch with a bare error (FailFast), for the hot path.
	opts, fast []openapi3.SchemaValidationOption
	// shapes describes the schema, e.g. "{error, requestId}, {message} or {code, message}".
	shapes string
}

func newBodySchema(s *openapi3.Schema, opts []openapi3.SchemaValidationOption) *bodySchema {
	return &bodySchema{
		schema: s, shapes: describe(s),
		opts: opts, fast: append(slices.Clip(opts), openapi3.FailFast()),
	}
}

// response is one response of the operation, as read from the document.
type response struct {
	key    string
	media  []string
	schema *openapi3.Schema // from the JSON media type; nil when none
}

// build makes the contract of an operation's responses.
// orElse gives the error-body schema when the operation documents none.
func build(rs *openapi3.Responses, source string, opts []openapi3.SchemaValidationOption, orElse func() (*bodySchema, error)) (*Contract, error) {
	k := &Contract{Source: source}
	exact := map[int]*response{}
	var ranges [6]*response // ranges[d] is "dXX"
	var def *response
	var codes []int
	var rangeDigits []int
	var allMedia []string
	var errSchemas []*openapi3.Schema
	for _, key := range slices.Sorted(maps.Keys(rs.Map())) {
		ref := rs.Value(key)
		if ref == nil || ref.Value == nil {
			return nil, fmt.Errorf("contract: %s: response %q is empty", source, key)
		}
		r := readResponse(key, ref.Value)
		for _, m := range r.media {
			if !slices.Contains(allMedia, m) {
				allMedia = append(allMedia, m)
			}
		}
		isError := false
		switch {
		case key == "default":
			def, isError = r, true
		case len(key) == 3 && strings.EqualFold(key[1:], "XX") && key[0] >= '1' && key[0] <= '5':
			d := int(key[0] - '0')
			ranges[d], isError = r, d >= 4
			rangeDigits = append(rangeDigits, d)
			for c := d * 100; c < d*100+100; c++ {
				k.Documented.Add(c)
			}
		default:
			c, err := strconv.Atoi(key)
			if err != nil || c < 100 || c > 599 {
				return nil, fmt.Errorf("contract: %s: response key %q is not a status code, a range such as 5XX, or default", source, key)
			}
			exact[c], isError = r, c >= 400
			codes = append(codes, c)
			k.Documented.Add(c)
		}
		if isError && r.schema != nil && !slices.Contains(errSchemas, r.schema) {
			errSchemas = append(errSchemas, r.schema)
		}
	}
	k.documented = documentedText(codes, rangeDigits)

	// The fallbacks: any of the operation's error schemas; any of its media
	// types.
	fallback, err := errorFallback(errSchemas, opts, orElse)
	if err != nil {
		return nil, fmt.Errorf("contract: %s: %w", source, err)
	}
	if len(allMedia) == 0 {
		allMedia = []string{"application/json"}
	}
	compiled := map[*openapi3.Schema]*bodySchema{}
	outcomeFor := func(r *response) *outcome {
		o := &outcome{media: allMedia, body: fallback}
		if r == nil {
			return o
		}
		o.key = r.key
		if len(r.media) > 0 {
			o.media = r.media
		}
		if r.schema != nil {
			if compiled[r.schema] == nil {
				compiled[r.schema] = newBodySchema(r.schema, opts)
			}
			o.body = compiled[r.schema]
		}
		return o
	}
	byResponse := map[*response]*outcome{}
	for c := 100; c <= 599; c++ {
		r := exact[c]
		if r == nil {
			r = ranges[c/100]
		}
		if r == nil {
			r = def
		}
		if byResponse[r] == nil {
			byResponse[r] = outcomeFor(r)
		}
		k.outcomes[c-100] = byResponse[r]
	}
	k.other = outcomeFor(def)
	return k, nil
}

// readResponse reads a response's media types and the schema of its JSON
// media type (application/json, else the first …/…+json).
func readResponse(key string, v *openapi3.Response) *response {
	r := &response{key: key}
	r.media = slices.Sorted(maps.Keys(v.Content))
	pick := ""
	for _, m := range r.media {
		base := baseMediaType(m)
		if base == "application/json" {
			pick = m
			break
		}
		if pick == "" && strings.HasSuffix(base, "+json") {
			pick = m
		}
	}
	if pick != "" {
		if mt := v.Content[pick]; mt != nil && mt.Schema != nil {
			r.schema = mt.Schema.Value
		}
	}
	return r
}

// errorFallback returns the schema for error bodies of statuses whose
// response has none: any of schemas, or orElse's when there are none.
func errorFallback(schemas []*openapi3.Schema, opts []openapi3.SchemaValidationOption, orElse func() (*bodySchema, error)) (*bodySchema, error) {
	switch len(schemas) {
	case 0:
		if orElse == nil {
			return nil, errors.New("the operation documents no error-body schema")
		}
		return orElse()
	case 1:
		return newBodySchema(schemas[0], opts), nil
	}
	union := &openapi3.Schema{}
	for _, s := range schemas {
		union.AnyOf = append(union.AnyOf, openapi3.NewSchemaRef("", s))
	}
	return newBodySchema(union, opts), nil
}

// documentedText lists codes and ranges in ascending order: "204 400 5XX".
func documentedText(codes, rangeDigits []int) string {
	type tok struct {
		at   int
		text string
	}
	var toks []tok
	for _, c := range codes {
		if !slices.Contains(rangeDigits, c/100) {
			toks = append(toks, tok{c, strconv.Itoa(c)})
		}
	}
	for _, d := range rangeDigits {
		toks = append(toks, tok{d * 100, strconv.Itoa(d) + "XX"})
	}
	slices.SortFunc(toks, func(a, b tok) int { return a.at - b.at })
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.text
	}
	return strings.Join(parts, " ")
}

// describe says in a few words what a body schema asks for: an object as the
// names of its properties, "{error, requestId}"; alternatives joined with
// "or".
func describe(s *openapi3.Schema) string {
	alts := s.AnyOf
	if len(alts) == 0 {
		alts = s.OneOf
	}
	if len(alts) > 0 {
		parts := make([]string, 0, len(alts))
		for _, a := range alts {
			if a != nil && a.Value != nil {
				if d := describe(a.Value); !slices.Contains(parts, d) {
					parts = append(parts, d)
				}
			}
		}
		if len(parts) == 1 {
			return parts[0]
		}
		return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
	}
	names := slices.Collect(maps.Keys(s.Properties))
	for _, a := range s.AllOf {
		if a != nil && a.Value != nil {
			names = slices.AppendSeq(names, maps.Keys(a.Value.Properties))
		}
	}
	if len(names) > 0 {
		slices.Sort(names)
		return "{" + strings.Join(slices.Compact(names), ", ") + "}"
	}
	if s.Type != nil && !s.Type.IsEmpty() {
		return "of type " + strings.Join(*s.Type, "|")
	}
	return "(any JSON)"
}
