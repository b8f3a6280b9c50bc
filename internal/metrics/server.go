package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Path is where a Server serves the metrics.
const Path = "/metrics"

// shutdownGrace bounds how long Close waits for a scrape in flight.
const shutdownGrace = 2 * time.Second

// Server serves the metrics of the run in progress, and the Go runtime's and
// the process's (CPU, memory: is the generator itself the bottleneck?), in
// Prometheus's formats (text, OpenMetrics, and protobuf, which carries the
// native histograms).
type Server struct {
	// URL is where the metrics are, e.g. http://127.0.0.1:9464/metrics.
	URL string

	cur  atomic.Pointer[Exporter]
	srv  *http.Server
	done chan struct{}
	err  error // Serve's, set before done is closed
}

// Listen starts a Server on addr (host:port; port 0 picks a free one). It
// serves until Close.
func Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	s := &Server{URL: "http://" + ln.Addr().String() + Path, done: make(chan struct{})}
	reg := prometheus.NewRegistry()
	reg.MustRegister(current{s}, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{EnableOpenMetrics: true})
	mux := http.NewServeMux()
	mux.HandleFunc(Path, func(w http.ResponseWriter, r *http.Request) {
		e := s.cur.Load()
		final := e != nil && e.finishedNow()
		h.ServeHTTP(w, r)
		if final {
			e.once.Do(func() { close(e.final) })
		}
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.err = err
		}
	}()
	return s, nil
}

// Set makes e the run the Server shows; a suite sets each scenario's in turn.
func (s *Server) Set(e *Exporter) { s.cur.Store(e) }

// Linger waits, after e.Finish, until a scrape has read the final figures,
// so that the last counts reach Prometheus, or d has passed, or ctx is
// done, whichever comes first. d = 0 does not wait.
func (s *Server) Linger(ctx context.Context, e *Exporter, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-e.final:
	case <-t.C:
	case <-ctx.Done():
	}
}

// Close stops the Server, waiting a moment for a scrape in flight.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, s.srv.Close())
	}
	<-s.done
	return errors.Join(s.err, err)
}

// current is the Server's collector: whichever Exporter is set. It
// describes nothing, so the registry takes it as unchecked, which lets the
// Exporter change from one scenario of a suite to the next.
type current struct{ s *Server }

func (c current) Describe(chan<- *prometheus.Desc) {}

func (c current) Collect(ch chan<- prometheus.Metric) {
	if e := c.s.cur.Load(); e != nil {
		e.Collect(ch)
	}
}
