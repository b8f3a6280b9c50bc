// Package bench holds the speed comparison of wrtcbench against other load
// generators (compare.sh, see README.md), the minimal target it runs against
// (target/), and a benchmark of the whole measuring pipeline for profiling.
package bench

import (
	"context"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/metrics"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// BenchmarkPipeline runs the closed model with 64 workers through the
// runner and the report Collector, as `wrtcbench run` wires them, against
// the target at $WRTC_BENCH_TARGET (e.g. bench/target on another core):
//
//	taskset -c 0 go run ./bench/target -addr 127.0.0.1:8089 &
//	WRTC_BENCH_TARGET=http://127.0.0.1:8089 taskset -c 1 \
//	  go test ./bench -run - -bench Pipeline -benchtime 200000x -cpuprofile cpu.out
//
// WRTC_BENCH_RATE=5000 runs the open model at that rate instead (with
// WRTC_BENCH_TIMER=runtime on Go's timers rather than the precise one, with
// WRTC_BENCH_READS=netpoll waiting for every answer in Go's netpoller rather
// than reading it at the scheduler's next wake-up), and
// WRTC_BENCH_ENGINE=nethttp sends with net/http (see runner.Engine).
// WRTC_BENCH_METRICS=1 wires the live metrics as `run --metrics-addr` does
// (an Exporter fed by the Collector's folds, served on loopback) and scrapes
// them once a second while the run goes on.
func BenchmarkPipeline(b *testing.B) {
	base := os.Getenv("WRTC_BENCH_TARGET")
	if base == "" {
		b.Skip("WRTC_BENCH_TARGET is not set")
	}
	const workers = 64
	client, err := runner.NewClient(runner.ClientConfig{Conns: workers, HTTP2: runner.HTTP2Off,
		Engine: runner.Engine(os.Getenv("WRTC_BENCH_ENGINE"))})
	if err != nil {
		b.Fatal(err)
	}
	req := &runner.Request{
		Method: "PUT",
		URL:    base + "/v1/accounts/9900000/sessions/6f1c0d8e-0000-4000-8000-000000000001/participants/0a2b0000-0000-4000-8000-000000000002",
		Header: map[string][]string{
			"Authorization": {"Basic YmVuY2g6YmVuY2g="},
			"Content-Type":  {"application/json"},
			"User-Agent":    {"wrtcbench/1"},
		},
		Body: []byte(`{"sessionId":"6f1c0d8e-0000-4000-8000-000000000001","participants":[{"participantId":"0a2b0000-0000-4000-8000-000000000003"}]}`),
	}
	cfg := runner.Config{
		Model: runner.Closed, Concurrency: workers, Requests: uint64(b.N),
		Client: client,
		Source: runner.SourceFunc(func(uint64) *runner.Request { return req }),
	}
	if v := os.Getenv("WRTC_BENCH_RATE"); v != "" {
		rate, err := strconv.ParseFloat(v, 64)
		if err != nil {
			b.Fatal(err)
		}
		cfg.Model, cfg.Concurrency, cfg.MaxInFlight = runner.Open, 0, 256
		cfg.Pacer = runner.Constant{PerSecond: rate}
		if v := os.Getenv("WRTC_BENCH_SLACK"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				b.Fatalf("WRTC_BENCH_SLACK: %v", err)
			}
			cfg.Slack = d
		}
		if os.Getenv("WRTC_BENCH_TIMER") == "runtime" {
			cfg.Timer = runner.TimerRuntime
		}
		cfg.NoDeferredReads = os.Getenv("WRTC_BENCH_READS") == "netpoll"
	}
	subscribeAll, _ := contract.NewMixCase(contract.SubscribeAll, 1, contract.StatusSet{})
	col := report.NewCollector([]contract.MixCase{subscribeAll}, contract.Default(), cfg.Workers(), 0)
	if os.Getenv("WRTC_BENCH_METRICS") == "1" {
		stopScrape := serveMetrics(b, col)
		defer stopScrape()
	}
	tap := newTap(col, cfg.Workers()+1)
	cfg.Recorder = tap
	rn, err := runner.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); col.Run(ctx, rn.Progress) }()
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	sum, err := rn.Run(context.Background())
	b.StopTimer()
	cpu := cpuTime() - cpu0
	stop()
	<-done
	if err != nil {
		b.Fatal(err)
	}
	col.Finish()
	b.ReportMetric(float64(sum.Sent)/sum.Elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(sum.Sent), "cpu-us/req")
	lat, lag := tap.merged()
	b.ReportMetric(float64(lat.ValueAtPercentile(99)), "p99-latency-us")
	b.ReportMetric(float64(lag.ValueAtPercentile(99)), "p99-lag-us")
	if tap.failed.Load() != 0 {
		b.Fatalf("%d requests got no 204", tap.failed.Load())
	}
}

// tap passes every Result on to a Recorder and keeps latency and lag
// histograms of its own, one per worker, merged at the end.
type tap struct {
	next     runner.Recorder
	lat, lag []*hdr.Histogram
	failed   atomic.Int64
}

func newTap(next runner.Recorder, n int) *tap {
	t := &tap{next: next}
	for range n {
		t.lat = append(t.lat, hdr.New(1, int64(time.Hour/time.Microsecond), 3))
		t.lag = append(t.lag, hdr.New(1, int64(time.Hour/time.Microsecond), 3))
	}
	return t
}

func (t *tap) Record(w int, r *runner.Result) {
	if r.Err != runner.ErrNone || r.Response.Status != 204 {
		t.failed.Add(1)
	}
	_ = t.lat[w].RecordValue(max(int64(r.Latency()/time.Microsecond), 1))
	_ = t.lag[w].RecordValue(max(int64(r.Lag()/time.Microsecond), 1))
	t.next.Record(w, r)
}

func (t *tap) merged() (lat, lag *hdr.Histogram) {
	lat, lag = hdr.New(1, int64(time.Hour/time.Microsecond), 3), hdr.New(1, int64(time.Hour/time.Microsecond), 3)
	for i := range t.lat {
		lat.Merge(t.lat[i])
		lag.Merge(t.lag[i])
	}
	return lat, lag
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serveMetrics wires an Exporter to col as `run --metrics-addr` does, serves
// it on loopback and scrapes it once a second until the returned stop.
func serveMetrics(b *testing.B, col *report.Collector) (stop func()) {
	srv, err := metrics.Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	exp := metrics.NewExporter(metrics.Run{Scenario: "bench", Cases: []string{"subscribe_all"}}, nil)
	col.Observer, col.OnInterval = exp, exp.Interval
	srv.Set(exp)
	done, scraped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(scraped)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if resp, err := http.Get(srv.URL); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		}
	}()
	return func() {
		close(done)
		<-scraped
		_ = srv.Close()
	}
}
