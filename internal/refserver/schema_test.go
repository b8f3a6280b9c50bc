package refserver

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/contract"
)

// TestBodySchemaRules: the server holds a body to the whole request-body
// schema, and where the document reads otherwise, to its documented
// choices. Each row names the rule.
func TestBodySchemaRules(t *testing.T) {
	e := newEnv(t, Config{})
	w := newWorld(e)
	pub := w.publishers[0]
	tests := []struct {
		name, body string
		want       int
	}{
		{"sessionId null: the schema has no null", `{"sessionId":null}`, 400},
		{"streamAliases null", `{"participants":[{"participantId":"` + pub + `","streamAliases":null}]}`, 400},
		{"an entry null", `{"participants":[null]}`, 400},
		{"participantId an object", `{"participants":[{"participantId":{"id":"` + pub + `"}}]}`, 400},
		{"participantId past float64", `{"participants":[{"participantId":1e400}]}`, 400},
		{"sessionId nested deep", `{"sessionId":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`, 400},
		{"participantId empty: the project's rule", `{"participants":[{"participantId":""}]}`, 400},
		{"participants null: read as absent, as the description says", `{"sessionId":"` + w.s + `","participants":null}`, 204},
		{"participants null with another problem", `{"sessionId":7,"participants":null}`, 400},
		{"unknown properties are ignored", `{"sessionId":"` + w.s + `","SessionID":"x","x":[[[{}]]],"n":1e400}`, 204},
		{"unknown properties in an entry", `{"participants":[{"participantId":"` + pub + `","alias":"x"}]}`, 204},
		{"a name given twice: the last counts (valid)", `{"sessionId":5,"sessionId":"` + w.s + `"}`, 204},
		{"a name given twice: the last counts (invalid)", `{"sessionId":"` + w.s + `","sessionId":5}`, 400},
		{"a lone surrogate in an alias reads as U+FFFD", `{"participants":[{"participantId":"` + pub + `","streamAliases":["\ud800"]}]}`, 204},
		{"21 subscriptions: the list has no limit", `{"participants":[` + strings.Repeat(`{"participantId":"`+pub+`"},`, 20) + `{"participantId":"` + pub + `"}]}`, 204},
		{"NUL in an alias", `{"participants":[{"participantId":"` + pub + `","streamAliases":["a\u0000b"]}]}`, 204},
		{"a repeated participant", `{"participants":[{"participantId":"` + pub + `"},{"participantId":"` + pub + `"}]}`, 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(request{method: "PUT", path: "sessions/" + w.s + "/participants/" + e.participant(), body: tt.body})
			require.Equal(t, tt.want, r.status, string(r.body))
			if tt.want == 400 {
				requireErrorBody(t, r)
			}
		})
	}
	t.Run("update subscriptions holds bodies to the same schema", func(t *testing.T) {
		sub := e.participant()
		e.seat(w.s, sub)
		r := e.do(request{method: "PUT", path: "sessions/" + w.s + "/participants/" + sub + "/subscriptions", body: `{"sessionId":null}`})
		require.Equal(t, 400, r.status)
	})
}

// TestGeneratedRequestsAnsweredAsDocumented draws the requests of both
// generated cases against real fixtures and sends them: every answer is in
// the request's own expected set, and every mutation kind was sent.
func TestGeneratedRequestsAnsweredAsDocumented(t *testing.T) {
	if testing.Short() {
		t.Skip("3,000 requests over loopback")
	}
	e := newEnv(t, Config{})
	world := &contract.World{Account: DefaultAccount, Aliases: []string{"microphone1", "camera1"}}
	for range 2 {
		s := contract.Session{ID: e.session()}
		for i := range 4 {
			p := e.participant()
			e.seat(s.ID, p)
			s.Participants = append(s.Participants, p)
			if i < 3 {
				s.Publishers = append(s.Publishers, p)
			}
		}
		world.Sessions = append(world.Sessions, s)
	}
	kinds := map[string]int{}
	statuses := map[int]int{}
	for _, name := range []string{contract.GeneratedBody, contract.GeneratedPath} {
		c, _ := contract.LookupCase(name)
		r := rand.New(rand.NewPCG(11, 13))
		g := contract.NewGeneration(contract.Default())
		for i := range 1500 {
			p := contract.NewPick(r, world)
			p.Gen = g
			d, err := c.Draw(p)
			require.NoError(t, err)
			status, body := sendDraft(t, e, d)
			statuses[status]++
			require.True(t, d.Gen.Expect.Has(status), "%s request %d (%s): got %d %s; expected %s: %s\nbody: %.300s",
				name, i, contract.MutationText(d.Gen.Mutations), status, body, d.Gen.Expect, d.Gen.Why, d.Body)
			for _, m := range d.Gen.Mutations {
				kinds[m.Kind]++
			}
		}
	}
	for _, k := range []string{contract.MutWrongType, contract.MutNull, contract.MutMissing, contract.MutExtraProperty,
		contract.MutDuplicateKey, contract.MutEmptyArray, contract.MutManyItems, contract.MutDuplicateItems,
		contract.MutLongString, contract.MutHugeString, contract.MutOddString, contract.MutNumberLimit,
		contract.MutDeepNesting, contract.MutNonUUID, contract.MutUnknownID, contract.MutOtherSession,
		contract.MutPercentEncoded, contract.MutReservedChars, contract.MutUnicodeID, contract.MutLongID} {
		assert.Positive(t, kinds[k], "%s was never sent", k)
	}
	t.Logf("statuses %v; kinds %v", statuses, kinds)
}

// sendDraft sends d as the load generator renders it: each path segment as
// the draft encoded it, or escaped.
func sendDraft(t *testing.T, e *env, d contract.Draft) (int, string) {
	t.Helper()
	seg := func(i int, id string) string {
		if d.Segments[i] != "" {
			return d.Segments[i]
		}
		return url.PathEscape(id)
	}
	u := e.srv.URL + "/v1/accounts/" + seg(0, d.Account) + "/sessions/" + seg(1, d.Session) + "/participants/" + seg(2, d.Participant)
	var body io.Reader
	if d.Body != nil {
		body = bytes.NewReader(d.Body)
	}
	req, err := http.NewRequest(http.MethodPut, u, body)
	require.NoError(t, err, u)
	if d.ContentType != "" {
		req.Header.Set("Content-Type", d.ContentType)
	}
	req.SetBasicAuth(DefaultUsername, DefaultPassword)
	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestBodyTooLargeKeepsTheConnection: an oversized body is read to its end
// before the 400, so a keep-alive client goes on on the same connection.
func TestBodyTooLargeKeepsTheConnection(t *testing.T) {
	e := newEnv(t, Config{})
	w := newWorld(e)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	send := func(body string) (int, bool) {
		var reused bool
		ctx := httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{
			GotConn: func(ci httptrace.GotConnInfo) { reused = ci.Reused },
		})
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, e.url("sessions/"+w.s+"/participants/"+w.publishers[0]), strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(DefaultUsername, DefaultPassword)
		resp, err := client.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, reused
	}
	status, _ := send(`{}`)
	require.Equal(t, 204, status)
	status, reused := send(fmt.Sprintf(`{"x":"%s"}`, strings.Repeat("x", MaxBodyBytes+100)))
	require.Equal(t, 400, status)
	assert.True(t, reused)
	status, reused = send(`{}`)
	require.Equal(t, 204, status)
	assert.True(t, reused, "the connection survived the oversized body")
}
