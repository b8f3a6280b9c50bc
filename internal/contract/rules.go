package contract

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// semanticVerdict applies the documented rules, and the project's, to a
// body the schema admits.
func (k *Contract) semanticVerdict(m map[string]any, d Draft, w *World) verdict {
	var vs []verdict
	if sid, ok := m["sessionId"].(string); ok {
		switch {
		case sid == "":
			vs = append(vs, pass(Project, "an empty sessionId counts as absent (the project's choice)"))
		case sid != d.Session:
			vs = append(vs, fail(Project, "sessionId "+quoteShort(sid)+" differs from the session in the path (the project's choice, as session_id_mismatch)", 400))
		}
	}
	seated := w.participantsOf(d.Session)
	if subs, ok := m["participants"].([]any); ok {
		if len(subs) > MaxParticipantsPerSession {
			vs = append(vs, maybe(fmt.Sprintf("participants lists %d subscriptions, more than a session's %d seats; the document sets no limit on the list", len(subs), MaxParticipantsPerSession), 400))
		}
		var stranger, alias string // the first of each, as one reason says enough
		for _, s := range subs {
			e, _ := s.(map[string]any)
			if pid, ok := e["participantId"].(string); ok && stranger == "" && !slices.Contains(seated, pid) {
				stranger = quoteShort(pid)
			}
			aliases, _ := e["streamAliases"].([]any)
			for _, a := range aliases {
				if s, ok := a.(string); ok && alias == "" && !slices.Contains(w.Aliases, s) {
					alias = quoteShort(s)
				}
			}
		}
		if stranger != "" {
			vs = append(vs, maybe("participants names "+stranger+", who is not in the session; the document does not say whether such a subscription is refused", 400, 404))
		}
		if alias != "" {
			vs = append(vs, maybe("streamAliases names "+alias+", which no publisher publishes; the document calls that undefined", 400))
		}
	}
	if k.HasRequestSchema() {
		if extra := unknownProperties(k.request.schema, m); extra != "" {
			vs = append(vs, maybe("the body has a property the schema does not name ("+quoteShort(extra)+"); the schema admits it, but the document does not say whether the service ignores or refuses it", 400))
		}
	}
	if len(vs) == 0 {
		return pass(Published, "")
	}
	return combine(vs...)
}

// MaxParticipantsPerSession is the limit of participants in one session
// (the API's concept pages).
const MaxParticipantsPerSession = 20

// unknownProperties returns the path of the first property of v that an
// object schema of s, leaving unknown properties unspecified, does not
// name, or "".
func unknownProperties(s *openapi3.Schema, v any) string {
	return firstUnknown(s, v, "", 0)
}

func firstUnknown(s *openapi3.Schema, v any, path string, depth int) string {
	if s == nil || depth > maxSiteDepth {
		return ""
	}
	switch x := v.(type) {
	case map[string]any:
		if len(s.Properties) == 0 {
			return ""
		}
		for _, name := range slices.Sorted(maps.Keys(x)) {
			ref, known := s.Properties[name]
			switch {
			case !known && admitsUnknown(s):
				return path + name
			case known && ref != nil:
				if p := firstUnknown(ref.Value, x[name], path+name+".", depth+1); p != "" {
					return p
				}
			}
		}
	case []any:
		if s.Items == nil {
			return ""
		}
		for _, it := range x {
			if p := firstUnknown(s.Items.Value, it, strings.TrimSuffix(path, ".")+"[].", depth+1); p != "" {
				return p
			}
		}
	}
	return ""
}

// pathVerdict judges the session and participant of the path against the
// fixtures: unknown ids are not found (404), a participant seated in
// another session conflicts (409, the project's reading), and an id of no
// documented format may be refused as bad (400) or not found (404).
func pathVerdict(d Draft, w *World) verdict {
	s, ok := w.session(d.Session)
	if !ok {
		return unknownID("session", d.Session)
	}
	if slices.Contains(s.Participants, d.Participant) {
		return pass(Published, "")
	}
	for _, o := range w.Sessions {
		if slices.Contains(o.Participants, d.Participant) {
			return fail(Project, "the participant sits in another session (the project's reading of 409, as participant_in_other_session)", 409)
		}
	}
	return unknownID("participant", d.Participant)
}

// unknownID is the verdict on a session or participant id nobody created.
func unknownID(what, id string) verdict {
	if isUUID(id) {
		return fail(Published, "the "+what+" "+quoteShort(id)+" does not exist: "+basisHandle, 404)
	}
	return fail(Undecided, "the "+what+" id "+quoteShort(id)+" is no UUID and exists nowhere; the document gives ids no format, so it may be refused as bad (400) or not found (404)", 400, 404)
}

// session returns the fixture session with id.
func (w *World) session(id string) (Session, bool) {
	for _, s := range w.Sessions {
		if s.ID == id {
			return s, true
		}
	}
	return Session{}, false
}

// participantsOf returns the participants of session id, or nil.
func (w *World) participantsOf(id string) []string {
	s, _ := w.session(id)
	return s.Participants
}

// isUUID reports whether s is a UUID in its canonical 8-4-4-4-12 form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// isDigits reports whether s is a non-empty string of ASCII digits.
func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// quoteShort quotes s for a message, cut to a readable length.
func quoteShort(s string) string {
	const n = 48
	if len(s) > n {
		return fmt.Sprintf("%q... (%d bytes)", s[:n], len(s))
	}
	return fmt.Sprintf("%q", s)
}
