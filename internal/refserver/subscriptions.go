package refserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/faults"
)

// subscriptionsBody is the request body of Add Participant to Session and of
// Update Participant Subscriptions, read from a value the request-body
// schema admitted. Pointers tell a missing field from an empty one; unknown
// fields are ignored.
type subscriptionsBody struct {
	SessionID    *string
	Participants []participantSubscriptionBody
}

type participantSubscriptionBody struct {
	ParticipantID *string
	StreamAliases []string
}

// parseSubscriptions reads the optional subscriptions body for a participant
// of session sid, held to the request-body schema of contract k. It returns
// the subscriptions to store, whether the body was of the schema-invalid
// shape accept that the server was told to accept (a fault), or an error
// whose text is the 400 message:
//
//   - no body, or {} : no subscriptions;
//   - a body the request-body schema of the contract refuses: 400 (every
//     rule of the schema: types, required participantId, unique
//     streamAliases, no null where the schema has none), except
//     "participants": null, which the published description treats as
//     absent;
//   - participants non-empty: exactly those publishers;
//   - participants missing, null or empty, sessionId present: the whole session;
//   - sessionId must equal sid when present and not empty;
//   - an empty participantId is refused.
func parseSubscriptions(body []byte, r *http.Request, sid string, k *contract.Contract, accept faults.AcceptInvalid) (subscriptions, bool, error) {
	if body == nil {
		return subscriptions{}, false, nil
	}
	if err := checkJSONType(r); err != nil {
		return subscriptions{}, false, err
	}
	v, err := decodeValue(body)
	if err != nil {
		return subscriptions{}, false, err
	}
	accepted := false
	if probs := k.CheckBody(v, true); len(probs) > 0 {
		if m, ok := v.(map[string]any); ok && !slices.ContainsFunc(probs, notNullParticipants) {
			delete(m, "participants") // the documented reading of null
		} else if accept != "" && ofShape(accept, probs) && !contract.HasDuplicateNames(body) {
			accepted = true
		} else {
			return subscriptions{}, false, fmt.Errorf("the body does not fit the subscriptions schema: %s", probs[0])
		}
	}
	b := fromValue(v.(map[string]any)) // the schema admits only objects
	var out subscriptions
	if b.SessionID != nil && *b.SessionID != "" {
		if *b.SessionID != sid {
			return subscriptions{}, false, fmt.Errorf("sessionId %q in the body differs from the session %q in the path", *b.SessionID, sid)
		}
		out.SessionID = sid
	}
	if len(b.Participants) == 0 {
		return out, accepted, nil
	}
	out.SessionID = sid
	out.Participants = make([]participantSubscription, len(b.Participants))
	for i, p := range b.Participants {
		if *p.ParticipantID == "" {
			return subscriptions{}, false, fmt.Errorf("participants[%d]: participantId is empty", i)
		}
		out.Participants[i] = participantSubscription{ParticipantID: *p.ParticipantID, StreamAliases: p.StreamAliases}
	}
	return out, accepted, nil
}

// decodeValue decodes a JSON body as the schema validator reads it: numbers
// as json.Number, so that none is out of range, and nothing after the value.
func decodeValue(body []byte) (any, error) {
	if !json.Valid(body) {
		var v any
		return nil, decodeError(json.Unmarshal(body, &v))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, decodeError(err)
	}
	return v, nil
}

// notNullParticipants reports whether p is other than the schema's
// complaint about "participants": null.
func notNullParticipants(p contract.Problem) bool {
	return !(p.Keyword == "nullable" && len(p.Pointer) == 1 && p.Pointer[0] == "participants")
}

// ofShape reports whether every problem is of the shape accept.
func ofShape(accept faults.AcceptInvalid, probs []contract.Problem) bool {
	for _, p := range probs {
		ptr := p.Pointer
		inEntry := len(ptr) == 3 && ptr[0] == "participants"
		switch accept {
		case faults.AcceptParticipantIDNumber:
			if !(inEntry && ptr[2] == "participantId" && p.Keyword == "type" && isNumber(p.Value)) {
				return false
			}
		case faults.AcceptDuplicateAliases:
			if !(inEntry && ptr[2] == "streamAliases" && p.Keyword == "uniqueItems") {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// isNumber reports whether v is a JSON number as the validator reports it
// (float64, or json.Number for one past float64).
func isNumber(v any) bool {
	switch v.(type) {
	case float64, json.Number:
		return true
	}
	return false
}

// fromValue reads a body the schema admitted (or one of an accepted shape:
// a participantId that is a number is taken as its text).
func fromValue(m map[string]any) subscriptionsBody {
	var b subscriptionsBody
	if s, ok := m["sessionId"].(string); ok {
		b.SessionID = &s
	}
	entries, _ := m["participants"].([]any)
	for _, e := range entries {
		em, _ := e.(map[string]any)
		var p participantSubscriptionBody
		switch id := em["participantId"].(type) {
		case string:
			p.ParticipantID = &id
		case json.Number:
			s := id.String()
			p.ParticipantID = &s
		}
		if aliases, ok := em["streamAliases"].([]any); ok {
			p.StreamAliases = make([]string, 0, len(aliases))
			for _, a := range aliases {
				s, _ := a.(string)
				p.StreamAliases = append(p.StreamAliases, s)
			}
		}
		b.Participants = append(b.Participants, p)
	}
	return b
}
