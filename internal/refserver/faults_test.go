package refserver

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/faults"
	"github.com/wrtcbench/wrtcbench/internal/units"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// TestPlanDeterministic: the same seed gives the same decisions in the same
// order, another seed other decisions, and the frequencies match the
// configured probabilities.
func TestPlanDeterministic(t *testing.T) {
	f := faults.Faults{Errors: map[int]float64{500: 0.1, 503: 0.2}, Reset: 0.05, Close: 0.05,
		Latency: faults.Latency{Uniform: faults.Uniform{Min: ms(1), Max: ms(3)}, Tail: faults.Tail{Fraction: 0.1, Latency: ms(100)}}}
	const n = 20000
	draw := func(seed int64) []plan {
		in := newInjector(f, seed, time.Now())
		out := make([]plan, n)
		for i := range out {
			out[i] = in.plan()
		}
		return out
	}
	a, b, c := draw(42), draw(42), draw(43)
	require.Equal(t, a, b, "same seed, same plans")
	require.NotEqual(t, a, c, "another seed, other plans")

	var e500, e503, resets, closes, tails int
	for _, p := range a {
		base := p.delay
		if p.tail {
			tails++
			base -= 100 * time.Millisecond
		}
		require.GreaterOrEqual(t, base, time.Millisecond)
		require.LessOrEqual(t, base, 3*time.Millisecond)
		switch p.errStatus {
		case 500:
			e500++
		case 503:
			e503++
		}
		switch p.conn {
		case connReset:
			resets++
		case connClose:
			closes++
		}
	}
	// Binomial standard deviations are below 60 for these n and p; allow 5.
	assert.InDelta(t, 0.1*n, e500, 300)
	assert.InDelta(t, 0.2*n, e503, 300)
	assert.InDelta(t, 0.05*n, resets, 200)
	assert.InDelta(t, 0.05*n, closes, 200)
	assert.InDelta(t, 0.1*n, tails, 300)

	// Switching a fault off does not move the others' draws.
	f.Reset, f.Close = 0, 0
	for i, p := range draw(42) {
		require.Equal(t, a[i].errStatus, p.errStatus)
	}
}

func TestLogNormalMedian(t *testing.T) {
	in := newInjector(faults.Faults{Latency: faults.Latency{LogNormal: faults.LogNormal{Median: ms(10), Sigma: 1, Max: ms(100)}}}, 7, time.Now())
	below := 0
	const n = 10000
	for range n {
		p := in.plan()
		require.LessOrEqual(t, p.delay, 100*time.Millisecond, "capped at max")
		if p.delay < 10*time.Millisecond {
			below++
		}
	}
	assert.InDelta(t, n/2, below, 250, "half the draws fall below the median")
}

func TestStallWaitArithmetic(t *testing.T) {
	start := time.Unix(1000, 0)
	in := newInjector(faults.Faults{Stall: faults.Stall{Every: ms(5000), For: ms(1000)}}, 0, start)
	for _, tc := range []struct{ at, want time.Duration }{
		{0, 0}, {3999 * time.Millisecond, 0}, {4 * time.Second, time.Second},
		{4500 * time.Millisecond, 500 * time.Millisecond}, {5 * time.Second, 0}, {9500 * time.Millisecond, 500 * time.Millisecond},
	} {
		assert.Equal(t, tc.want, in.stallWait(start.Add(tc.at)), "at %v", tc.at)
	}
}

// TestStallHoldsRequests runs a stalled server under synctest's fake clock:
// a request arriving 4.6s in waits until 5s exactly.
func TestStallHoldsRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rs, err := New(Config{Faults: faults.Faults{Stall: faults.Stall{Every: ms(5000), For: ms(1000)}}})
		require.NoError(t, err)
		time.Sleep(4600 * time.Millisecond)
		start := time.Now()
		rec := httptest.NewRecorder()
		rs.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/unknown", nil))
		assert.Equal(t, 400*time.Millisecond, time.Since(start))
		assert.Equal(t, 403, rec.Code)

		start = time.Now() // 5s: outside the stall
		rs.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/v1/unknown", nil))
		assert.Zero(t, time.Since(start))
		assert.Equal(t, uint64(1), rs.Stats().Faults[FaultStall])
	})
}

func TestLatencyFixed(t *testing.T) {
	e := newEnv(t, Config{})
	w := newWorld(e)
	require.NoError(t, e.rs.SetFaults(faults.Faults{Latency: faults.Latency{Fixed: ms(50)}}))
	start := time.Now()
	r := e.do(request{method: "PUT", path: "sessions/" + w.s + "/participants/" + e.participant()})
	require.Equal(t, 204, r.status)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
	assert.Equal(t, uint64(1), e.rs.Stats().Faults[FaultLatency], "only the PUT was delayed")
}

