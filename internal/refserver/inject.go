package refserver

import (
	"context"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/wrtcbench/wrtcbench/internal/faults"
)

// connFault is what a plan does to the connection instead of answering.
type connFault uint8

const (
	connNone  connFault = iota
	connReset           // abort with a TCP RST
	connClose           // close without an answer
)

// plan is every random fault decision for one request, made when it arrives.
type plan struct {
	delay        time.Duration // base plus tail latencies
	base, tail   bool          // which latency parts are non-zero (tail: any tail)
	conn         connFault
	errStatus    int // 0: none
	wrongStatus  bool
	badErrorBody bool
	slowBody     time.Duration // 0: write normally
}

// injector decides and paces faults. It holds no lock on the hot path: each
// request takes the next arrival number from an atomic counter and derives
// its own PCG source from (Config.Seed, number), so request n gets the same
// decisions on every run with the same seed.
type injector struct {
	f         faults.Faults
	seed      uint64
	allRoutes bool
	start     time.Time
	seq       atomic.Uint64
	limiter   *rate.Limiter // nil: no rate limit
	codes     []int         // Faults.Errors statuses, ascending
	cum       []float64     // cumulative probabilities aligned with codes
}

func newInjector(f faults.Faults, seed int64, start time.Time) *injector {
	in := &injector{f: f, seed: uint64(seed), allRoutes: f.Routes == faults.RoutesAll, start: start}
	if f.RateLimit.Rate.PerSecond > 0 {
		in.limiter = rate.NewLimiter(rate.Limit(f.RateLimit.Rate.PerSecond), f.RateLimit.BucketSize())
	}
	sum := 0.0
	for _, c := range f.ErrorStatuses() {
		sum += f.Errors[c]
		in.codes = append(in.codes, c)
		in.cum = append(in.cum, sum)
	}
	return in
}

// splitmix64 scrambles the arrival number so neighbouring requests get
// unrelated PCG streams.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// plan draws the decisions for the next arriving request. It always draws
// the same eight uniforms in the same order, one slot per decision, so
// switching one fault on or off does not move the draws of the others.
func (in *injector) plan() plan {
	var src rand.PCG
	src.Seed(in.seed, splitmix64(in.seq.Add(1)))
	var u [8]float64
	for i := range u {
		u[i] = float64(src.Uint64()>>11) * 0x1p-53 // uniform in [0, 1)
	}
	var p plan
	l := in.f.Latency
	switch {
	case l.Fixed > 0:
		p.delay = l.Fixed
	case l.Uniform.Max > 0:
		lo, hi := float64(l.Uniform.Min), float64(l.Uniform.Max)
		p.delay = time.Duration(lo + u[0]*(hi-lo))
	case l.LogNormal.Median > 0:
		// Box-Muller: z = sqrt(-2 ln(1-u0)) cos(2π u1) is standard normal;
		// the delay is median·exp(σz), whose median is the given median.
		z := math.Sqrt(-2*math.Log(1-u[0])) * math.Cos(2*math.Pi*u[1])
		d := float64(l.LogNormal.Median) * math.Exp(l.LogNormal.Sigma*z)
		if m := float64(l.LogNormal.Max); m > 0 && d > m {
			d = m
		}
		p.delay = time.Duration(min(d, float64(math.MaxInt64/2)))
	}
	p.base = p.delay > 0
	if u[2] < l.Tail.Fraction {
		p.delay += l.Tail.Latency
		p.tail = true
	}
	// Each further tail draws after the eight fixed slots, so adding one
	// moves none of the other decisions.
	for _, t := range l.Tails {
		if float64(src.Uint64()>>11)*0x1p-53 < t.Fraction {
			p.delay += t.Latency
			p.tail = true
		}
	}
	switch {
	case u[3] < in.f.Reset:
		p.conn = connReset
	case u[3] < in.f.Reset+in.f.Close:
		p.conn = connClose
	}
	for i, c := range in.cum {
		if u[4] < c {
			p.errStatus = in.codes[i]
			break
		}
	}
	p.wrongStatus = u[5] < in.f.Bad.WrongStatus
	p.badErrorBody = u[6] < in.f.Bad.BadErrorBody
	if u[7] < in.f.SlowBody.Probability {
		p.slowBody = in.f.SlowBody.Delay
	}
	return p
}

// stallWait returns how long a request arriving at now must wait for the
// current stall to end, or 0 outside stalls. With period E and stall length
// F, elapsed time t is stalled when t mod E >= E-F; the wait is E - t mod E.
func (in *injector) stallWait(now time.Time) time.Duration {
	every, length := in.f.Stall.Every, in.f.Stall.For
	if every <= 0 {
		return 0
	}
	phase := now.Sub(in.start) % every
	if phase < every-length {
		return 0
	}
	return every - phase
}

// limit takes a token for one request. When none is free it returns false
// and the whole seconds until one will be (at least 1), for Retry-After.
func (in *injector) limit(now time.Time) (retryAfter int, ok bool) {
	if in.limiter == nil {
		return 0, true
	}
	r := in.limiter.ReserveN(now, 1)
	if !r.OK() {
		return 1, false
	}
	d := r.DelayFrom(now)
	if d == 0 {
		return 0, true
	}
	r.CancelAt(now)
	return int(math.Ceil(d.Seconds())), false
}

// sleep waits d or until ctx is done; it reports whether the full wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
