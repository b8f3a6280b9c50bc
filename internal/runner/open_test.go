package runner

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPoolLastInFirstOut: the pool's idle workers are a stack. Every worker
// starts idle with worker 0 on top, and the worker that went idle last is
// handed the next request.
func TestPoolLastInFirstOut(t *testing.T) {
	p := newPool(4)
	idx := func(s *slot) int {
		for i := range p.slots {
			if &p.slots[i] == s {
				return i
			}
		}
		return -1
	}
	var order []int
	for range 4 {
		order = append(order, idx(p.get()))
	}
	assert.Equal(t, []int{0, 1, 2, 3}, order, "worker 0 first, then in order")
	assert.Nil(t, p.get(), "every worker is busy")

	p.put(&p.slots[2])
	p.put(&p.slots[0])
	select {
	case <-p.freed:
	default:
		t.Error("put signals that a worker went idle")
	}
	assert.Equal(t, 0, idx(p.get()), "the last worker to go idle is the first out")
	p.put(&p.slots[3])
	assert.Equal(t, 3, idx(p.get()))
	assert.Equal(t, 2, idx(p.get()))
	assert.Nil(t, p.get())
}

// TestIdleWorkersLastInFirstOut: when every answer comes back before the
// next request is due, one worker (and so one warm connection) sends them
// all; handing requests out in turn would use every worker of the pool.
// Under synctest's clock the worker is surely idle again before the next
// request is due.
func TestIdleWorkersLastInFirstOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		workers := map[int]int{}
		rec := recorderFunc(func(w int, r *Result) {
			mu.Lock()
			defer mu.Unlock()
			workers[w]++
		})
		cfg := testConfig(func(r *http.Request) (*http.Response, error) {
			time.Sleep(time.Millisecond)
			return answer(r, 204, ""), nil
		}, rec)
		cfg.Pacer, cfg.Duration, cfg.MaxInFlight = Constant{PerSecond: 100}, time.Second, 64
		rn, err := New(cfg)
		require.NoError(t, err)
		sum, err := rn.Run(context.Background())
		require.NoError(t, err)
		require.Equal(t, uint64(100), sum.Sent)
		assert.Equal(t, map[int]int{0: 100}, workers, "worker 0 sent every request")
	})
}
