package refserver

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/faults"
)

// BasePath is the path prefix of every route, as in the API's base URL.
const BasePath = "/v1"

// Server is the reference API: an http.Handler that keeps sessions,
// participants and subscriptions in memory and injects the configured
// faults. It is safe for concurrent use.
type Server struct {
	cfg      Config
	accounts map[string]*accountState
	auth     authIndex
	mux      *http.ServeMux
	inj      atomic.Pointer[injector] // nil: no faults
	start    time.Time                // the stall schedule's origin
	stats    counters
	contract *contract.Contract // the project's: its request-body schema judges bodies
}

// route is one operation the server answers.
type route struct {
	pattern string
	add     bool // Add Participant to Session: counted apart, faulted by default
	public  bool // answered without authentication (the gateway's 403)
	h       handlerFunc
}

// New returns a Server for cfg, or the error of cfg.Validate. The stall
// schedule starts now.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("refserver: %w", err)
	}
	s := &Server{cfg: cfg, accounts: map[string]*accountState{}, mux: http.NewServeMux(), start: time.Now(),
		contract: contract.Default()}
	list := cfg.accounts()
	states := make([]*accountState, len(list))
	for i, a := range list {
		states[i] = newAccountState(a.ID, cfg.maxParticipants())
		s.accounts[a.ID] = states[i]
	}
	s.auth = newAuthIndex(states, list)
	s.installFaults(cfg.Faults)
	for _, rt := range s.routes() {
		s.mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) { s.serveRoute(w, r, rt) })
	}
	return s, nil
}

// routes lists every operation. The catch-all "/" answers what the API's
// gateway answers for a path or method it does not route: 403 Missing
// Authentication Token (so ServeMux never answers 404 or 405 itself).
func (s *Server) routes() []route {
	const acct = "/v1/accounts/{accountId}"
	const sess = acct + "/sessions/{sessionId}"
	const seat = sess + "/participants/{participantId}"
	return []route{
		{pattern: "POST " + acct + "/sessions", h: s.createSession},
		{pattern: "GET " + sess, h: s.getSession},
		{pattern: "DELETE " + sess, h: s.deleteSession},
		{pattern: "GET " + sess + "/participants", h: s.listSessionParticipants},
		{pattern: "PUT " + seat, h: s.addParticipant, add: true},
		{pattern: "DELETE " + seat, h: s.removeParticipant},
		{pattern: "GET " + seat + "/subscriptions", h: s.getSubscriptions},
		{pattern: "PUT " + seat + "/subscriptions", h: s.updateSubscriptions},
		{pattern: "POST " + acct + "/participants", h: s.createParticipant},
		{pattern: "GET " + acct + "/participants/{participantId}", h: s.getParticipant},
		{pattern: "DELETE " + acct + "/participants/{participantId}", h: s.deleteParticipant},
		{pattern: "/", public: true, h: func(*accountState, *http.Request) reply { return missingToken() }},
	}
}

// SetFaults validates f and, if it is valid, replaces the faults the server
// injects from the next request on. The arrival numbering that seeds the
// draws restarts at zero; the stall schedule keeps its origin at New. A
// typical use: start clean, set up fixtures, then switch faults on for the
// measured phase.
func (s *Server) SetFaults(f faults.Faults) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("refserver: faults: %w", err)
	}
	s.installFaults(f)
	return nil
}

func (s *Server) installFaults(f faults.Faults) {
	if !f.Enabled() {
		s.inj.Store(nil)
		return
	}
	s.inj.Store(newInjector(f, s.cfg.Seed, s.start))
}

// Stats returns a snapshot of the server's counters.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// ServeHTTP answers one API request. A stall holds every request, routed or
// not, before anything else happens.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.stats.requests.Add(1)
	if in := s.inj.Load(); in != nil {
		if d := in.stallWait(time.Now()); d > 0 {
			s.stats.countFault(fStall)
			if !sleep(r.Context(), d) {
				panic(http.ErrAbortHandler) // client gone or server closing
			}
		}
	}
	s.mux.ServeHTTP(w, r)
}

// serveRoute runs the fault stages around one operation and writes the reply.
func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request, rt route) {
	var p plan
	var rep reply
	if in := s.inj.Load(); in != nil && (rt.add || in.allRoutes) {
		p = in.plan()
		if secs, ok := in.limit(time.Now()); !ok {
			s.stats.countFault(fRateLimit)
			s.stats.injected[429].Add(1)
			rep = apiError(http.StatusTooManyRequests, "rate limit exceeded")
			rep.retryAfter = retryAfterSeconds(secs)
			s.write(w, r, s.rewrite(rep, p), rt.add, p.slowBody)
			return
		}
		if p.delay > 0 {
			if p.base {
				s.stats.countFault(fLatency)
			}
			if p.tail {
				s.stats.countFault(fTail)
			}
			if !sleep(r.Context(), p.delay) {
				panic(http.ErrAbortHandler)
			}
		}
		switch p.conn {
		case connReset:
			s.stats.countFault(fReset)
			abortConn(w, true)
			return
		case connClose:
			s.stats.countFault(fClose)
			abortConn(w, false)
			return
		}
		if p.errStatus != 0 {
			s.stats.countFault(fError)
			s.stats.injected[statusSlot(p.errStatus)].Add(1)
			rep = apiError(p.errStatus, "injected fault: "+http.StatusText(p.errStatus))
			if p.errStatus == http.StatusServiceUnavailable || p.errStatus == http.StatusTooManyRequests {
				rep.retryAfter = "1"
			}
		}
	}
	if rep.status == 0 {
		rep = s.authorize(r, rt)
	}
	s.write(w, r, s.rewrite(rep, p), rt.add, p.slowBody)
}

// authorize checks the Basic credentials and the account in the path, then
// runs the handler. A valid user naming another account gets 401, as the
// API's error page defines it ("no access to the account").
func (s *Server) authorize(r *http.Request, rt route) reply {
	if rt.public {
		return rt.h(nil, r)
	}
	a := s.auth.authenticate(r)
	if a == nil || a.id != r.PathValue("accountId") {
		return unauthorized()
	}
	return rt.h(a, r)
}

// rewrite applies the bad-mode faults of p to a finished reply.
func (s *Server) rewrite(rep reply, p plan) reply {
	switch {
	case p.wrongStatus && rep.status == http.StatusNoContent:
		s.stats.countFault(fWrongStatus)
		return reply{status: http.StatusOK, body: bodyWrongStatus}
	case p.badErrorBody && rep.status >= 400:
		s.stats.countFault(fBadErrorBody)
		text := fmt.Sprintf("%d %s: something went wrong\n", rep.status, http.StatusText(rep.status))
		return reply{status: rep.status, body: []byte(text), contentType: hdrText[0], retryAfter: rep.retryAfter}
	}
	return rep
}