func TestErrorsAlways(t *testing.T) {
	e := newEnv(t, Config{})
	w := newWorld(e)
	require.NoError(t, e.rs.SetFaults(faults.Faults{Errors: map[int]float64{503: 1}}))
	r := e.do(request{method: "PUT", path: "sessions/" + w.s + "/participants/" + e.participant()})
	require.Equal(t, 503, r.status)
	assert.Equal(t, "1", r.header.Get("Retry-After"))
	requireErrorBody(t, r)
	st := e.rs.Stats()
	assert.Equal(t, uint64(1), st.Faults[FaultError])
	assert.Equal(t, map[int]uint64{503: 1}, st.InjectedStatus)
	assert.Equal(t, map[int]uint64{204: 3, 503: 1}, st.AddParticipant, "three seats before the fault, one after")
}

// TestErrorsSeeded compares the client's count of injected statuses with the
// server's Stats and with the plan a fresh injector predicts for the seed.
func TestErrorsSeeded(t *testing.T) {
	f := faults.Faults{Errors: map[int]float64{500: 0.2, 503: 0.1}}
	e := newEnv(t, Config{Seed: 99})
	w := newWorld(e)
	sub := e.participant()
	require.NoError(t, e.rs.SetFaults(f))
	before := e.rs.Stats()
	got := map[int]uint64{}
	const n = 200
	for range n {
		got[e.do(request{method: "PUT", path: "sessions/" + w.s + "/participants/" + sub}).status]++
	}
	st := e.rs.Stats().Sub(before)
	assert.Equal(t, got, st.AddParticipant)
	assert.Equal(t, got[500]+got[503], st.Faults[FaultError])
	assert.Equal(t, map[int]uint64{500: got[500], 503: got[503]}, st.InjectedStatus)

	// SetFaults restarted the numbering: request i drew plan i.
	in := newInjector(f, 99, time.Now())
	want := map[int]uint64{}
	for range n {
		p := in.plan()
		code := p.errStatus
		if code == 0 {
			code = 204
		}
		want[code]++
	}
	assert.Equal(t, want, got, "the seed decides which requests fail")
	assert.NotZero(t, got[500])
	assert.NotZero(t, got[503])
}

func TestRoutesAll(t *testing.T) {
	e := newEnv(t, Config{Faults: faults.Faults{Routes: faults.RoutesAll, Errors: map[int]float64{500: 1}}})
	r := e.do(request{method: "POST", path: "sessions"})
	assert.Equal(t, 500, r.status)
	requireErrorBody(t, r)
	assert.Equal(t, map[int]uint64{500: 1}, e.rs.Stats().Status)
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, Config{})
	w := newWorld(e)
	sub := e.participant()
	require.NoError(t, e.rs.SetFaults(faults.Faults{RateLimit: faults.RateLimit{Rate: units.Rate{PerSecond: 0.1}, Burst: 2}}))
	path := "sessions/" + w.s + "/participants/" + sub
	require.Equal(t, 204, e.do(request{method: "PUT", path: path}).status, "burst token 1")
	require.Equal(t, 204, e.do(request{method: "PUT", path: path}).status, "burst token 2")
	r := e.do(request{method: "PUT", path: path})
	require.Equal(t, 429, r.status)
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
	assert.Contains(t, string(r.body), "rate limit")
	// One token per 10 s: the next frees up within 10 s.
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	require.NoError(t, err, "Retry-After is whole seconds")
	assert.True(t, secs >= 1 && secs <= 10, "Retry-After %d", secs)
	st := e.rs.Stats()
	assert.Equal(t, uint64(1), st.Faults[FaultRateLimit])
	assert.Equal(t, uint64(1), st.InjectedStatus[429])
}

func TestWorldSurvivesRateLimit(t *testing.T) {
	// newWorld requires 204 for every seat; this checks the limiter passes a burst.
	e := newEnv(t, Config{Faults: faults.Faults{RateLimit: faults.RateLimit{Rate: units.Rate{PerSecond: 1000}, Burst: 5}}})
	newWorld(e)
	assert.Zero(t, e.rs.Stats().Faults[FaultRateLimit])
}

// rawPut sends one PUT on a fresh connection and returns the transport error.
func rawPut(t *testing.T, e *env, path string) error {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequest("PUT", e.url(path), nil)
	require.NoError(t, err)
	req.SetBasicAuth(DefaultUsername, DefaultPassword)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			return errors.New("got a response: " + resp.Status)
		}
	}
	return err
}

func TestConnectionReset(t *testing.T) {
	e := newEnv(t, Config{Faults: faults.Faults{Reset: 1}})
	s, p := e.session(), e.participant()
	err := rawPut(t, e, "sessions/"+s+"/participants/"+p)
	require.Error(t, err)
	assert.True(t, errors.Is(err, syscall.ECONNRESET), "want a connection reset, got %v", err)
	assert.Equal(t, uint64(1), e.rs.Stats().Faults[FaultReset])
}

