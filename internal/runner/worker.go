package runner

import (
	"bufio"
	"context"
	"time"
)

// worker sends one request at a time and records its Result. Each worker
// owns its body buffer, its Result and (with the lean engine) its
// connection, so the hot path shares nothing but atomic counters.
type worker struct {
	r    *Runner
	id   int
	body bodyBuf
	res  Result

	nc netConn    // the net/http engine's connection of the request in flight
	co *coroutine // set when the worker runs as a coroutine of the scheduler (coworker.go)

	// The lean engine's state.
	lc  *leanConn
	br  *bufio.Reader // lc's, kept across connections
	msg message
}

func (r *Runner) newWorker(id int) *worker {
	return &worker{r: r, id: id, body: newBodyBuf(r.cfg.MaxBodyBytes)}
}

// close releases the worker's connection.
func (w *worker) close() { w.closeConn() }

// do sends the request of h and records the result.
func (w *worker) do(ctx context.Context, h hit) {
	r := w.r
	req := h.req
	res := &w.res
	*res = Result{Seq: h.seq, Req: req, Scheduled: h.scheduled, Warmup: h.scheduled < r.cfg.Warmup}

	var wr *wire
	if r.transport != nil {
		wr = r.transport.wireFor(req)
	}
	n := r.inFlight.Add(1)
	for m := r.maxInFlight.Load(); n > m && !r.maxInFlight.CompareAndSwap(m, n); m = r.maxInFlight.Load() {
	}
	r.sent.Add(1)
	sent := time.Now()
	res.Sent = sent.Sub(r.start)
	var err error
	switch {
	case wr != nil && wr.lean:
		err = w.roundTripLean(ctx, wr, res, sent)
	case w.co != nil: // net/http blocks: not on the scheduler's thread
		err = r.deferred.offload(w.co, func() error { return w.roundTrip(ctx, req, res) })
	default:
		err = w.roundTrip(ctx, req, res)
	}
	end := time.Now()
	switch {
	case res.Done == 0:
		res.Done = end.Sub(r.start)
	case res.Done < res.Sent: // a deferred read's kernel timestamp, off by a clock step
		res.Done = res.Sent
	}
	r.inFlight.Add(-1)

	if err != nil {
		res.Err = Classify(ctx, err)
		res.ErrText = err.Error()
	} else {
		r.completed.Add(1)
	}
	r.cfg.Recorder.Record(w.id, res)
}
