package runner

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStarvedGeneratorIsBehind makes the scheduler unable to keep up: every
// request takes it 20ms to produce, at 100/s. The run must be flagged as not
// a valid measurement, although each request is only a little later than
// the one before it and no worker is ever busy.
func TestStarvedGeneratorIsBehind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &collect{}
		cfg := testConfig(func(r *http.Request) (*http.Response, error) {
			time.Sleep(time.Millisecond)
			return answer(r, 204, ""), nil
		}, rec)
		req := &Request{Method: "PUT", URL: "http://target.test/v1/x"}
		cfg.Source = SourceFunc(func(uint64) *Request {
			time.Sleep(20 * time.Millisecond) // the generator's own work
			return req
		})
		cfg.Pacer, cfg.Duration = Constant{PerSecond: 100}, 2*time.Second
		rn, err := New(cfg)
		require.NoError(t, err)
		sum, err := rn.Run(context.Background())
		require.NoError(t, err)
		assert.True(t, sum.Behind, "a generator at half the rate is behind (late %d of %d)", sum.Late, sum.Scheduled)
		assert.Greater(t, sum.Late, sum.Scheduled/2, "most requests went out past the allowed overshoot")
	})
}

// TestSlightlyStarvedGeneratorIsBehind is the same at 90% of the rate: each
// request is 1.1ms later than the one before, far below MaxOvershoot, but
// the lateness adds up.
func TestSlightlyStarvedGeneratorIsBehind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig(func(r *http.Request) (*http.Response, error) {
			return answer(r, 204, ""), nil
		}, &collect{})
		req := &Request{Method: "PUT", URL: "http://target.test/v1/x"}
		cfg.Source = SourceFunc(func(uint64) *Request {
			time.Sleep(11 * time.Millisecond / 10)
			return req
		})
		cfg.Pacer, cfg.Duration = Constant{PerSecond: 1000}, 5*time.Second
		rn, err := New(cfg)
		require.NoError(t, err)
		sum, err := rn.Run(context.Background())
		require.NoError(t, err)
		assert.True(t, sum.Behind, "late %d of %d", sum.Late, sum.Scheduled)
	})
}

// TestSlowTargetInQueueModeIsNotBehind: a target that holds every request
// 100ms with two allowed in flight can take 20/s of the 100/s asked. The
// scheduler waits for free workers; that is the target's doing, which the
// latency shows, not the generator falling behind.
func TestSlowTargetInQueueModeIsNotBehind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &collect{}
		cfg := testConfig(func(r *http.Request) (*http.Response, error) {
			time.Sleep(100 * time.Millisecond)
			return answer(r, 204, ""), nil
		}, rec)
		cfg.Pacer, cfg.Duration, cfg.MaxInFlight = Constant{PerSecond: 100}, 2*time.Second, 2
		rn, err := New(cfg)
		require.NoError(t, err)
		sum, err := rn.Run(context.Background())
		require.NoError(t, err)
		assert.False(t, sum.Behind, "late %d of %d", sum.Late, sum.Scheduled)
		assert.Zero(t, sum.Late)
		assert.Equal(t, uint64(200), sum.Sent, "queue mode sends every request")
		last := rec.sorted()[len(rec.all)-1]
		assert.Greater(t, last.Latency(), 5*time.Second, "the queue shows in the latency")
		assert.Equal(t, 100*time.Millisecond, last.Service())
	})
}

// TestSlowTailPercentiles: every tenth request takes 40ms, the others 2ms.
// The percentiles of the recorded latencies put the tail where it is.
func TestSlowTailPercentiles(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &collect{}
		cfg := testConfig(func(r *http.Request) (*http.Response, error) {
			if strings.HasSuffix(r.URL.Path, "/slow") {
				time.Sleep(40 * time.Millisecond)
			} else {
				time.Sleep(2 * time.Millisecond)
			}
			return answer(r, 204, ""), nil
		}, rec)
		fast := &Request{Method: "PUT", URL: "http://target.test/v1/fast"}
		slow := &Request{Method: "PUT", URL: "http://target.test/v1/slow"}
		cfg.Source = SourceFunc(func(n uint64) *Request {
			if n%10 == 9 {
				return slow
			}
			return fast
		})
		cfg.Pacer, cfg.Duration = Constant{PerSecond: 1000}, 2*time.Second
		rn, err := New(cfg)
		require.NoError(t, err)
		sum, err := rn.Run(context.Background())
		require.NoError(t, err)
		require.Equal(t, uint64(2000), sum.Sent)
		assert.False(t, sum.Behind)

		h := hdr.New(1, int64(time.Hour/time.Microsecond), 3)
		for _, r := range rec.all {
			require.NoError(t, h.RecordValue(int64(r.Latency()/time.Microsecond)))
		}
		ms := func(p float64) float64 { return float64(h.ValueAtPercentile(p)) / 1000 }
		for _, tt := range []struct {
			p, want float64
		}{
			{50, 2}, {89, 2}, {90, 2}, // 90% of the requests are fast
			{90.1, 40}, {95, 40}, {99, 40}, {100, 40},
		} {
			assert.InDelta(t, tt.want, ms(tt.p), tt.want*0.001, "p%g", tt.p)
		}
	})
}

// TestPreciseTimerUnderSynctest runs the default timer on synctest's fake
// clock: the waiter must notice the clock is not the real one and defer to
// the runtime's timers, rather than spin or wait on real time.
func TestPreciseTimerUnderSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &collect{}
		cfg := testConfig(func(r *http.Request) (*http.Response, error) {
			return answer(r, 204, ""), nil
		}, rec)
		cfg.Timer = TimerPrecise
		cfg.Pacer, cfg.Duration = Constant{PerSecond: 200}, 10*time.Second
		rn, err := New(cfg)
		require.NoError(t, err)
		sum, err := rn.Run(context.Background())
		require.NoError(t, err)
		assert.Equal(t, uint64(2000), sum.Sent)
		assert.False(t, sum.Behind)
	})
}

// TestPreciseWaiterRealTime checks the precise waiter on the real clock: it
// never returns early, and it returns false at once when ctx is cancelled.
// The only timing bound is wide, for a busy machine.
func TestPreciseWaiterRealTime(t *testing.T) {
	start := time.Now()
	since := func() time.Duration { return time.Since(start) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := newWaiter(ctx, TimerPrecise, since)
	defer w.close()
	for i := 1; i <= 20; i++ {
		until := time.Duration(i) * 250 * time.Microsecond
		require.Equal(t, waitDue, w.wait(ctx, until, 0))
		got := since()
		assert.GreaterOrEqual(t, got, until, "wait %d returned early", i)
		assert.Less(t, got, until+time.Second, "wait %d", i)
	}
	time.AfterFunc(10*time.Millisecond, cancel)
	assert.Equal(t, waitCanceled, w.wait(ctx, time.Hour, 0), "a cancelled wait says so")
	assert.Less(t, since(), time.Minute)
}
