package runner

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roundTripFunc lets a test play the target inside a synctest bubble, where
// real sockets would not be durably blocked. Real HTTP is tested end to end
// in cmd/wrtcbench.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// answer returns a response with the given status and body.
func answer(r *http.Request, status int, body string) *http.Response {
	h := http.Header{}
	if body != "" {
		h.Set("Content-Type", "application/json")
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: r}
}

// collect is a Recorder that keeps a copy of every Result.
type collect struct {
	mu  sync.Mutex
	all []Result
}

func (c *collect) Record(_ int, r *Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cp := *r
	cp.Response.Body = slices.Clone(r.Response.Body)
	c.all = append(c.all, cp)
}

func (c *collect) sorted() []Result {
	slices.SortFunc(c.all, func(a, b Result) int { return int(a.Seq) - int(b.Seq) })
	return c.all
}

// recorderFunc is a Recorder made of a function.
type recorderFunc func(worker int, r *Result)

func (f recorderFunc) Record(worker int, r *Result) { f(worker, r) }

func testConfig(rt roundTripFunc, rec Recorder) Config {
	req := &Request{Method: "PUT", URL: "http://target.test/v1/x"}
	return Config{
		Model:    Open,
		Timer:    TimerRuntime, // the one synctest's clock drives
		Client:   &http.Client{Transport: rt},
		Source:   SourceFunc(func(uint64) *Request { return req }),
		Recorder: rec,
	}
}

func TestOpenModelKeepsSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &collect{}
		cfg := testConfig(func(r *http.Request) (*http.Response, error) {
			time.Sleep(2 * time.Millisecond) // service time
			return answer(r, 204, ""), nil
		}, rec)
		cfg.Pacer, cfg.Duration = Constant{PerSecond: 100}, time.Second
		rn, err := New(cfg)
		require.NoError(t, err)
		sum, err := rn.Run(context.Background())
		require.NoError(t, err)

		assert.Equal(t, uint64(100), sum.Scheduled, "100/s for 1s")
		assert.Equal(t, uint64(100), sum.Sent)
		assert.False(t, sum.Behind)
		for i, r := range rec.sorted() {
			assert.Equal(t, time.Duration(i)*10*time.Millisecond, r.Scheduled, "request %d", i)
			assert.Equal(t, r.Scheduled, r.Sent, "no lag in a bubble")
			assert.Equal(t, 2*time.Millisecond, r.Latency())
			assert.Equal(t, ErrNone, r.Err)
			assert.Equal(t, 204, r.Response.Status)
		}
	})
}

// TestStallShowsInLatencyNotService is coordinated omission, corrected: the
// target freezes for a second with two requests allowed in flight; the
// requests queued behind the freeze keep their scheduled times, so their
// latency shows the freeze while their service time does not.
func TestStallShowsInLatencyNotService(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		rec := &collect{}
		cfg := testConfig(func(r *http.Request) (*http.Response, error) {
			if at := time.Since(start); at >= time.Second && at < 2*time.Second {
				time.Sleep(2*time.Second - at) // frozen until t=2s
			}
			time.Sleep(time.Millisecond)
			return answer(r, 204, ""), nil
		}, rec)
		cfg.Pacer, cfg.Duration, cfg.MaxInFlight = Constant{PerSecond: 100}, 3*time.Second, 2
		rn, err := New(cfg)
		require.NoError(t, err)
		sum, err := rn.Run(context.Background())
		require.NoError(t, err)
		require.Equal(t, uint64(300), sum.Sent, "queue mode sends every scheduled request")

		var maxLat, maxSvcQueued time.Duration
		for _, r := range rec.sorted() {
			maxLat = max(maxLat, r.Latency())
			if r.Scheduled > time.Second+50*time.Millisecond && r.Scheduled < 2*time.Second {
				maxSvcQueued = max(maxSvcQueued, r.Service())
			}
		}
		assert.GreaterOrEqual(t, maxLat, 990*time.Millisecond, "the request due at the start of the freeze waits it out")
		assert.Less(t, maxSvcQueued, 10*time.Millisecond, "requests queued behind the freeze are served quickly once sent")
		assert.Equal(t, int64(2), sum.MaxInFlightSeen)
	})
}

func TestDropModeCountsSkipped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &collect{}
		cfg := testConfig(func(r *http.Request) (*http.Response, error) {
			time.Sleep(100 * time.Millisecond)
			return answer(r, 204, ""), nil
		}, rec)
		cfg.Pacer, cfg.Duration, cfg.MaxInFlight, cfg.Drop = Constant{PerSecond: 100}, time.Second, 1, true
		rn, err := New(cfg)
		require.NoError(t, err)
		sum, err := rn.Run(context.Background())
		require.NoError(t, err)
		assert.Equal(t, uint64(100), sum.Scheduled)
		assert.Equal(t, sum.Scheduled, sum.Sent+sum.Dropped, "every scheduled request is sent or dropped")
		assert.Equal(t, uint64(10), sum.Sent, "one in flight, 100ms each")
		var dropped int
		for _, r := range rec.all {
			if r.Dropped {
				dropped++
			}
		}
		assert.Equal(t, 90, dropped, "dropped requests are recorded too")
	})
}

func TestCatchUpIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &collect{}
		cfg := testConfig(nil, rec)
		// One worker, and the first request takes 500ms: 50 requests fall due
		// meanwhile. They must drain at no more than CatchUp × 100/s.
		var once sync.Once
		cfg.Client.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			once.Do(func() { time.Sleep(500 * time.Millisecond) })
			return answer(r, 204, ""), nil
		})
		cfg.Pacer, cfg.Duration, cfg.MaxInFlight = Constant{PerSecond: 100}, 2*time.Second, 1
		rn, err := New(cfg)
		require.NoError(t, err)
		_, err = rn.Run(context.Background())
		require.NoError(t, err)
		rs := rec.sorted()
		for i := 2; i < len(rs); i++ {
			if rs[i].Lag() <= DefaultCatchUpAfter {
				continue // a little late is jitter: sent at once
			}
			gap := rs[i].Sent - rs[i-1].Sent
			assert.GreaterOrEqual(t, gap, 5*time.Millisecond-time.Microsecond,
				"request %d went out %s after the previous one: faster than 2 × 100/s", i, gap)
		}
		assert.Equal(t, 200, len(rs), "the backlog is sent, not lost")
		assert.Greater(t, rs[60].Lag(), 100*time.Millisecond, "the backlog drains over time, not in one burst")
	})
}

func TestInterruptAccountsForEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &collect{}
		ctx, cancel := context.WithCancel(context.Background())
		cfg := testConfig(func(r *http.Request) (*http.Response, error) {
			select {
			case <-time.After(50 * time.Millisecond):
				return answer(r, 204, ""), nil
			case <-r.Context().Done():
				return nil, r.Context().Err()
			}
		}, rec)
		cfg.Pacer, cfg.Duration = Constant{PerSecond: 100}, 10*time.Second
		rn, err := New(cfg)
		require.NoError(t, err)
		time.AfterFunc(time.Second+time.Millisecond, cancel)
		sum, err := rn.Run(ctx)
		require.NoError(t, err)
		assert.True(t, sum.Interrupted)
		assert.Equal(t, int(sum.Sent), len(rec.all), "every request sent is recorded")
		var canceled int
		for _, r := range rec.all {
			if r.Err == ErrCanceled {
				canceled++
			}
		}
		assert.Equal(t, 5, canceled, "the requests in flight at the interrupt are recorded as canceled")
	})
}

func TestClosedModel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &collect{}
		cfg := testConfig(func(r *http.Request) (*http.Response, error) {
			time.Sleep(10 * time.Millisecond)
			return answer(r, 400, `{"error":"bad","requestId":"x"}`), nil
		}, rec)
		cfg.Model, cfg.Pacer, cfg.Concurrency, cfg.Requests = Closed, nil, 4, 40
		rn, err := New(cfg)
		require.NoError(t, err)
		sum, err := rn.Run(context.Background())
		require.NoError(t, err)
		assert.Equal(t, uint64(40), sum.Sent)
		require.Len(t, rec.all, 40)
		assert.Equal(t, 400, rec.all[0].Response.Status)
		assert.Equal(t, "application/json", rec.all[0].Response.ContentType)
		assert.Equal(t, `{"error":"bad","requestId":"x"}`, string(rec.all[0].Response.Body))
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	assert.Equal(t, 3*time.Second, parseRetryAfter("3", now))
	assert.Equal(t, 90*time.Second, parseRetryAfter("Sat, 28 Nov 2026 10:01:30 GMT", now))
	assert.Equal(t, time.Duration(0), parseRetryAfter("soon", now))
	assert.Equal(t, time.Duration(0), parseRetryAfter("", now))
	assert.Equal(t, time.Duration(0), parseRetryAfter("+3", now), "delay-seconds is digits only")
	assert.Equal(t, maxRetryAfter, parseRetryAfter("18446744074", now), "saturates, does not wrap (was 290.4ms)")
	assert.Equal(t, maxRetryAfter, parseRetryAfter("99999999999999999999999", now), "more digits than an int64")
	assert.Equal(t, maxRetryAfter, parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", now))
}

// TestSlackCoalescesWakeUps: with slack, a request whose successor falls due
// within it waits for the successor and both go out together, at most slack
// late; without slack every request goes out on time.
func TestSlackCoalescesWakeUps(t *testing.T) {
	for _, tt := range []struct {
		slack time.Duration
		wakes int // distinct send times for 500 requests 200µs apart
	}{
		{0, 500},                      // every request at its own time
		{250 * time.Microsecond, 250}, // pairs: each wake-up takes the next request along
		{450 * time.Microsecond, 167}, // threes (500 = 3×166 + 2)
	} {
		slack := tt.slack
		synctest.Test(t, func(t *testing.T) {
			rec := &collect{}
			cfg := testConfig(func(r *http.Request) (*http.Response, error) {
				return answer(r, 204, ""), nil
			}, rec)
			cfg.Timer = TimerRuntime // fake time needs Go's own timers
			cfg.Pacer, cfg.Duration, cfg.Slack = Constant{PerSecond: 5000}, 100*time.Millisecond, slack
			rn, err := New(cfg)
			require.NoError(t, err)
			sum, err := rn.Run(context.Background())
			require.NoError(t, err)
			require.Equal(t, uint64(500), sum.Sent, "slack changes when, never how many")
			sends := map[time.Duration]int{}
			for _, r := range rec.sorted() {
				due, _ := cfg.Pacer.Pace(0, r.Seq)
				assert.Zero(t, r.Lag(), "request %d: sent when its wake-up was due", r.Seq)
				assert.LessOrEqual(t, r.Scheduled, due, "request %d: timed from no later than its due time", r.Seq)
				assert.LessOrEqual(t, due-r.Scheduled, slack, "request %d went out %s early", r.Seq, due-r.Scheduled)
				sends[r.Sent]++
			}
			assert.Len(t, sends, tt.wakes, "slack %s", slack)
		})
	}
}
