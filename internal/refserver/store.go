package refserver

import (
	"errors"
	"slices"
	"sync"
)

// The reasons a state change is refused; handlers map them to statuses.
var (
	errNoSession     = errors.New("session not found")
	errNoParticipant = errors.New("participant not found")
	errNotSeated     = errors.New("participant is not in this session")
	errOtherSession  = errors.New("participant is already in another session; a participant's sessions are capped to one")
	errSessionFull   = errors.New("session is full")
)

// subscriptions is what a participant is subscribed to. The zero value is
// "nothing". A stored value is never modified, only replaced, so readers may
// share its slices.
type subscriptions struct {
	// SessionID is the session the subscriptions belong to. With no
	// Participants it means the whole session, later joiners included.
	SessionID string `json:"sessionId,omitempty"`
	// Participants, when not empty, are the only publishers subscribed to.
	Participants []participantSubscription `json:"participants,omitempty"`
}

// participantSubscription subscribes to one publisher; no aliases means all.
type participantSubscription struct {
	ParticipantID string   `json:"participantId"`
	StreamAliases []string `json:"streamAliases,omitempty"`
}

func (s subscriptions) isZero() bool { return s.SessionID == "" && len(s.Participants) == 0 }

// session is one session of an account.
type session struct {
	id, tag string
	seats   []*participant // in joining order; at most Config.MaxParticipantsPerSession
}

// participant is one participant of an account.
type participant struct {
	id, tag, deviceAPIVersion string
	callbackURL               *string
	publishPermissions        []string
	session                   *session // nil: not seated
	subs                      subscriptions
}

// sessionJSON is the API's session object.
type sessionJSON struct {
	ID  string `json:"id"`
	Tag string `json:"tag"`
}

// participantJSON is the API's participant object.
type participantJSON struct {
	ID                 string        `json:"id"`
	CallbackURL        *string       `json:"callbackUrl"`
	PublishPermissions []string      `json:"publishPermissions"`
	Sessions           []string      `json:"sessions"`
	Subscriptions      subscriptions `json:"subscriptions"`
	Tag                string        `json:"tag"`
	DeviceAPIVersion   string        `json:"deviceApiVersion"`
}

// accountState holds one account's sessions and participants under one lock.
// Every critical section is a few map operations, so one RWMutex per account
// is not a bottleneck at the rates a loopback benchmark reaches.
type accountState struct {
	id       string
	maxSeats int

	mu           sync.RWMutex
	sessions     map[string]*session
	participants map[string]*participant
}

func newAccountState(id string, maxSeats int) *accountState {
	return &accountState{
		id:           id,
		maxSeats:     maxSeats,
		sessions:     map[string]*session{},
		participants: map[string]*participant{},
	}
}

func (p *participant) view() participantJSON {
	v := participantJSON{
		ID:                 p.id,
		CallbackURL:        p.callbackURL,
		PublishPermissions: p.publishPermissions,
		Sessions:           []string{},
		Subscriptions:      p.subs,
		Tag:                p.tag,
		DeviceAPIVersion:   p.deviceAPIVersion,
	}
	if v.PublishPermissions == nil {
		v.PublishPermissions = []string{}
	}
	if p.session != nil {
		v.Sessions = []string{p.session.id}
	}
	return v
}

func (a *accountState) createSession(tag string) sessionJSON {
	s := &session{id: newUUID(), tag: tag}
	a.mu.Lock()
	a.sessions[s.id] = s
	a.mu.Unlock()
	return sessionJSON{ID: s.id, Tag: s.tag}
}

func (a *accountState) getSession(id string) (sessionJSON, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	s, ok := a.sessions[id]
	if !ok {
		return sessionJSON{}, errNoSession
	}
	return sessionJSON{ID: s.id, Tag: s.tag}, nil
}

// deleteSession removes a session; its participants leave it and lose their
// subscriptions, which belonged to it.
func (a *accountState) deleteSession(id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.sessions[id]
	if !ok {
		return errNoSession
	}
	for _, p := range s.seats {
		p.session = nil
		p.subs = subscriptions{}
	}
	delete(a.sessions, id)
	return nil
}

func (a *accountState) createParticipant(p *participant) participantJSON {
	p.id = newUUID()
	a.mu.Lock()
	a.participants[p.id] = p
	v := p.view()
	a.mu.Unlock()
	return v
}

func (a *accountState) getParticipant(id string) (participantJSON, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	p, ok := a.participants[id]
	if !ok {
		return participantJSON{}, errNoParticipant
	}
	return p.view(), nil
}

// deleteParticipant removes a participant and its seat. Other participants'
// subscriptions that name it stay as they are: subscriptions are declarative.
func (a *accountState) deleteParticipant(id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, ok := a.participants[id]
	if !ok {
		return errNoParticipant
	}
	if p.session != nil {
		p.session.unseat(p)
	}
	delete(a.participants, id)
	return nil
}

func (a *accountState) listSessionParticipants(sid string) ([]participantJSON, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	s, ok := a.sessions[sid]
	if !ok {
		return nil, errNoSession
	}
	out := make([]participantJSON, len(s.seats))
	for i, p := range s.seats {
		out[i] = p.view()
	}
	return out, nil
}

// addParticipant seats pid in sid (if not already there) and replaces its
// subscriptions. It is idempotent for a participant already in sid.
func (a *accountState) addParticipant(sid, pid string, subs subscriptions) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.sessions[sid]
	if !ok {
		return errNoSession
	}
	p, ok := a.participants[pid]
	if !ok {
		return errNoParticipant
	}
	switch {
	case p.session == s:
	case p.session != nil:
		return errOtherSession
	case len(s.seats) >= a.maxSeats:
		return errSessionFull
	default:
		s.seats = append(s.seats, p)
		p.session = s
	}
	p.subs = subs
	return nil
}

// seated returns participant pid if it sits in session sid. Call with a.mu held.
func (a *accountState) seated(sid, pid string) (*participant, error) {
	s, ok := a.sessions[sid]
	if !ok {
		return nil, errNoSession
	}
	p, ok := a.participants[pid]
	if !ok {
		return nil, errNoParticipant
	}
	if p.session != s {
		return nil, errNotSeated
	}
	return p, nil
}

// removeParticipant unseats pid from sid and drops its subscriptions.
func (a *accountState) removeParticipant(sid, pid string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, err := a.seated(sid, pid)
	if err != nil {
		return err
	}
	p.session.unseat(p)
	return nil
}

func (a *accountState) getSubscriptions(sid, pid string) (subscriptions, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	p, err := a.seated(sid, pid)
	if err != nil {
		return subscriptions{}, err
	}
	return p.subs, nil
}

// setSubscriptions replaces the subscriptions of pid, which must sit in sid.
func (a *accountState) setSubscriptions(sid, pid string, subs subscriptions) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, err := a.seated(sid, pid)
	if err != nil {
		return err
	}
	p.subs = subs
	return nil
}

// unseat removes p from s and clears its session and subscriptions.
func (s *session) unseat(p *participant) {
	if i := slices.Index(s.seats, p); i >= 0 {
		s.seats = slices.Delete(s.seats, i, i+1)
	}
	p.session = nil
	p.subs = subscriptions{}
}
