package refserver

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/faults"
)

// TestAcceptInvalid: with the fault, a body whose only schema problems are
// of the shape is accepted and counted; any other problem, a name given
// twice, or a call that fails for another reason is not.
func TestAcceptInvalid(t *testing.T) {
	e := newEnv(t, Config{Faults: faults.Faults{AcceptInvalid: faults.AcceptParticipantIDNumber}})
	w := newWorld(e)
	pub := w.publishers[0]
	const unknownID = "6f1c0d8e-0000-4000-8000-000000000000"
	tests := []struct {
		name, session, body string
		want                int
		counted             bool
	}{
		{"a participantId that is a number", w.s, `{"participants":[{"participantId":123456}]}`, 204, true},
		{"two of them, beside a valid entry", w.s, `{"participants":[{"participantId":1},{"participantId":"` + pub + `"},{"participantId":-2.5}]}`, 204, true},
		{"and an unknown property, which the schema admits", w.s, `{"x":1,"participants":[{"participantId":7}]}`, 204, true},
		{"and another problem", w.s, `{"sessionId":null,"participants":[{"participantId":7}]}`, 400, false},
		{"a participantId that is a string of digits is valid anyway", w.s, `{"participants":[{"participantId":"7"}]}`, 204, false},
		{"a participantId that is a boolean is another shape", w.s, `{"participants":[{"participantId":true}]}`, 400, false},
		{"a name given twice", w.s, `{"participants":[{"participantId":7,"participantId":8}]}`, 400, false},
		{"accepted, but the session does not exist", unknownID, `{"participants":[{"participantId":7}]}`, 404, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.rs.Stats()
			r := e.do(request{method: "PUT", path: "sessions/" + tt.session + "/participants/" + e.participant(), body: tt.body})
			require.Equal(t, tt.want, r.status, string(r.body))
			n := e.rs.Stats().Sub(before).Faults[FaultAcceptInvalid]
			if tt.counted {
				assert.Equal(t, uint64(1), n)
			} else {
				assert.Zero(t, n)
			}
		})
	}
	t.Run("the number is taken as its text", func(t *testing.T) {
		sub := e.participant()
		r := e.do(request{method: "PUT", path: "sessions/" + w.s + "/participants/" + sub, body: `{"participants":[{"participantId":42}]}`})
		require.Equal(t, 204, r.status)
		require.Equal(t, "42", e.subs(w.s, sub).Participants[0].ParticipantID)
	})
	t.Run("other routes only with routes: all", func(t *testing.T) {
		sub := e.participant()
		e.seat(w.s, sub)
		path := "sessions/" + w.s + "/participants/" + sub + "/subscriptions"
		require.Equal(t, 400, e.do(request{method: "PUT", path: path, body: `{"participants":[{"participantId":1}]}`}).status)
		require.NoError(t, e.rs.SetFaults(faults.Faults{AcceptInvalid: faults.AcceptParticipantIDNumber, Routes: faults.RoutesAll}))
		require.Equal(t, 204, e.do(request{method: "PUT", path: path, body: `{"participants":[{"participantId":1}]}`}).status)
	})
}

func TestAcceptDuplicateAliases(t *testing.T) {
	e := newEnv(t, Config{Faults: faults.Faults{AcceptInvalid: faults.AcceptDuplicateAliases}})
	w := newWorld(e)
	body := `{"participants":[{"participantId":"` + w.publishers[0] + `","streamAliases":["camera1","camera1"]}]}`
	r := e.do(request{method: "PUT", path: "sessions/" + w.s + "/participants/" + e.participant(), body: body})
	require.Equal(t, 204, r.status, string(r.body))
	assert.Equal(t, uint64(1), e.rs.Stats().Faults[FaultAcceptInvalid])
	r = e.do(request{method: "PUT", path: "sessions/" + w.s + "/participants/" + e.participant(), body: `{"participants":[{"participantId":5}]}`})
	require.Equal(t, 400, r.status, "another shape is refused")
}

func TestAcceptInvalidValidation(t *testing.T) {
	_, err := New(Config{Faults: faults.Faults{AcceptInvalid: "anything_goes"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `accept_invalid: "anything_goes" is not a shape; use participant_id_number or duplicate_aliases`)
}
