package scenarios

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// builder renders the requests of each case from the fixtures. Every
// negative case carries exactly one defect; the rest of its request is the
// valid request of subscribe_all or subscribe_session.
type builder struct {
	cfg     PlanConfig
	json    map[string][]string // valid credentials, JSON body
	bare    map[string][]string // valid credentials, no body
	noAuth  map[string][]string
	badAuth map[string][]string
	text    map[string][]string
}

func newBuilder(cfg PlanConfig) *builder {
	auth := basicAuth(cfg.Username, cfg.Password)
	h := func(kv ...string) map[string][]string {
		m := map[string][]string{"User-Agent": {UserAgent}}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = []string{kv[i+1]}
		}
		return m
	}
	return &builder{
		cfg:     cfg,
		json:    h("Authorization", auth, "Content-Type", "application/json"),
		bare:    h("Authorization", auth),
		noAuth:  h("Content-Type", "application/json"),
		badAuth: h("Authorization", basicAuth(cfg.Username, "wrong-password-wrtcbench"), "Content-Type", "application/json"),
		text:    h("Authorization", auth, "Content-Type", "text/plain"),
	}
}

// sub is one entry of a subscriptions body.
type sub struct {
	ParticipantID string   `json:"participantId"`
	StreamAliases []string `json:"streamAliases,omitempty"`
}

// subscriptions is the body schema of Add Participant to Session.
type subscriptions struct {
	SessionID    string `json:"sessionId"`
	Participants []sub  `json:"participants"`
}

// target is one (session, participant) pair a request is about.
type target struct {
	s, p    int
	session string
	partID  string
	others  []string // publishers of the session other than the participant
}

// pick chooses a seated participant, preferring one with other publishers
// to subscribe to.
func (b *builder) pick(r *rand.Rand) target {
	ss := b.cfg.Fixtures.Sessions
	s := r.IntN(len(ss))
	sess := ss[s]
	p := r.IntN(len(sess.Participants))
	t := target{s: s, p: p, session: sess.ID, partID: sess.Participants[p]}
	for _, q := range sess.Publishers {
		if q != t.partID {
			t.others = append(t.others, q)
		}
	}
	return t
}

// url returns the request URL for account, session and participant.
func (b *builder) url(account, session, participant string) string {
	return b.cfg.BaseURL + "/accounts/" + account + "/sessions/" + session + "/participants/" + participant
}

// render returns n variants of case name, drawn from the case's own random source.
func (b *builder) render(c int, name string, n int) ([]*runner.Request, error) {
	if _, ok := contract.LookupCase(name); !ok {
		return nil, fmt.Errorf("plan: unknown case %q", name)
	}
	r := caseRand(b.cfg.Seed, c)
	out := make([]*runner.Request, n)
	for i := range out {
		req, err := b.one(r, name)
		if err != nil {
			return nil, err
		}
		req.Case = c
		out[i] = req
	}
	return out, nil
}

