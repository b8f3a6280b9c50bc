package runner

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Model is the load model of a run.
type Model string

// The load models.
const (
	Open   Model = "open"   // requests arrive on a schedule, whatever the target does
	Closed Model = "closed" // a fixed number of workers send back to back
)

// Defaults of Config.
const (
	DefaultMaxInFlight  = 256
	DefaultMaxBodyBytes = 64 << 10
	// DefaultCatchUp bounds the send rate while the schedule is behind: at
	// most this many times the current target rate.
	DefaultCatchUp = 2.0
	// DefaultCatchUpAfter is how late a request must be before the catch-up
	// bound applies; below it, late requests go out at once.
	DefaultCatchUpAfter = 10 * time.Millisecond
	// DefaultMaxOvershoot is how much later than allowed the scheduler may
	// dispatch a request before the request counts as the generator's fault.
	DefaultMaxOvershoot = 50 * time.Millisecond
	// DefaultMaxBehindFraction is the fraction of requests the generator may
	// dispatch late (past DefaultMaxOvershoot) before the run is invalid.
	DefaultMaxBehindFraction = 0.01
)

// Config describes one run. Its zero value is not runnable: Source, Recorder,
// Client and either Pacer (open) or Concurrency (closed) must be set.
type Config struct {
	Model    Model
	Pacer    Pacer         // open model
	Duration time.Duration // stop scheduling after this long; 0: when the pacer or Requests ends
	Requests uint64        // stop after this many requests; 0: no count limit
	Warmup   time.Duration // requests due before this are marked Warmup

	MaxInFlight int  // open model: at most this many requests in flight; 0 means DefaultMaxInFlight
	Drop        bool // open model: skip (and count) a request when none can go out, instead of queueing it

	Concurrency int           // closed model: the number of workers
	ThinkTime   time.Duration // closed model: pause between a worker's requests

	CatchUp      float64       // 0 means DefaultCatchUp
	MaxOvershoot time.Duration // 0 means DefaultMaxOvershoot
	// Slack lets the open-model scheduler send the requests due within this
	// long after a wake-up's own request on that wake-up, early: fewer
	// wake-ups, less CPU per request at high rates. A request sent early is
	// timed from the wake-up's due time (its Scheduled), so its latency
	// hides nothing; what changes is the spacing the target sees, by up to
	// Slack. 0 sends every request at its due time.
	Slack time.Duration
	Timer Timer // how the open-model scheduler sleeps; the zero value is TimerPrecise
	// NoDeferredReads makes the open model's lean engine wait for each
	// answer in Go's netpoller, as the closed model does: a wake-up of the
	// process per answer. By default (Linux) the open model defers its
	// reads: answers are read when the scheduler next wakes and timed by
	// the kernel's receive stamp; see deferred_linux.go.
	NoDeferredReads bool
	// ServesTarget says the process also serves the target (the embedded
	// reference API). The open-model scheduler then never sleeps holding
	// the processor (preciseWaiter.wait), which the target's goroutines
	// need to answer promptly.
	ServesTarget bool
	MaxBodyBytes int // 0 means DefaultMaxBodyBytes

	Client   *http.Client
	Source   Source
	Recorder Recorder
}

// Validate rejects a configuration that cannot run.
func (c *Config) Validate() error {
	var errs []error
	switch c.Model {
	case Open:
		if c.Pacer == nil {
			errs = append(errs, errors.New("runner: open model needs a pacer"))
		}
	case Closed:
		if c.Concurrency < 1 {
			errs = append(errs, errors.New("runner: closed model needs concurrency ≥ 1"))
		}
	default:
		errs = append(errs, fmt.Errorf("runner: unknown model %q", c.Model))
	}
	if c.Duration <= 0 && c.Requests == 0 && c.Model == Closed {
		errs = append(errs, errors.New("runner: a closed-model run needs a duration or a request count"))
	}
	if c.MaxInFlight < 0 || c.MaxBodyBytes < 0 || c.CatchUp < 0 || c.MaxOvershoot < 0 {
		errs = append(errs, errors.New("runner: negative limits"))
	}
	if c.Source == nil || c.Recorder == nil || c.Client == nil {
		errs = append(errs, errors.New("runner: Source, Recorder and Client are required"))
	}
	return errors.Join(errs...)
}

// Workers returns the number of worker goroutines the run uses. Recorder
// calls carry an index in [0, Workers()]: one per worker, and Workers() itself
// for the scheduler's records of dropped requests.
func (c *Config) Workers() int {
	if c.Model == Closed {
		return c.Concurrency
	}
	if c.MaxInFlight == 0 {
		return DefaultMaxInFlight
	}
	return c.MaxInFlight
}

// withDefaults returns c with every zero limit set to its default.
func (c Config) withDefaults() Config {
	if c.MaxInFlight == 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.CatchUp == 0 {
		c.CatchUp = DefaultCatchUp
	}
	if c.MaxOvershoot == 0 {
		c.MaxOvershoot = DefaultMaxOvershoot
	}
	return c
}
