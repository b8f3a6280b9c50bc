package refserver

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// world is a session with three seated publishers, as the load generator
// sets it up, plus a second session for the 409 case.
type world struct {
	s, other   string
	publishers []string
}

func newWorld(e *env) world {
	w := world{s: e.session(), other: e.session()}
	for range 3 {
		p := e.participant()
		e.seat(w.s, p)
		w.publishers = append(w.publishers, p)
	}
	return w
}

// TestSpecCases sends every case of SPEC section 3 and expects its documented
// status. Each row builds its request from a fresh subscriber.
func TestSpecCases(t *testing.T) {
	e := newEnv(t, Config{})
	w := newWorld(e)
	put := func(s, p string) string { return "sessions/" + s + "/participants/" + p }
	const unknownID = "6f1c0d8e-0000-4000-8000-000000000000"
	cases := []struct {
		name   string
		want   int
		reason string
		build  func(sub string) request
	}{
		{"subscribe_session", 204, "sessionId alone subscribes to the whole session", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: fmt.Sprintf(`{"sessionId":%q}`, w.s)}
		}},
		{"subscribe_all", 204, "naming every publisher without aliases is valid", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: fmt.Sprintf(
				`{"sessionId":%q,"participants":[{"participantId":%q},{"participantId":%q},{"participantId":%q}]}`,
				w.s, w.publishers[0], w.publishers[1], w.publishers[2])}
		}},
		{"alias_subset", 204, "a non-empty subset of aliases per publisher", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: fmt.Sprintf(
				`{"participants":[{"participantId":%q,"streamAliases":["microphone1"]},{"participantId":%q,"streamAliases":["camera1","screen1"]}]}`,
				w.publishers[0], w.publishers[1])}
		}},
		{"no_body", 204, "the body is optional", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub)}
		}},
		{"empty_participants", 204, "empty participants with sessionId is the whole session", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: fmt.Sprintf(`{"sessionId":%q,"participants":[]}`, w.s)}
		}},
		{"malformed_json", 400, "truncated JSON", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: fmt.Sprintf(`{"sessionId":%q,"participants":[{"particip`, w.s)}
		}},
		{"wrong_content_type", 400, "valid JSON declared text/plain", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: fmt.Sprintf(`{"sessionId":%q}`, w.s), contentType: "text/plain"}
		}},
		{"body_not_object/array", 400, "a JSON array is not the subscriptions object", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: fmt.Sprintf(`[{"sessionId":%q}]`, w.s)}
		}},
		{"body_not_object/string", 400, "a JSON string is not the subscriptions object", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: fmt.Sprintf(`%q`, w.s)}
		}},
		{"body_not_object/null", 400, "null is not an object either", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: `null`}
		}},
		{"participants_not_array", 400, "participants is an object", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: fmt.Sprintf(`{"participants":{"participantId":%q}}`, w.publishers[0])}
		}},
		{"missing_participant_id", 400, "an entry without participantId", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: fmt.Sprintf(
				`{"participants":[{"participantId":%q},{"streamAliases":["camera1"]}]}`, w.publishers[0])}
		}},
		{"participant_id_wrong_type", 400, "participantId is a number", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: `{"participants":[{"participantId":42}]}`}
		}},
		{"aliases_not_array", 400, "streamAliases is a string", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: fmt.Sprintf(
				`{"participants":[{"participantId":%q,"streamAliases":"microphone1"}]}`, w.publishers[0])}
		}},
		{"duplicate_aliases", 400, "streamAliases items must be unique", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: fmt.Sprintf(
				`{"participants":[{"participantId":%q,"streamAliases":["camera1","microphone1","camera1"]}]}`, w.publishers[0])}
		}},
		{"session_id_mismatch", 400, "the body names another session than the path", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), body: fmt.Sprintf(`{"sessionId":%q}`, w.other)}
		}},
		{"unknown_session", 404, "a well-formed session id that was never created", func(sub string) request {
			return request{method: "PUT", path: put(unknownID, sub)}
		}},
		{"unknown_participant", 404, "a well-formed participant id that was never created", func(string) request {
			return request{method: "PUT", path: put(w.s, unknownID)}
		}},
		{"participant_in_other_session", 409, "a participant's sessions are capped to one", func(sub string) request {
			e.seat(w.other, sub)
			return request{method: "PUT", path: put(w.s, sub)}
		}},
		{"missing_auth", 401, "no Authorization header", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), noAuth: true}
		}},
		{"bad_auth", 401, "wrong password", func(sub string) request {
			return request{method: "PUT", path: put(w.s, sub), user: DefaultUsername, pass: "wrong"}
		}},
		{"foreign_account", 401, "valid credentials, another account in the path (documented choice: 401)", func(sub string) request {
			return request{method: "PUT", path: "/v1/accounts/1234567/sessions/" + w.s + "/participants/" + sub}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.build(e.participant()))
			require.Equal(t, tc.want, r.status, "%s: %s", tc.reason, r.body)
			switch {
			case tc.want == 204:
				assert.Empty(t, r.body, "204 carries no body")
			case tc.want == 401:
				assert.Equal(t, "application/json", r.header.Get("Content-Type"))
				assert.JSONEq(t, `{"message":"Unauthorized"}`, string(r.body))
			default:
				requireErrorBody(t, r)
			}
		})
	}
}

