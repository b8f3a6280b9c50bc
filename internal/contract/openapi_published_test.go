package contract_test

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pubOwnFile is the project's contract document, beside this test.
const pubOwnFile = "openapi.yaml"

// pubPublishedFile is Bandwidth's last published description, in the shared
// folder beside the repository root.
var pubPublishedFile = filepath.Join("..", "..", "..", "shared", "ref", "bandwidth-webrtc-openapi-2.0.0.yml")

// pubStatusExceptions lists operations (by operationId) whose documented
// statuses deliberately differ from the published file, with the reason. It
// is empty: the project's document keeps every published status as it is.
var pubStatusExceptions = map[string]string{}

func pubLoad(t *testing.T, path string) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	require.NoError(t, err, path)
	return doc
}

// pubStatuses maps "METHOD path" to the sorted status keys of the operation,
// taken literally (a "default" key would be kept as "default").
func pubStatuses(doc *openapi3.T) map[string][]string {
	out := map[string][]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			keys := slices.Sorted(maps.Keys(op.Responses.Map()))
			out[method+" "+path] = keys
		}
	}
	return out
}

func pubOperationIDs(doc *openapi3.T) map[string]string {
	out := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out[method+" "+path] = op.OperationID
		}
	}
	return out
}

// TestOpenAPIValid checks the project's document against the OpenAPI 3.0 rules.
func TestOpenAPIValid(t *testing.T) {
	doc := pubLoad(t, pubOwnFile)
	require.NoError(t, doc.Validate(context.Background()))
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	assert.Contains(t, doc.Extensions, "x-wrtcbench", "the reference server's choices are written down")
	require.NotNil(t, doc.Components.SecuritySchemes["basicAuth"])
	assert.Equal(t, "basic", doc.Components.SecuritySchemes["basicAuth"].Value.Scheme)
}

// TestOpenAPIMatchesPublished: every operation of the published description
// is in the project's document, under the same path, method and
// operationId, with the same set of response statuses.
func TestOpenAPIMatchesPublished(t *testing.T) {
	if _, err := os.Stat(pubPublishedFile); err != nil {
		t.Skipf("published OpenAPI description not found at %s (the shared folder sits beside the repository): %v", pubPublishedFile, err)
	}
	own, pub := pubLoad(t, pubOwnFile), pubLoad(t, pubPublishedFile)
	ownStatuses, pubStatusesByOp := pubStatuses(own), pubStatuses(pub)
	ownIDs, pubIDs := pubOperationIDs(own), pubOperationIDs(pub)
	require.NotEmpty(t, pubStatusesByOp)
	for op, want := range pubStatusesByOp {
		got, ok := ownStatuses[op]
		if !assert.True(t, ok, "the published operation %s is missing", op) {
			continue
		}
		assert.Equal(t, pubIDs[op], ownIDs[op], "operationId of %s", op)
		if reason, ok := pubStatusExceptions[pubIDs[op]]; ok {
			t.Logf("%s: statuses differ on purpose: %s", op, reason)
			continue
		}
		assert.Equal(t, want, got, "response statuses of %s", op)
	}
	for op := range ownStatuses {
		_, ok := pubStatusesByOp[op]
		assert.True(t, ok, "%s is not in the published description", op)
	}
}

// TestOpenAPIAddParticipant pins the statuses SPEC section 4 calls documented.
func TestOpenAPIAddParticipant(t *testing.T) {
	doc := pubLoad(t, pubOwnFile)
	item := doc.Paths.Find("/accounts/{accountId}/sessions/{sessionId}/participants/{participantId}")
	require.NotNil(t, item)
	require.NotNil(t, item.Put)
	assert.Equal(t, "addParticipantToSession", item.Put.OperationID)
	assert.Equal(t, []string{"204", "400", "401", "403", "404", "409", "500"},
		slices.Sorted(maps.Keys(item.Put.Responses.Map())))
	assert.Nil(t, item.Put.Responses.Status(204).Value.Content, "204 has no body")
	assert.False(t, item.Put.RequestBody.Value.Required, "the body is optional")
}

func pubSchema(t *testing.T, name string) *openapi3.Schema {
	t.Helper()
	doc := pubLoad(t, pubOwnFile)
	ref, ok := doc.Components.Schemas[name]
	require.True(t, ok, name)
	return ref.Value
}

func pubVisit(t *testing.T, s *openapi3.Schema, doc string) error {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(doc), &v), doc)
	return s.VisitJSON(v)
}

// TestOpenAPIErrorBody: the ErrorBody schema accepts the three documented
// shapes and rejects what is not a JSON object of one of them.
func TestOpenAPIErrorBody(t *testing.T) {
	s := pubSchema(t, "ErrorBody")
	for _, ok := range []string{
		`{"error": "Participant not found", "requestId": "12af78d1-5f88-4917-925d-17c1ac8fda7a"}`,
		`{"error": "Internal error"}`,
		`{"message": "Unauthorized"}`,
		`{"message": "Missing Authentication Token"}`,
		`{"code": 500, "message": "boom"}`,
	} {
		assert.NoError(t, pubVisit(t, s, ok), ok)
	}
	for _, bad := range []string{`"Internal error"`, `[]`, `{}`, `{"status": 500}`, `{"error": 5}`} {
		assert.Error(t, pubVisit(t, s, bad), bad)
	}
}

// TestOpenAPISubscriptions: the request body schema of Add Participant to
// Session accepts the documentation's example and rejects the malformed
// bodies of SPEC section 3 that a schema can see.
func TestOpenAPISubscriptions(t *testing.T) {
	s := pubSchema(t, "Subscriptions")
	const example = `{"sessionId": "d8886aad-b956-4e1b-b2f4-d7c9f8162772", "participants": [
		{"participantId": "568749d5-04d5-483d-adf5-deac7dd3d521"},
		{"participantId": "0275e47f-dd21-4cf0-a1e1-dfdc719e73a7", "streamAliases": ["microphone1", "microphone2"]}]}`
	for _, ok := range []string{example, `{}`, `{"sessionId": "s"}`, `{"sessionId": "s", "participants": []}`} {
		assert.NoError(t, pubVisit(t, s, ok), ok)
	}
	bad := map[string]string{
		"body_not_object":           `["s"]`,
		"participants_not_array":    `{"participants": {"participantId": "p"}}`,
		"missing_participant_id":    `{"participants": [{"streamAliases": ["a"]}]}`,
		"participant_id_wrong_type": `{"participants": [{"participantId": 42}]}`,
		"aliases_not_array":         `{"participants": [{"participantId": "p", "streamAliases": "a"}]}`,
		"duplicate_aliases":         `{"participants": [{"participantId": "p", "streamAliases": ["a", "a"]}]}`,
	}
	for name, doc := range bad {
		assert.Error(t, pubVisit(t, s, doc), "%s: %s", name, strings.TrimSpace(doc))
	}
}
