package bench

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/fixtures"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// BenchmarkPipelineGenerated is BenchmarkPipeline with the generated cases:
// the plan's pools of generated_body and generated_path requests (rendered
// once, before the timer starts), sent by the closed model with 64 workers
// and judged by the Collector against each request's own expectation. It
// measures what generation costs the send rate, against the same target:
//
//	taskset -c 0 go run ./bench/target -addr 127.0.0.1:8089 &
//	WRTC_BENCH_TARGET=http://127.0.0.1:8089 taskset -c 1 \
//	  go test ./bench -run - -bench PipelineGenerated -benchtime 200000x
//
// The target answers 204 to everything, so most requests fail
// status_expected: the checks, examples and violation groups are part of
// what is measured. It reports the plan's time to render its pools too.
func BenchmarkPipelineGenerated(b *testing.B) {
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
	var mix []contract.MixCase
	for _, name := range []string{contract.GeneratedBody, contract.GeneratedPath} {
		m, _ := contract.NewMixCase(name, 1, contract.StatusSet{})
		mix = append(mix, m)
	}
	set := &fixtures.Set{}
	for s := range 4 {
		ss := fixtures.Session{ID: fmt.Sprintf("6f1c0d8e-0000-4000-8000-00000000000%d", s)}
		for p := range 10 {
			ss.Participants = append(ss.Participants, fmt.Sprintf("0a2b0000-0000-4000-800%d-0000000000%02d", s, p))
		}
		ss.Publishers = ss.Participants[:3]
		set.Sessions = append(set.Sessions, ss)
	}
	start := time.Now()
	plan, err := scenarios.NewPlan(scenarios.PlanConfig{Seed: 1, BaseURL: base + "/v1", AccountID: "9900000",
		Username: "bench", Password: "bench", Aliases: []string{"microphone1", "camera1"}, Mix: mix, Fixtures: set})
	if err != nil {
		b.Fatal(err)
	}
	planTime := time.Since(start)
	cfg := runner.Config{Model: runner.Closed, Concurrency: workers, Requests: uint64(b.N), Client: client, Source: plan}
	col := report.NewCollector(mix, contract.Default(), cfg.Workers(), 0)
	col.Expectations = plan
	cfg.Recorder = col
	rn, err := runner.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); col.Run(ctx, rn.Progress) }()
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
	b.ReportMetric(planTime.Seconds(), "plan-s")
}