// TestCurlExample sends the documentation page's curl request, with ids of
// real fixtures, exactly as written: header "Content-type", basic auth.
func TestCurlExample(t *testing.T) {
	e := newEnv(t, Config{})
	s, sub, p1, p2 := e.session(), e.participant(), e.participant(), e.participant()
	e.seat(s, p1)
	e.seat(s, p2)
	body := `
{
  "sessionId": "` + s + `",
  "participants": [
    {
        "participantId": "` + p1 + `"
    },
    {
        "participantId": "` + p2 + `",
        "streamAliases": ["microphone1", "microphone2"]
    }
  ]
}`
	r := e.do(request{method: "PUT", path: "sessions/" + s + "/participants/" + sub, body: body, contentType: "application/json"})
	require.Equal(t, 204, r.status, string(r.body))
	require.Empty(t, r.body)
	require.Equal(t, &subscriptions{SessionID: s, Participants: []participantSubscription{
		{ParticipantID: p1}, {ParticipantID: p2, StreamAliases: []string{"microphone1", "microphone2"}},
	}}, e.subs(s, sub))
}

// TestSubscriptionBehaviours checks the three documented behaviours and that
// a repeated call replaces the subscriptions.
func TestSubscriptionBehaviours(t *testing.T) {
	e := newEnv(t, Config{})
	w := newWorld(e)
	sub := e.participant()
	path := "sessions/" + w.s + "/participants/" + sub
	steps := []struct {
		name, body string
		want       *subscriptions
	}{
		{"explicit participants", fmt.Sprintf(`{"participants":[{"participantId":%q,"streamAliases":[]}]}`, w.publishers[0]),
			&subscriptions{SessionID: w.s, Participants: []participantSubscription{{ParticipantID: w.publishers[0], StreamAliases: []string{}}}}},
		{"whole session replaces explicit", fmt.Sprintf(`{"sessionId":%q}`, w.s), &subscriptions{SessionID: w.s}},
		{"null participants is the whole session", fmt.Sprintf(`{"sessionId":%q,"participants":null}`, w.s), &subscriptions{SessionID: w.s}},
		{"empty object subscribes to nothing", `{}`, nil},
		{"unknown fields are ignored", fmt.Sprintf(`{"sessionId":%q,"extra":true}`, w.s), &subscriptions{SessionID: w.s}},
		{"no body again: idempotent, subscriptions replaced by none", "", nil},
		{"white space is an empty body", "  \n", nil},
		{"a publisher not in the session is accepted (documented choice)",
			`{"participants":[{"participantId":"11111111-2222-4333-8444-555555555555"}]}`,
			&subscriptions{SessionID: w.s, Participants: []participantSubscription{{ParticipantID: "11111111-2222-4333-8444-555555555555"}}}},
	}
	for _, st := range steps {
		r := e.do(request{method: "PUT", path: path, body: st.body})
		require.Equal(t, 204, r.status, "%s: %s", st.name, r.body)
		got := e.subs(w.s, sub)
		if st.want != nil && st.want.Participants != nil && st.want.Participants[0].StreamAliases != nil {
			// "streamAliases": [] round-trips as absent: empty means all aliases either way.
			st.want.Participants[0].StreamAliases = nil
		}
		require.Equal(t, st.want, got, st.name)
	}
}