func TestConnectionClose(t *testing.T) {
	e := newEnv(t, Config{Faults: faults.Faults{Close: 1}})
	s, p := e.session(), e.participant()
	err := rawPut(t, e, "sessions/"+s+"/participants/"+p)
	require.Error(t, err)
	assert.True(t, errors.Is(err, io.EOF), "want EOF, got %v", err)
	st := e.rs.Stats()
	assert.Equal(t, uint64(1), st.Faults[FaultClose])
	assert.Empty(t, st.AddParticipant, "no status was sent")
}

func TestSlowBody(t *testing.T) {
	const delay = 100 * time.Millisecond
	e := newEnv(t, Config{Faults: faults.Faults{Errors: map[int]float64{500: 1}, SlowBody: faults.SlowBody{Probability: 1, Delay: delay}}})
	s, p := e.session(), e.participant()
	req, err := http.NewRequest("PUT", e.url("sessions/"+s+"/participants/"+p), nil)
	require.NoError(t, err)
	req.SetBasicAuth(DefaultUsername, DefaultPassword)
	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	headersAt := time.Now()
	require.Equal(t, 500, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(headersAt), delay/2, "the second half of the body came late")
	assert.True(t, strings.HasPrefix(string(body), `{"error":`), string(body))
	assert.Equal(t, uint64(1), e.rs.Stats().Faults[FaultSlowBody])
}

func TestBadModes(t *testing.T) {
	t.Run("wrong_status", func(t *testing.T) {
		e := newEnv(t, Config{Faults: faults.Faults{Bad: faults.Bad{WrongStatus: 1}}})
		s, p := e.session(), e.participant()
		r := e.do(request{method: "PUT", path: "sessions/" + s + "/participants/" + p})
		assert.Equal(t, 200, r.status)
		assert.Equal(t, "application/json", r.header.Get("Content-Type"))
		assert.NotEmpty(t, r.body)
		assert.Equal(t, uint64(1), e.rs.Stats().Faults[FaultWrongStatus])
		assert.Equal(t, map[int]uint64{200: 1}, e.rs.Stats().AddParticipant)
	})
	t.Run("bad_error_body", func(t *testing.T) {
		e := newEnv(t, Config{Faults: faults.Faults{Bad: faults.Bad{BadErrorBody: 1}}})
		s, p := e.session(), e.participant()
		r := e.do(request{method: "PUT", path: "sessions/" + s + "/participants/" + p, body: `{"sessionId":`})
		assert.Equal(t, 400, r.status)
		assert.True(t, strings.HasPrefix(r.header.Get("Content-Type"), "text/plain"))
		assert.NotEqual(t, byte('{'), r.body[0], "not JSON")
		r = e.do(request{method: "PUT", path: "sessions/" + s + "/participants/" + p})
		assert.Equal(t, 204, r.status, "successes are untouched")
		assert.Equal(t, uint64(1), e.rs.Stats().Faults[FaultBadErrorBody])
	})
}

func TestStatsSub(t *testing.T) {
	a := Stats{Requests: 5, Status: map[int]uint64{204: 3, 400: 2}, Faults: map[FaultKind]uint64{FaultError: 1}}
	b := Stats{Requests: 9, Status: map[int]uint64{204: 6, 400: 2, 500: 1}, Faults: map[FaultKind]uint64{FaultError: 2}}
	d := b.Sub(a)
	assert.Equal(t, uint64(4), d.Requests)
	assert.Equal(t, map[int]uint64{204: 3, 500: 1}, d.Status)
	assert.Equal(t, map[FaultKind]uint64{FaultError: 1}, d.Faults)
}

// TestPlanTails: a second tail is drawn on its own, so the two overlap as
// independent events would (2% get both of a 10% and a 20% tail), and adding
// it moves none of the other decisions.
func TestPlanTails(t *testing.T) {
	one := faults.Faults{Errors: map[int]float64{500: 0.1},
		Latency: faults.Latency{Fixed: ms(2), Tail: faults.Tail{Fraction: 0.1, Latency: ms(38)}}}
	two := one
	two.Latency.Tails = []faults.Tail{{Fraction: 0.2, Latency: ms(5)}}
	const n = 20000
	a, b := newInjector(one, 7, time.Now()), newInjector(two, 7, time.Now())
	got := map[time.Duration]int{}
	for range n {
		pa, pb := a.plan(), b.plan()
		require.Equal(t, pa.errStatus, pb.errStatus, "the second tail moved another draw")
		require.Equal(t, pa.delay == ms(40), pb.delay >= ms(40), "the second tail moved the first")
		got[pb.delay]++
	}
	// Binomial standard deviations are below 65 for these n and p; allow 5.
	for d, p := range map[time.Duration]float64{ms(2): 0.72, ms(7): 0.18, ms(40): 0.08, ms(45): 0.02} {
		assert.InDelta(t, p*n, got[d], 325, "delay %v", d)
	}
	assert.Len(t, got, 4, "only the four sums of the two tails")
}