// one renders a single request of case name.
func (b *builder) one(r *rand.Rand, name string) (*runner.Request, error) {
	t := b.pick(r)
	acct := b.cfg.AccountID
	all := subscriptions{SessionID: t.session, Participants: subsOf(t.others, nil)}
	req := &runner.Request{Method: http.MethodPut, URL: b.url(acct, t.session, t.partID), Header: b.json}
	var body any = all
	switch name {
	case contract.SubscribeSession:
		body = map[string]string{"sessionId": t.session}
	case contract.SubscribeAll:
	case contract.AliasSubset:
		all.Participants = subsOf(t.others, func() []string { return aliasSubset(r, b.cfg.Aliases) })
		body = all
	case contract.NoBody:
		req.Header, body = b.bare, nil
	case contract.EmptyParticipants:
		body = subscriptions{SessionID: t.session, Participants: []sub{}}
	case contract.MalformedJSON:
		full := mustJSON(all)
		req.Body = full[:1+r.IntN(len(full)-1)] // any proper prefix of an object is invalid JSON
		return req, nil
	case contract.WrongContentType:
		req.Header = b.text
	case contract.BodyNotObject:
		if r.IntN(2) == 0 {
			body = all.Participants
		} else {
			body = t.session
		}
	case contract.ParticipantsNotArray:
		body = map[string]any{"sessionId": t.session, "participants": sub{ParticipantID: firstOr(t.others, t.partID)}}
	case contract.MissingParticipantID:
		entries := []any{}
		for _, q := range t.others {
			entries = append(entries, sub{ParticipantID: q})
		}
		broken := map[string]any{"streamAliases": aliasSubset(r, b.cfg.Aliases)}
		entries = append(entries, nil)
		k := r.IntN(len(entries))
		copy(entries[k+1:], entries[k:])
		entries[k] = broken
		body = map[string]any{"sessionId": t.session, "participants": entries}
	case contract.ParticipantIDWrongType:
		body = map[string]any{"sessionId": t.session, "participants": []any{map[string]any{"participantId": 100000 + r.IntN(900000)}}}
	case contract.AliasesNotArray:
		body = map[string]any{"sessionId": t.session, "participants": []any{
			map[string]any{"participantId": firstOr(t.others, t.partID), "streamAliases": pickAlias(r, b.cfg.Aliases)}}}
	case contract.DuplicateAliases:
		a := pickAlias(r, b.cfg.Aliases)
		body = subscriptions{SessionID: t.session, Participants: []sub{{ParticipantID: firstOr(t.others, t.partID), StreamAliases: []string{a, a}}}}
	case contract.SessionIDMismatch:
		other := uuid(r)
		if ss := b.cfg.Fixtures.Sessions; len(ss) > 1 {
			other = ss[(t.s+1)%len(ss)].ID
		}
		body = subscriptions{SessionID: other, Participants: all.Participants}
	case contract.UnknownSession:
		unknown := uuid(r)
		req.URL = b.url(acct, unknown, t.partID)
		body = map[string]string{"sessionId": unknown}
	case contract.UnknownParticipant:
		req.URL = b.url(acct, t.session, uuid(r))
		body = map[string]string{"sessionId": t.session}
	case contract.ParticipantInOtherSession:
		ss := b.cfg.Fixtures.Sessions
		if len(ss) < 2 {
			return nil, fmt.Errorf("plan: %s needs at least 2 sessions", name)
		}
		other := ss[(t.s+1)%len(ss)]
		req.URL = b.url(acct, t.session, other.Participants[r.IntN(len(other.Participants))])
		body = map[string]string{"sessionId": t.session}
	case contract.MissingAuth:
		req.Header = b.noAuth
	case contract.BadAuth:
		req.Header = b.badAuth
	case contract.ForeignAccount:
		req.URL = b.url(foreignAccount(acct), t.session, t.partID)
	default:
		return nil, fmt.Errorf("plan: no request builder for case %q", name)
	}
	if body != nil {
		req.Body = mustJSON(body)
	}
	return req, nil
}

// subsOf lists participants as subscription entries, with aliases from
// aliases() when it is not nil.
func subsOf(ids []string, aliases func() []string) []sub {
	out := make([]sub, len(ids))
	for i, id := range ids {
		out[i].ParticipantID = id
		if aliases != nil {
			out[i].StreamAliases = aliases()
		}
	}
	return out
}

// aliasSubset returns a non-empty subset of aliases, in their given order.
func aliasSubset(r *rand.Rand, aliases []string) []string {
	if len(aliases) == 0 {
		return []string{}
	}
	for {
		var out []string
		for _, a := range aliases {
			if r.IntN(2) == 1 {
				out = append(out, a)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
}

func pickAlias(r *rand.Rand, aliases []string) string {
	if len(aliases) == 0 {
		return "microphone1"
	}
	return aliases[r.IntN(len(aliases))]
}

func firstOr(ids []string, fallback string) string {
	if len(ids) > 0 {
		return ids[0]
	}
	return fallback
}

// uuid returns a well-formed random UUID (version 4) from r.
func uuid(r *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
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
		panic(fmt.Sprintf("plan: marshal %T: %v", v, err)) // only plain maps, slices and strings get here
	}
	return b
}