func TestContentTypeWithParameters(t *testing.T) {
	e := newEnv(t, Config{})
	w := newWorld(e)
	r := e.do(request{method: "PUT", path: "sessions/" + w.s + "/participants/" + e.participant(),
		body: fmt.Sprintf(`{"sessionId":%q}`, w.s), contentType: "Application/JSON; charset=utf-8"})
	require.Equal(t, 204, r.status, string(r.body))
	r = e.do(request{method: "PUT", path: "sessions/" + w.s + "/participants/" + e.participant(),
		body: fmt.Sprintf(`{"sessionId":%q}`, w.s), contentType: "-"})
	require.Equal(t, 400, r.status, "a body without Content-Type")
	requireErrorBody(t, r)
}

func TestIdempotentAndConflict(t *testing.T) {
	e := newEnv(t, Config{})
	a, b, p := e.session(), e.session(), e.participant()
	for range 3 {
		e.seat(a, p)
	}
	r := e.do(request{method: "GET", path: "participants/" + p})
	require.Equal(t, 200, r.status)
	var v participantJSON
	require.NoError(t, json.Unmarshal(r.body, &v))
	require.Equal(t, []string{a}, v.Sessions, "seated once, however often it was added")

	r = e.do(request{method: "PUT", path: "sessions/" + b + "/participants/" + p})
	require.Equal(t, 409, r.status)
	requireErrorBody(t, r)

	// After leaving a, the participant may join b.
	r = e.do(request{method: "DELETE", path: "sessions/" + a + "/participants/" + p})
	require.Equal(t, 204, r.status)
	e.seat(b, p)
}

func TestNotFoundAfterDelete(t *testing.T) {
	e := newEnv(t, Config{})
	s, p := e.session(), e.participant()
	e.seat(s, p)
	require.Equal(t, 204, e.do(request{method: "DELETE", path: "sessions/" + s}).status)
	r := e.do(request{method: "PUT", path: "sessions/" + s + "/participants/" + p})
	require.Equal(t, 404, r.status, "deleted session")
	requireErrorBody(t, r)

	s2 := e.session()
	e.seat(s2, p) // deleting s unseated p, so no 409
	require.Equal(t, 204, e.do(request{method: "DELETE", path: "participants/" + p}).status)
	r = e.do(request{method: "PUT", path: "sessions/" + s2 + "/participants/" + p})
	require.Equal(t, 404, r.status, "deleted participant")
	requireErrorBody(t, r)
	require.Equal(t, 204, e.do(request{method: "GET", path: "sessions/" + s2 + "/participants"}).status,
		"deleting the participant emptied the session")
}

func TestSessionLimit(t *testing.T) {
	e := newEnv(t, Config{})
	s := e.session()
	var seated []string
	for range DefaultMaxParticipantsPerSession {
		p := e.participant()
		e.seat(s, p)
		seated = append(seated, p)
	}
	r := e.do(request{method: "PUT", path: "sessions/" + s + "/participants/" + e.participant()})
	require.Equal(t, 400, r.status, "the 21st participant")
	requireErrorBody(t, r)
	require.Contains(t, string(r.body), "session is full")

	e.seat(s, seated[0]) // re-adding a seated participant is not a new seat

	t.Run("configurable", func(t *testing.T) {
		e := newEnv(t, Config{MaxParticipantsPerSession: 1})
		s := e.session()
		e.seat(s, e.participant())
		require.Equal(t, 400, e.do(request{method: "PUT", path: "sessions/" + s + "/participants/" + e.participant()}).status)
	})
}

func TestBodyTooLarge(t *testing.T) {
	e := newEnv(t, Config{})
	w := newWorld(e)
	big := `{"sessionId":"` + w.s + `","pad":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	r := e.do(request{method: "PUT", path: "sessions/" + w.s + "/participants/" + e.participant(), body: big})
	require.Equal(t, 400, r.status)
	requireErrorBody(t, r)
}
