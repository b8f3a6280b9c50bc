package refserver

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/faults"
)

func TestGatewayForbidden(t *testing.T) {
	e := newEnv(t, Config{})
	s := e.session()
	cases := []struct {
		name string
		rq   request
	}{
		{"unknown path", request{method: "GET", path: "/v1/nothing"}},
		{"root", request{method: "GET", path: "/"}},
		{"no /v1 prefix", request{method: "PUT", path: "/accounts/" + DefaultAccount + "/sessions/" + s + "/participants/x"}},
		{"method not routed on a known path", request{method: "PATCH", path: "sessions/" + s}},
		{"POST on the add-participant path", request{method: "POST", path: "sessions/" + s + "/participants/x"}},
		{"unknown path without credentials: the gateway answers before auth", request{method: "GET", path: "/v1/x", noAuth: true}},
		{"trailing slash", request{method: "POST", path: "sessions/"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.rq)
			require.Equal(t, 403, r.status)
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			assert.JSONEq(t, `{"message":"Missing Authentication Token"}`, string(r.body))
		})
	}
}

func TestAuthOnEveryRoute(t *testing.T) {
	e := newEnv(t, Config{})
	s, p := e.session(), e.participant()
	e.seat(s, p)
	paths := []struct{ method, path string }{
		{"POST", "sessions"}, {"GET", "sessions/" + s}, {"DELETE", "sessions/" + s},
		{"GET", "sessions/" + s + "/participants"}, {"PUT", "sessions/" + s + "/participants/" + p},
		{"DELETE", "sessions/" + s + "/participants/" + p},
		{"GET", "sessions/" + s + "/participants/" + p + "/subscriptions"},
		{"PUT", "sessions/" + s + "/participants/" + p + "/subscriptions"},
		{"POST", "participants"}, {"GET", "participants/" + p}, {"DELETE", "participants/" + p},
	}
	for _, rt := range paths {
		r := e.do(request{method: rt.method, path: rt.path, noAuth: true})
		assert.Equal(t, 401, r.status, "%s %s without credentials", rt.method, rt.path)
		r = e.do(request{method: rt.method, path: rt.path, user: "someone", pass: DefaultPassword})
		assert.Equal(t, 401, r.status, "%s %s with an unknown user", rt.method, rt.path)
	}
	// Nothing above changed state.
	require.Equal(t, 200, e.do(request{method: "GET", path: "sessions/" + s}).status)
}

func TestAccounts(t *testing.T) {
	e := newEnv(t, Config{Accounts: []Account{{ID: "1", Username: "u1", Password: "p1"}, {ID: "2", Username: "u2", Password: "p2"}}})
	r := e.do(request{method: "POST", path: "/v1/accounts/2/sessions", user: "u2", pass: "p2"})
	require.Equal(t, 200, r.status)
	var sess sessionJSON
	require.NoError(t, json.Unmarshal(r.body, &sess))
	assert.Equal(t, 401, e.do(request{method: "GET", path: "/v1/accounts/1/sessions/" + sess.ID, user: "u2", pass: "p2"}).status,
		"u2 has no access to account 1")
	assert.Equal(t, 401, e.do(request{method: "GET", path: "/v1/accounts/2/sessions/" + sess.ID, user: "u1", pass: "p1"}).status)
	assert.Equal(t, 401, e.do(request{method: "GET", path: "/v1/accounts/2/sessions/" + sess.ID, user: "u2", pass: "p1"}).status)
	assert.Equal(t, 401, e.do(request{method: "GET", path: "/v1/accounts/" + DefaultAccount + "/sessions/" + sess.ID}).status,
		"the default account is not served when accounts are configured")
	assert.Equal(t, 200, e.do(request{method: "GET", path: "/v1/accounts/2/sessions/" + sess.ID, user: "u2", pass: "p2"}).status)
}

