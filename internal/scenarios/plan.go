package scenarios

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/fixtures"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// PlanConfig is what a request plan is built from: the target, the
// credentials, the mix and the fixtures that setup produced.
type PlanConfig struct {
	Seed      uint64
	BaseURL   string // ending in /v1
	AccountID string
	Username  string
	Password  string
	Aliases   []string
	Mix       []contract.MixCase
	Fixtures  *fixtures.Set
	// Variants is how many distinct requests are pre-rendered per case; 0
	// means DefaultVariants.
	Variants int
	// InTurn sends every case of the mix in turn (load.per_case): each run
	// of len(Mix) consecutive requests holds every case once, in an order
	// drawn from the seed, and the weights do not apply.
	InTurn bool
}

// DefaultVariants is how many distinct requests are pre-rendered per case.
const DefaultVariants = 256

// Plan is the deterministic request plan of a run: request n is always the
// same for the same seed, whatever the concurrency. Requests are rendered
// once, before the run, so the hot path only picks one.
type Plan struct {
	seed    uint64
	cum     []uint64 // cumulative weights scaled to 2^64, for the case pick
	pool    [][]*runner.Request
	weights []float64
	inTurn  bool
}

// NewPlan renders the requests of every case of the mix.
func NewPlan(cfg PlanConfig) (*Plan, error) {
	if len(cfg.Mix) == 0 {
		return nil, fmt.Errorf("plan: the mix is empty")
	}
	if cfg.Fixtures == nil || len(cfg.Fixtures.Sessions) == 0 {
		return nil, fmt.Errorf("plan: no fixtures to build requests from")
	}
	if cfg.Variants <= 0 {
		cfg.Variants = DefaultVariants
	}
	p := &Plan{seed: cfg.Seed, inTurn: cfg.InTurn}
	var total float64
	for _, m := range cfg.Mix {
		if m.Weight <= 0 {
			return nil, fmt.Errorf("plan: case %s has weight %g; weights must be > 0", m.Name(), m.Weight)
		}
		total += m.Weight
	}
	world := &contract.World{Account: cfg.AccountID, Sessions: cfg.Fixtures.Sessions, Aliases: cfg.Aliases}
	rd := newRenderer(cfg.BaseURL, cfg.Username, cfg.Password)
	acc := 0.0
	for i, m := range cfg.Mix {
		acc += m.Weight
		cut := uint64(acc / total * (1 << 63) * 2)
		if i == len(cfg.Mix)-1 || acc >= total {
			cut = ^uint64(0)
		}
		p.cum = append(p.cum, cut)
		p.weights = append(p.weights, m.Weight)
		reqs, err := render(rd, world, caseRand(cfg.Seed, i), i, m.Case, cfg.Variants)
		if err != nil {
			return nil, err
		}
		p.pool = append(p.pool, reqs)
	}
	return p, nil
}

// Request returns request n: its case is picked by weight from a hash of
// (seed, n), or, in turn, as the n-th of a permutation of the mix drawn
// for each run of len(mix) requests; its variant from a hash of (seed,
// case, n).
func (p *Plan) Request(n uint64) *runner.Request {
	h := mix64(p.seed ^ mix64(n+0x9e3779b97f4a7c15))
	var c int
	if p.inTurn {
		c = p.turn(n)
	} else {
		c = sort.Search(len(p.cum), func(i int) bool { return p.cum[i] >= h })
		if c == len(p.cum) {
			c--
		}
	}
	pool := p.pool[c]
	v := mix64(h ^ mix64(uint64(c)+1))
	return pool[v%uint64(len(pool))]
}

// turn returns the case of request n in turn: within run b = n/k of k
// requests, position i = n%k maps to case (a·i + o) mod k, a permutation of
// the k cases since a is coprime to k; a and o are drawn from (seed, b).
func (p *Plan) turn(n uint64) int {
	k := uint64(len(p.pool))
	b, i := n/k, n%k
	h := mix64(p.seed ^ mix64(b+0x632be59bd9b4e019))
	a := h%k | 1 // odd, a start; step to the next coprime
	for gcd(a, k) != 1 {
		a += 2
	}
	return int((a*i + mix64(h)%k) % k)
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

var _ runner.Source = (*Plan)(nil)

// Sample returns the first request of each case, for `plan`.
func (p *Plan) Sample() []*runner.Request {
	out := make([]*runner.Request, len(p.pool))
	for i, pool := range p.pool {
		out[i] = pool[0]
	}
	return out
}

// mix64 is SplitMix64's finaliser: a fast bijective hash of a 64-bit value.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// caseRand returns the random source of case c's variants under seed.
func caseRand(seed uint64, c int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, mix64(uint64(c)+0x5851f42d4c957f2d)))
}

// render draws n requests of case c, the c-th of the mix, from r.
func render(rd *renderer, w *contract.World, r *rand.Rand, idx int, c contract.Case, n int) ([]*runner.Request, error) {
	out := make([]*runner.Request, n)
	for i := range out {
		d, err := c.Draw(contract.NewPick(r, w))
		if err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		req := rd.request(d)
		req.Case = idx
		out[i] = req
	}
	return out, nil
}
