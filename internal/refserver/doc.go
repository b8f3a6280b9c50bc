// Package refserver is a stateful, in-memory reference implementation of
// Bandwidth's WebRTC participants API (base path /v1, HTTP Basic auth on
// every call), built so that wrtcbench can load-test and conformance-check
// against something local, fast and able to misbehave on purpose.
//
// It owns: the routes, their statuses and bodies; the in-memory sessions,
// participants and subscriptions; fault injection (drawing and applying
// the faults of Config.Faults); the counters of what it did (Stats); and
// starting a loopback listener, with TLS and HTTP/2 when asked (Start). It
// does not own the contract the checker judges responses against (package
// contract), the fault model and its YAML (package faults), fixtures, or
// load generation.
//
// # Routes
//
// Under /v1/accounts/{accountId}:
//
//	POST   /sessions                                          200 {id, tag}
//	GET    /sessions/{s}                                      200 {id, tag}
//	DELETE /sessions/{s}                                      204
//	GET    /sessions/{s}/participants                         200 [participant], or 204 when empty
//	PUT    /sessions/{s}/participants/{p}                     204 (Add Participant to Session)
//	DELETE /sessions/{s}/participants/{p}                     204, drops its subscriptions
//	GET    /sessions/{s}/participants/{p}/subscriptions       200 subscriptions, or 204 when none
//	PUT    /sessions/{s}/participants/{p}/subscriptions       204, replaces them all
//	POST   /participants                                      200 {participant, token}
//	GET    /participants/{p}                                  200 participant
//	DELETE /participants/{p}                                  204
//
// Error bodies are application/json: 400, 404, 409 and 500 (and injected
// statuses) carry {"error": "...", "requestId": "<uuid>"}; 401 carries
// {"message": "Unauthorized"}; 403 {"message": "Missing Authentication Token"}.
//
// # Add Participant to Session
//
// The body is optional. No body, Content-Length 0 or a body of white space
// seats the participant with no subscriptions. A body must be declared
// application/json and be valid against the request-body schema of the
// project's contract (package contract, CheckBody: kin-openapi with the
// embedded openapi.yaml): a JSON object {sessionId?, participants?}, each
// entry of participants an object with a string participantId and
// optionally streamAliases, an array of unique strings (empty or missing:
// all aliases), and no null where the schema has none. Anything else is 400
// with the schema's reason, except "participants": null, which the
// published description reads as absent ("if present and not empty or
// null"). Non-empty participants subscribe to exactly those; participants
// missing, null or empty with a sessionId subscribe to the whole session;
// neither means no subscriptions. A repeated call for a participant already
// in the session answers 204 again and replaces its subscriptions. Unknown
// fields are ignored (the schema admits them), a name given twice counts
// with its last value (as encoding/json reads it), and an empty sessionId
// counts as absent; an empty participantId is 400.
//
// # Choices where the API is silent
//
//   - 409 Conflict means the participant already sits in another session (the
//     participant schema caps its sessions to one). Leave that session first.
//   - A session holds at most Config.MaxParticipantsPerSession participants
//     (default 20, the concept pages' limit). The API documents no status for
//     a full session; this server answers 400 {"error": "session is full..."},
//     400 being the documented status for a request that cannot be accepted.
//   - A subscription may name any participantId, seated in the session or not,
//     existing or not: it is recorded as given and 204 is answered. The API
//     treats subscriptions as declarations (whole-session subscriptions cover
//     later joiners, unknown aliases are "undefined", not errors), and
//     checking would turn fixtures seated in a different order into 404s.
//   - Valid credentials with another account id in the path answer 401
//     {"message": "Unauthorized"}: the API's error page defines 401 as "no
//     access to the account (bad username, password or account)" and keeps 403
//     for "no access to the WebRTC API".
//   - A route the server does not know, and a known path with a method it does
//     not route, answer 403 {"message": "Missing Authentication Token"}, like
//     the API gateway in front of the real service. This comes before auth.
//   - A body over MaxBodyBytes (1 MiB) answers 400, not 413, because 413 is not
//     among the documented statuses. The server reads such a body to its end
//     (up to 8 MiB) before answering, so the connection stays usable.
//   - An id in the path of any format is looked up as given (percent-decoded):
//     one that names nothing is 404, whatever it looks like.
//   - Tags longer than MaxTagLength (50) characters answer 400.
//   - Ids are random version-4 UUIDs from crypto/rand, unique across runs and
//     independent of Config.Seed.
//   - Deleting a session unseats its participants and drops their
//     subscriptions; deleting a participant unseats it; subscriptions of
//     others that name a deleted participant stay as they were.
//
// # Faults
//
// Faults are configured by Config.Faults (a faults.Faults, with its YAML shape),
// apply to Add Participant to Session unless Routes is "all", and are drawn
// per request from a PCG source seeded by Config.Seed and the request's
// arrival number, without locks. AcceptInvalid is the one deterministic
// fault: it accepts every body whose only schema problems are of its shape,
// and Stats counts each one so accepted on a call that succeeded. Stats
// counts every status sent and every fault injected, so a test can compare
// what a client saw with what the server did; Stats.Sub isolates one phase. SetFaults swaps the faults at run
// time: fixture setup seats participants with the very PUT the faults target,
// so a harness that must set up cleanly starts without faults and switches
// them on for the measured phase.
//
// # Serving
//
// Start listens on loopback by default and, with TLS, serves HTTP/1.1 and
// HTTP/2 with an in-memory self-signed ECDSA certificate for 127.0.0.1, ::1
// and localhost, whose PEM is Running.CACertPEM (Running.WriteCA saves it).
package refserver