func TestSessionsAndParticipants(t *testing.T) {
	e := newEnv(t, Config{})
	r := e.do(request{method: "POST", path: "sessions", body: `{"tag":"room-1"}`})
	require.Equal(t, 200, r.status)
	var sess sessionJSON
	require.NoError(t, json.Unmarshal(r.body, &sess))
	assert.Equal(t, "room-1", sess.Tag)
	assert.Len(t, sess.ID, 36)

	r = e.do(request{method: "GET", path: "sessions/" + sess.ID})
	require.Equal(t, 200, r.status)
	assert.JSONEq(t, `{"id":"`+sess.ID+`","tag":"room-1"}`, string(r.body))

	r = e.do(request{method: "POST", path: "participants", body: `{"publishPermissions":["VIDEO"],"tag":"alice","callbackUrl":null}`})
	require.Equal(t, 200, r.status, string(r.body))
	var created createParticipantResponse
	require.NoError(t, json.Unmarshal(r.body, &created))
	p := created.Participant
	assert.Equal(t, []string{"VIDEO"}, p.PublishPermissions)
	assert.Equal(t, "V3", p.DeviceAPIVersion, "the default device API version")
	assert.Equal(t, []string{}, p.Sessions, "a new participant sits in no session")
	assert.Contains(t, string(r.body), `"subscriptions":{}`, "a new participant's subscriptions are an empty object")

	require.Equal(t, 204, e.do(request{method: "GET", path: "sessions/" + sess.ID + "/participants"}).status, "empty session")
	e.seat(sess.ID, p.ID)
	r = e.do(request{method: "GET", path: "sessions/" + sess.ID + "/participants"})
	require.Equal(t, 200, r.status)
	var list []participantJSON
	require.NoError(t, json.Unmarshal(r.body, &list))
	require.Len(t, list, 1)
	assert.Equal(t, []string{sess.ID}, list[0].Sessions)

	// Subscriptions: set, read, removed with the seat.
	subPath := "sessions/" + sess.ID + "/participants/" + p.ID + "/subscriptions"
	require.Nil(t, e.subs(sess.ID, p.ID))
	require.Equal(t, 204, e.do(request{method: "PUT", path: subPath, body: `{"sessionId":"` + sess.ID + `"}`}).status)
	require.Equal(t, &subscriptions{SessionID: sess.ID}, e.subs(sess.ID, p.ID))
	require.Equal(t, 400, e.do(request{method: "PUT", path: subPath, body: `{"participants":"x"}`}).status)
	require.Equal(t, 204, e.do(request{method: "PUT", path: subPath}).status, "no body removes all")
	require.Nil(t, e.subs(sess.ID, p.ID))
	require.Equal(t, 204, e.do(request{method: "PUT", path: subPath, body: `{"sessionId":"` + sess.ID + `"}`}).status)
	require.Equal(t, 204, e.do(request{method: "DELETE", path: "sessions/" + sess.ID + "/participants/" + p.ID}).status)
	assert.Equal(t, 404, e.do(request{method: "GET", path: subPath}).status, "not seated any more")
	assert.Equal(t, 404, e.do(request{method: "DELETE", path: "sessions/" + sess.ID + "/participants/" + p.ID}).status)
	e.seat(sess.ID, p.ID)
	assert.Nil(t, e.subs(sess.ID, p.ID), "removing the seat dropped the subscriptions")

	require.Equal(t, 204, e.do(request{method: "DELETE", path: "sessions/" + sess.ID}).status)
	assert.Equal(t, 404, e.do(request{method: "GET", path: "sessions/" + sess.ID}).status)
	assert.Equal(t, 404, e.do(request{method: "DELETE", path: "sessions/" + sess.ID}).status)
	r = e.do(request{method: "GET", path: "participants/" + p.ID})
	require.Equal(t, 200, r.status)
	assert.Contains(t, string(r.body), `"sessions":[]`, "deleting the session unseated the participant")
	require.Equal(t, 204, e.do(request{method: "DELETE", path: "participants/" + p.ID}).status)
	assert.Equal(t, 404, e.do(request{method: "GET", path: "participants/" + p.ID}).status)
}

func TestCreateValidation(t *testing.T) {
	e := newEnv(t, Config{})
	cases := []struct {
		name, path, body string
		want             int
	}{
		{"session without body", "sessions", "", 200},
		{"session tag of 50 characters", "sessions", `{"tag":"` + strings.Repeat("é", 50) + `"}`, 200},
		{"session tag of 51 characters", "sessions", `{"tag":"` + strings.Repeat("a", 51) + `"}`, 400},
		{"session tag not a string", "sessions", `{"tag":5}`, 400},
		{"session malformed JSON", "sessions", `{"tag":`, 400},
		{"participant without body", "participants", "", 200},
		{"participant tag of 51 characters", "participants", `{"tag":"` + strings.Repeat("a", 51) + `"}`, 400},
		{"participant unknown permission", "participants", `{"publishPermissions":["SCREEN"]}`, 400},
		{"participant repeated permission", "participants", `{"publishPermissions":["AUDIO","AUDIO"]}`, 400},
		{"participant device version V2", "participants", `{"deviceApiVersion":"V2"}`, 400},
		{"participant body an array", "participants", `[]`, 400},
	}
	for _, tc := range cases {
		r := e.do(request{method: "POST", path: tc.path, body: tc.body})
		assert.Equal(t, tc.want, r.status, "%s: %s", tc.name, r.body)
		if tc.want == 400 {
			requireErrorBody(t, r)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero value", Config{}, true},
		{"two accounts", Config{Accounts: []Account{{"1", "a", "x"}, {"2", "b", "y"}}}, true},
		{"empty id", Config{Accounts: []Account{{"", "a", "x"}}}, false},
		{"duplicate id", Config{Accounts: []Account{{"1", "a", "x"}, {"1", "b", "y"}}}, false},
		{"shared user name", Config{Accounts: []Account{{"1", "a", "x"}, {"2", "a", "y"}}}, false},
		{"colon in user name", Config{Accounts: []Account{{"1", "a:b", "x"}}}, false},
		{"empty password", Config{Accounts: []Account{{"1", "a", ""}}}, false},
		{"negative limit", Config{MaxParticipantsPerSession: -1}, false},
		{"bad faults", Config{Faults: faults.Faults{Reset: 2}}, false},
	}
	for _, tc := range cases {
		err := tc.cfg.Validate()
		if tc.ok {
			assert.NoError(t, err, tc.name)
		} else {
			assert.Error(t, err, tc.name)
			_, nerr := New(tc.cfg)
			assert.Error(t, nerr, "New rejects what Validate rejects: %s", tc.name)
		}
	}
}
