package refserver

import (
	"encoding/json"
	"strconv"
)

// reply is a response a handler has decided on but not yet written. Handlers
// return replies instead of writing, so the fault stages can rewrite the
// status or the body and pace the write.
type reply struct {
	status      int
	body        []byte // nil: no body
	contentType string // "": application/json when there is a body
	retryAfter  string // Retry-After header value, seconds; "": none
}

// Bodies and header values that never change, built once.
var (
	bodyUnauthorized = []byte(`{"message":"Unauthorized"}`)
	bodyNoToken      = []byte(`{"message":"Missing Authentication Token"}`)
	bodyWrongStatus  = []byte(`{"status":"ok"}`)
	hdrJSON          = []string{"application/json"}
	hdrText          = []string{"text/plain; charset=utf-8"}
)

// errorBody is the documented 400/404/409/500 body.
type errorBody struct {
	Error     string `json:"error"`
	RequestID string `json:"requestId"`
}

// noContent is the 204 of a successful call without a body.
func noContent() reply { return reply{status: 204} }

// okJSON answers 200 with v encoded as JSON.
func okJSON(v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		return apiError(500, "encoding the response: "+err.Error())
	}
	return reply{status: 200, body: b}
}

// apiError answers status with the documented {"error", "requestId"} body and
// a fresh request id.
func apiError(status int, msg string) reply {
	b, err := json.Marshal(errorBody{Error: msg, RequestID: newUUID()})
	if err != nil { // a string pair always encodes; keep the status regardless
		b = []byte(`{"error":"internal error"}`)
	}
	return reply{status: status, body: b}
}

// unauthorized is the gateway's 401 for missing or wrong credentials, or an
// account the user has no access to.
func unauthorized() reply { return reply{status: 401, body: bodyUnauthorized} }

// missingToken is the gateway's 403 for a route it does not know, which is
// also what it answers for a known path with a method it does not route.
func missingToken() reply { return reply{status: 403, body: bodyNoToken} }

// retryAfterSeconds formats a whole number of seconds for Retry-After.
func retryAfterSeconds(s int) string { return strconv.Itoa(max(1, s)) }
