package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
)

// World is what requests are built from: the account, the fixtures that
// setup produced and the stream aliases publishers publish.
type World struct {
	Account  string
	Sessions []Session
	Aliases  []string
}

// Session is one session of the fixtures and the participants in it.
type Session struct {
	ID           string
	Participants []string // every participant of the session
	Publishers   []string // the participants that publish media (a subset)
}

// Auth is which credentials a request carries.
type Auth uint8

// The credentials of a request.
const (
	AuthValid         Auth = iota // the run's own
	AuthNone                      // no Authorization header
	AuthWrongPassword             // the run's user name with a wrong password
)

// Draft is one request of a case before it is rendered for the wire: the ids
// of its path, its credentials, its Content-Type and its body.
type Draft struct {
	Account, Session, Participant string
	Auth                          Auth
	ContentType                   string // "" sends none
	Body                          []byte // nil sends none
}

// Pick is what a builder draws a request from: the world, the seated
// participant the request is about (session S, participant P of it) and the
// case's random source, which every choice of the builder is drawn from so
// that the same seed gives the same requests.
type Pick struct {
	Rand  *rand.Rand
	World *World
	S, P  int
}

// NewPick chooses a participant of w to build a request about.
func NewPick(r *rand.Rand, w *World) *Pick {
	s := r.IntN(len(w.Sessions))
	return &Pick{Rand: r, World: w, S: s, P: r.IntN(len(w.Sessions[s].Participants))}
}

// Draw draws one request of case c from p.
func (c Case) Draw(p *Pick) (Draft, error) {
	if c.Build == nil {
		return Draft{}, fmt.Errorf("case %s has no builder", c.Name)
	}
	return c.Build(p)
}

// Session returns the session of the participant the request is about.
func (p *Pick) Session() Session { return p.World.Sessions[p.S] }

// Participant returns the id of the participant the request is about.
func (p *Pick) Participant() string { return p.Session().Participants[p.P] }

// Others returns the publishers of the session other than the participant.
func (p *Pick) Others() []string {
	var out []string
	me := p.Participant()
	for _, q := range p.Session().Publishers {
		if q != me {
			out = append(out, q)
		}
	}
	return out
}

// Draft returns the request about the participant with body, valid
// credentials and Content-Type application/json.
func (p *Pick) Draft(body any) Draft {
	d := Draft{Account: p.World.Account, Session: p.Session().ID, Participant: p.Participant(),
		Auth: AuthValid, ContentType: "application/json"}
	if body != nil {
		d.Body = mustJSON(body)
	}
	return d
}

// subscription is one entry of a subscriptions body.
type subscription struct {
	ParticipantID string   `json:"participantId"`
	StreamAliases []string `json:"streamAliases,omitempty"`
}

// subscriptions is the request body's schema.
type subscriptions struct {
	SessionID    string         `json:"sessionId"`
	Participants []subscription `json:"participants"`
}

// all returns the valid body of subscribe_all: every other publisher of the
// session, with aliases from aliases() when it is not nil.
func (p *Pick) all(aliases func() []string) subscriptions {
	others := p.Others()
	subs := make([]subscription, len(others))
	for i, id := range others {
		subs[i].ParticipantID = id
		if aliases != nil {
			subs[i].StreamAliases = aliases()
		}
	}
	return subscriptions{SessionID: p.Session().ID, Participants: subs}
}

// target returns a participant to subscribe to: another publisher, or the
// participant itself when the session has none.
func (p *Pick) target() string {
	if others := p.Others(); len(others) > 0 {
		return others[0]
	}
	return p.Participant()
}

