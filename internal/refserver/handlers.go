package refserver

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/wrtcbench/wrtcbench/internal/faults"
)

// handlerFunc handles one operation for an authenticated account.
type handlerFunc func(a *accountState, r *http.Request) reply

// storeError maps a refused state change to its documented status.
func storeError(err error) reply {
	switch {
	case errors.Is(err, errNoSession), errors.Is(err, errNoParticipant), errors.Is(err, errNotSeated):
		return apiError(http.StatusNotFound, err.Error())
	case errors.Is(err, errOtherSession):
		return apiError(http.StatusConflict, err.Error())
	case errors.Is(err, errSessionFull):
		return apiError(http.StatusBadRequest, err.Error())
	default:
		return apiError(http.StatusInternalServerError, err.Error())
	}
}

// acceptInvalid returns the shape of schema-invalid body the faults accept
// on this route (Add Participant to Session, or any with routes: all), or "".
func (s *Server) acceptInvalid(addParticipant bool) faults.AcceptInvalid {
	in := s.inj.Load()
	if in == nil || !(addParticipant || in.allRoutes) {
		return ""
	}
	return in.f.AcceptInvalid
}

// addParticipant is Add Participant to Session:
// PUT /accounts/{a}/sessions/{s}/participants/{p}.
func (s *Server) addParticipant(a *accountState, r *http.Request) reply {
	sid, pid := r.PathValue("sessionId"), r.PathValue("participantId")
	body, release, err := readBody(r)
	if err != nil {
		return apiError(http.StatusBadRequest, err.Error())
	}
	subs, accepted, err := parseSubscriptions(body, r, sid, s.contract, s.acceptInvalid(true))
	release()
	if err != nil {
		return apiError(http.StatusBadRequest, err.Error())
	}
	if err := a.addParticipant(sid, pid, subs); err != nil {
		if errors.Is(err, errSessionFull) {
			return apiError(http.StatusBadRequest, "session is full: it already has the maximum of "+strconv.Itoa(a.maxSeats)+" participants")
		}
		return storeError(err)
	}
	if accepted {
		s.stats.countFault(fAcceptInvalid)
	}
	return noContent()
}

// removeParticipant is DELETE /accounts/{a}/sessions/{s}/participants/{p}.
func (s *Server) removeParticipant(a *accountState, r *http.Request) reply {
	if err := a.removeParticipant(r.PathValue("sessionId"), r.PathValue("participantId")); err != nil {
		return storeError(err)
	}
	return noContent()
}

// getSubscriptions is GET .../participants/{p}/subscriptions: 200 with the
// subscriptions, or 204 when there are none.
func (s *Server) getSubscriptions(a *accountState, r *http.Request) reply {
	subs, err := a.getSubscriptions(r.PathValue("sessionId"), r.PathValue("participantId"))
	if err != nil {
		return storeError(err)
	}
	if subs.isZero() {
		return noContent()
	}
	return okJSON(subs)
}

// updateSubscriptions is PUT .../participants/{p}/subscriptions: a full
// replacement; no body removes every subscription.
func (s *Server) updateSubscriptions(a *accountState, r *http.Request) reply {
	sid, pid := r.PathValue("sessionId"), r.PathValue("participantId")
	body, release, err := readBody(r)
	if err != nil {
		return apiError(http.StatusBadRequest, err.Error())
	}
	subs, accepted, err := parseSubscriptions(body, r, sid, s.contract, s.acceptInvalid(false))
	release()
	if err != nil {
		return apiError(http.StatusBadRequest, err.Error())
	}
	if err := a.setSubscriptions(sid, pid, subs); err != nil {
		return storeError(err)
	}
	if accepted {
		s.stats.countFault(fAcceptInvalid)
	}
	return noContent()
}

// createSession is POST /accounts/{a}/sessions, body {tag} (optional).
func (s *Server) createSession(a *accountState, r *http.Request) reply {
	var b sessionBody
	if err := decodeOptional(r, &b); err != nil {
		return apiError(http.StatusBadRequest, err.Error())
	}
	tag := optional(b.Tag)
	if err := checkTag(tag); err != nil {
		return apiError(http.StatusBadRequest, err.Error())
	}
	return okJSON(a.createSession(tag))
}

// getSession is GET /accounts/{a}/sessions/{s}.
func (s *Server) getSession(a *accountState, r *http.Request) reply {
	v, err := a.getSession(r.PathValue("sessionId"))
	if err != nil {
		return storeError(err)
	}
	return okJSON(v)
}

// deleteSession is DELETE /accounts/{a}/sessions/{s}.
func (s *Server) deleteSession(a *accountState, r *http.Request) reply {
	if err := a.deleteSession(r.PathValue("sessionId")); err != nil {
		return storeError(err)
	}
	return noContent()
}

// listSessionParticipants is GET /accounts/{a}/sessions/{s}/participants:
// 200 with the seated participants, or 204 when the session is empty.
func (s *Server) listSessionParticipants(a *accountState, r *http.Request) reply {
	list, err := a.listSessionParticipants(r.PathValue("sessionId"))
	if err != nil {
		return storeError(err)
	}
	if len(list) == 0 {
		return noContent()
	}
	return okJSON(list)
}

// createParticipantResponse is the 200 body of Create Participant.
type createParticipantResponse struct {
	Participant participantJSON `json:"participant"`
	Token       string          `json:"token"`
}

// createParticipant is POST /accounts/{a}/participants.
func (s *Server) createParticipant(a *accountState, r *http.Request) reply {
	var b participantBody
	if err := decodeOptional(r, &b); err != nil {
		return apiError(http.StatusBadRequest, err.Error())
	}
	p := &participant{
		tag:                optional(b.Tag),
		deviceAPIVersion:   "V3",
		callbackURL:        b.CallbackURL,
		publishPermissions: b.PublishPermissions,
	}
	if err := checkTag(p.tag); err != nil {
		return apiError(http.StatusBadRequest, err.Error())
	}
	if err := checkPermissions(p.publishPermissions); err != nil {
		return apiError(http.StatusBadRequest, err.Error())
	}
	if v := optional(b.DeviceAPIVersion); v != "" && v != "V3" {
		return apiError(http.StatusBadRequest, "deviceApiVersion "+strconv.Quote(v)+" is not supported; the only version is V3")
	}
	v := a.createParticipant(p)
	// The token is opaque to this harness; a real one is a signed JWT.
	return okJSON(createParticipantResponse{Participant: v, Token: "wrtcbench-token." + newUUID()})
}

// getParticipant is GET /accounts/{a}/participants/{p}.
func (s *Server) getParticipant(a *accountState, r *http.Request) reply {
	v, err := a.getParticipant(r.PathValue("participantId"))
	if err != nil {
		return storeError(err)
	}
	return okJSON(v)
}

// deleteParticipant is DELETE /accounts/{a}/participants/{p}.
func (s *Server) deleteParticipant(a *accountState, r *http.Request) reply {
	if err := a.deleteParticipant(r.PathValue("participantId")); err != nil {
		return storeError(err)
	}
	return noContent()
}

// decodeOptional decodes an optional JSON object body into v; no body leaves
// v as it is.
func decodeOptional(r *http.Request, v any) error {
	body, release, err := readBody(r)
	if err != nil {
		return err
	}
	defer release()
	if body == nil {
		return nil
	}
	if err := checkJSONType(r); err != nil {
		return err
	}
	return decodeObject(body, v)
}
