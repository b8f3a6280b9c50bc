package refserver

import (
	"maps"
	"sync/atomic"
)

// FaultKind names one kind of injected fault in Stats.
type FaultKind string

// The fault kinds Stats counts. A request can be counted under several kinds
// (for example latency and then an error).
const (
	FaultLatency      FaultKind = "latency"        // delayed by the base latency (a non-zero draw)
	FaultTail         FaultKind = "tail"           // delayed by the tail latency
	FaultError        FaultKind = "error"          // answered with an injected error status
	FaultRateLimit    FaultKind = "rate_limit"     // answered 429 by the rate limiter
	FaultStall        FaultKind = "stall"          // held until a stall ended
	FaultReset        FaultKind = "reset"          // connection reset instead of an answer
	FaultClose        FaultKind = "close"          // connection closed instead of an answer
	FaultSlowBody     FaultKind = "slow_body"      // response body written slowly
	FaultWrongStatus  FaultKind = "wrong_status"   // 200 with a body sent instead of 204
	FaultBadErrorBody FaultKind = "bad_error_body" // error body sent as non-JSON text/plain
	// FaultAcceptInvalid counts the bodies of the faults' AcceptInvalid
	// shape that the server accepted, on calls that then succeeded (204).
	FaultAcceptInvalid FaultKind = "accept_invalid"
)

// faultKinds lists every kind in a fixed order; its index is the counter slot.
var faultKinds = [...]FaultKind{
	FaultLatency, FaultTail, FaultError, FaultRateLimit, FaultStall,
	FaultReset, FaultClose, FaultSlowBody, FaultWrongStatus, FaultBadErrorBody, FaultAcceptInvalid,
}

// fault is an index into faultKinds.
type fault int

const (
	fLatency fault = iota
	fTail
	fError
	fRateLimit
	fStall
	fReset
	fClose
	fSlowBody
	fWrongStatus
	fBadErrorBody
	fAcceptInvalid
)

// Stats is a snapshot of what a Server did since it was created. Counts only
// grow; take two snapshots and Sub them to count one phase of a run. `serve
// --stats-out FILE` writes the last one as JSON, with these field names.
type Stats struct {
	// Requests counts every request the server received, routed or not.
	Requests uint64 `json:"requests"`
	// Status counts responses by status code, over every route.
	Status map[int]uint64 `json:"status"`
	// AddParticipant counts responses of Add Participant to Session by status.
	AddParticipant map[int]uint64 `json:"add_participant"`
	// Faults counts injected faults by kind; kinds never injected are absent.
	Faults map[FaultKind]uint64 `json:"faults"`
	// InjectedStatus counts injected error answers (Faults.Errors and the
	// rate limiter's 429) by status. They are in Status too.
	InjectedStatus map[int]uint64 `json:"injected_status"`
}

// Sub returns the counts of s minus those of prev, dropping zero entries.
func (s Stats) Sub(prev Stats) Stats {
	return Stats{
		Requests:       s.Requests - prev.Requests,
		Status:         subMap(s.Status, prev.Status),
		AddParticipant: subMap(s.AddParticipant, prev.AddParticipant),
		Faults:         subMap(s.Faults, prev.Faults),
		InjectedStatus: subMap(s.InjectedStatus, prev.InjectedStatus),
	}
}

func subMap[K comparable](cur, prev map[K]uint64) map[K]uint64 {
	out := maps.Clone(cur)
	if out == nil {
		out = map[K]uint64{}
	}
	for k, v := range prev {
		out[k] -= v
		if out[k] == 0 {
			delete(out, k)
		}
	}
	return out
}

// counters holds the live atomic counters behind Stats. Status slots cover
// 100..599; anything else lands in slot 0 (never produced by this server).
type counters struct {
	requests atomic.Uint64
	status   [600]atomic.Uint64
	add      [600]atomic.Uint64
	injected [600]atomic.Uint64
	faults   [len(faultKinds)]atomic.Uint64
}

func statusSlot(code int) int {
	if code < 100 || code > 599 {
		return 0
	}
	return code
}

func (c *counters) countStatus(code int, addParticipant bool) {
	c.status[statusSlot(code)].Add(1)
	if addParticipant {
		c.add[statusSlot(code)].Add(1)
	}
}

func (c *counters) countFault(f fault) { c.faults[f].Add(1) }

func (c *counters) snapshot() Stats {
	st := Stats{
		Requests:       c.requests.Load(),
		Status:         map[int]uint64{},
		AddParticipant: map[int]uint64{},
		Faults:         map[FaultKind]uint64{},
		InjectedStatus: map[int]uint64{},
	}
	for code := range c.status {
		if n := c.status[code].Load(); n > 0 {
			st.Status[code] = n
		}
		if n := c.add[code].Load(); n > 0 {
			st.AddParticipant[code] = n
		}
		if n := c.injected[code].Load(); n > 0 {
			st.InjectedStatus[code] = n
		}
	}
	for i, k := range faultKinds {
		if n := c.faults[i].Load(); n > 0 {
			st.Faults[k] = n
		}
	}
	return st
}