// aliasSubset returns a non-empty subset of the aliases, in their order.
func (p *Pick) aliasSubset() []string {
	aliases := p.World.Aliases
	if len(aliases) == 0 {
		return []string{}
	}
	for {
		var out []string
		for _, a := range aliases {
			if p.Rand.IntN(2) == 1 {
				out = append(out, a)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
}

// alias returns one of the aliases.
func (p *Pick) alias() string {
	aliases := p.World.Aliases
	if len(aliases) == 0 {
		return "microphone1"
	}
	return aliases[p.Rand.IntN(len(aliases))]
}

// uuid returns a well-formed random UUID (version 4).
func (p *Pick) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(p.Rand.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// nextSession returns the session after the participant's, or false when
// there is only one.
func (p *Pick) nextSession() (Session, bool) {
	ss := p.World.Sessions
	if len(ss) < 2 {
		return Session{}, false
	}
	return ss[(p.S+1)%len(ss)], true
}

// foreignAccount returns an account id that is not acct.
func foreignAccount(acct string) string {
	if acct == "9900001" {
		return "9900002"
	}
	return "9900001"
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("contract: marshal %T: %v", v, err)) // only plain maps, slices and strings get here
	}
	return b
}

// The builders, one per case. Each starts from the valid request about the
// picked participant and gives it the case's one defect.

func buildSubscribeSession(p *Pick) (Draft, error) {
	return p.Draft(map[string]string{"sessionId": p.Session().ID}), nil
}

func buildSubscribeAll(p *Pick) (Draft, error) { return p.Draft(p.all(nil)), nil }

func buildAliasSubset(p *Pick) (Draft, error) { return p.Draft(p.all(p.aliasSubset)), nil }

func buildEmptyAliases(p *Pick) (Draft, error) {
	subs := []map[string]any{}
	for _, id := range p.Others() {
		subs = append(subs, map[string]any{"participantId": id, "streamAliases": []string{}})
	}
	return p.Draft(map[string]any{"sessionId": p.Session().ID, "participants": subs}), nil
}

func buildNoBody(p *Pick) (Draft, error) {
	d := p.Draft(nil)
	d.ContentType = ""
	return d, nil
}

func buildEmptyParticipants(p *Pick) (Draft, error) {
	return p.Draft(subscriptions{SessionID: p.Session().ID, Participants: []subscription{}}), nil
}

func buildMalformedJSON(p *Pick) (Draft, error) {
	d := p.Draft(p.all(nil))
	d.Body = d.Body[:1+p.Rand.IntN(len(d.Body)-1)] // any proper prefix of an object is invalid JSON
	return d, nil
}

func buildWrongContentType(p *Pick) (Draft, error) {
	d := p.Draft(p.all(nil))
	d.ContentType = "text/plain"
	return d, nil
}

func buildBodyNotObject(p *Pick) (Draft, error) {
	if p.Rand.IntN(2) == 0 {
		return p.Draft(p.all(nil).Participants), nil
	}
	return p.Draft(p.Session().ID), nil
}

func buildParticipantsNotArray(p *Pick) (Draft, error) {
	return p.Draft(map[string]any{"sessionId": p.Session().ID, "participants": subscription{ParticipantID: p.target()}}), nil
}

func buildMissingParticipantID(p *Pick) (Draft, error) {
	var entries []any
	for _, q := range p.Others() {
		entries = append(entries, subscription{ParticipantID: q})
	}
	broken := map[string]any{"streamAliases": p.aliasSubset()}
	entries = append(entries, nil)
	k := p.Rand.IntN(len(entries))
	copy(entries[k+1:], entries[k:])
	entries[k] = broken
	return p.Draft(map[string]any{"sessionId": p.Session().ID, "participants": entries}), nil
}

func buildParticipantIDWrongType(p *Pick) (Draft, error) {
	return p.Draft(map[string]any{"sessionId": p.Session().ID,
		"participants": []any{map[string]any{"participantId": 100000 + p.Rand.IntN(900000)}}}), nil
}

func buildAliasesNotArray(p *Pick) (Draft, error) {
	return p.Draft(map[string]any{"sessionId": p.Session().ID,
		"participants": []any{map[string]any{"participantId": p.target(), "streamAliases": p.alias()}}}), nil
}

func buildDuplicateAliases(p *Pick) (Draft, error) {
	a := p.alias()
	return p.Draft(subscriptions{SessionID: p.Session().ID,
		Participants: []subscription{{ParticipantID: p.target(), StreamAliases: []string{a, a}}}}), nil
}

func buildSessionIDMismatch(p *Pick) (Draft, error) {
	other := p.uuid()
	if s, ok := p.nextSession(); ok {
		other = s.ID
	}
	return p.Draft(subscriptions{SessionID: other, Participants: p.all(nil).Participants}), nil
}

func buildUnknownSession(p *Pick) (Draft, error) {
	unknown := p.uuid()
	d := p.Draft(map[string]string{"sessionId": unknown})
	d.Session = unknown
	return d, nil
}

func buildUnknownParticipant(p *Pick) (Draft, error) {
	d := p.Draft(map[string]string{"sessionId": p.Session().ID})
	d.Participant = p.uuid()
	return d, nil
}

// errOneSession is the builder's error for a case that needs two sessions.
var errOneSession = errors.New("needs at least 2 sessions")

func buildParticipantInOtherSession(p *Pick) (Draft, error) {
	other, ok := p.nextSession()
	if !ok {
		return Draft{}, fmt.Errorf("%s %w", ParticipantInOtherSession, errOneSession)
	}
	d := p.Draft(map[string]string{"sessionId": p.Session().ID})
	d.Participant = other.Participants[p.Rand.IntN(len(other.Participants))]
	return d, nil
}

func buildMissingAuth(p *Pick) (Draft, error) {
	d := p.Draft(p.all(nil))
	d.Auth = AuthNone
	return d, nil
}

func buildBadAuth(p *Pick) (Draft, error) {
	d := p.Draft(p.all(nil))
	d.Auth = AuthWrongPassword
	return d, nil
}

func buildForeignAccount(p *Pick) (Draft, error) {
	d := p.Draft(p.all(nil))
	d.Account = foreignAccount(d.Account)
	return d, nil
}
