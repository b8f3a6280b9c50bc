package runner

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// runClosed runs Concurrency workers back to back until the duration or the
// request count ends. It reports whether ctx ended the run early.
func (r *Runner) runClosed(ctx context.Context) bool {
	var next atomic.Uint64
	var wg sync.WaitGroup
	for w := range r.cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := r.newWorker(w)
			defer wk.close()
			for ctx.Err() == nil {
				n := next.Add(1) - 1
				if r.cfg.Requests > 0 && n >= r.cfg.Requests {
					return
				}
				now := time.Since(r.start)
				if r.cfg.Duration > 0 && now >= r.cfg.Duration {
					return
				}
				r.scheduled.Add(1)
				wk.do(ctx, r.hitFor(n, now))
				if r.cfg.ThinkTime > 0 {
					t := time.NewTimer(r.cfg.ThinkTime)
					select {
					case <-ctx.Done():
						t.Stop()
					case <-t.C:
					}
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err() != nil
}
