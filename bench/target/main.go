// Command target is the minimal loopback target of the speed comparison: it
// answers every HTTP/1.1 request with 204 No Content, as cheaply as it can,
// so that the load generators, not the target, are what bench/compare.sh
// measures.
//
//	target -addr 127.0.0.1:8089            # raw HTTP/1.1 over TCP (default)
//	target -addr 127.0.0.1:8089 -nethttp   # the same answer from net/http
//
// It prints "listening on ADDR" once it accepts connections. On SIGINT or
// SIGTERM it prints one line of its own figures to stderr: requests served
// and its service time (from a request's last byte read to its answer
// written) at p50/p99/max, so that a generator's latency overhead can be
// computed as its measured latency minus this service time.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8089", "loopback address to listen on")
	useNetHTTP := flag.Bool("nethttp", false, "serve with net/http instead of the raw HTTP/1.1 loop")
	delay := flag.Duration("delay", 0, "sleep this long before each answer (a simulated service time)")
	flag.Parse()
	if err := run(*addr, *useNetHTTP, *delay); err != nil {
		fmt.Fprintln(os.Stderr, "target:", err)
		os.Exit(1)
	}
}

func run(addr string, useNetHTTP bool, delay time.Duration) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%s is not a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st := &stats{}
	fmt.Printf("listening on %s\n", ln.Addr())
	if useNetHTTP {
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t0 := time.Now()
			_, _ = io.Copy(io.Discard, r.Body)
			if delay > 0 {
				time.Sleep(delay)
			}
			w.WriteHeader(http.StatusNoContent)
			st.add(1, time.Since(t0))
		})}
		go func() { <-ctx.Done(); _ = srv.Close() }()
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	} else {
		go func() { <-ctx.Done(); _ = ln.Close() }()
		for {
			c, err := ln.Accept()
			if err != nil {
				if ctx.Err() != nil {
					break
				}
				if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
					// A generator that opens connections without bound (vegeta
					// collapsing at 10,000/s) must not take the target down
					// for the tools measured after it: wait for some to close.
					time.Sleep(10 * time.Millisecond)
					continue
				}
				return err
			}
			go serveConn(c, st, delay)
		}
	}
	st.print(os.Stderr)
	return nil
}

// answer is the whole response to every request.
var answer = []byte("HTTP/1.1 204 No Content\r\nServer: wrtcbench-target\r\n\r\n")

// serveConn answers the requests of one connection, pipelined or not, until
// the client closes it. It reads a request head up to its blank line, skips
// a Content-Length body, and batches answers while more requests are
// already buffered.
func serveConn(c net.Conn, st *stats, delay time.Duration) {
	defer c.Close()
	r := bufio.NewReaderSize(c, 16<<10)
	w := bufio.NewWriterSize(c, 16<<10)
	local := hdr.New(1, int64(10*time.Second/time.Nanosecond), 2)
	defer func() { st.merge(local) }()
	var n int64
	for {
		clen, err := readHead(r)
		if err != nil {
			return
		}
		t0 := time.Now()
		if clen > 0 {
			if _, err := r.Discard(int(clen)); err != nil {
				return
			}
		}
		if delay > 0 {
			time.Sleep(delay)
		}
		_, _ = w.Write(answer)
		if r.Buffered() == 0 {
			if err := w.Flush(); err != nil {
				return
			}
		}
		_ = local.RecordValue(int64(time.Since(t0)))
		if n++; n%4096 == 0 {
			st.merge(local)
			local.Reset()
		}
	}
}

// readHead reads one request head and returns its Content-Length.
func readHead(r *bufio.Reader) (int64, error) {
	var clen int64
	for first := true; ; first = false {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			if first {
				continue // a stray CRLF between requests
			}
			return clen, nil
		}
		if len(line) > 15 && bytes.EqualFold(line[:15], []byte("content-length:")) {
			v, err := strconv.ParseInt(string(bytes.TrimSpace(line[15:])), 10, 64)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("bad Content-Length %q", line)
			}
			clen = v
		}
	}
}

// stats gathers the service times of every connection.
type stats struct {
	mu sync.Mutex
	h  *hdr.Histogram
}

func (s *stats) add(n int64, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	_ = s.h.RecordValues(int64(d), n)
}

func (s *stats) merge(h *hdr.Histogram) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	s.h.Merge(h)
}

func (s *stats) init() {
	if s.h == nil {
		s.h = hdr.New(1, int64(10*time.Second/time.Nanosecond), 2)
	}
}

func (s *stats) print(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	us := func(v int64) float64 { return float64(v) / 1e3 }
	fmt.Fprintf(w, "target: served %d service_us p50 %.1f p99 %.1f max %.1f\n", s.h.TotalCount(),
		us(s.h.ValueAtQuantile(50)), us(s.h.ValueAtQuantile(99)), us(s.h.Max()))
}
