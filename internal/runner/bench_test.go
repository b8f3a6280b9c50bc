package runner

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"
)

// startTarget starts a minimal HTTP/1.1 target on loopback that answers
// every request with 204, and returns its base URL. It stops with the test.
func startTarget(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve204(c)
		}
	}()
	return "http://" + ln.Addr().String()
}

// serve204 answers each request of one connection with 204 No Content.
func serve204(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		var clen int
		for first := true; ; first = false {
			line, err := r.ReadSlice('\n')
			if err != nil {
				return
			}
			line = bytes.TrimRight(line, "\r\n")
			if len(line) == 0 {
				if first {
					continue
				}
				break
			}
			if k, v, ok := bytes.Cut(line, []byte(":")); ok && asciiEqualFold(k, "content-length") {
				for _, ch := range bytes.TrimSpace(v) {
					clen = clen*10 + int(ch-'0')
				}
			}
		}
		if _, err := r.Discard(clen); err != nil {
			return
		}
		if _, err := c.Write(answer204); err != nil {
			return
		}
	}
}

var answer204 = []byte("HTTP/1.1 204 No Content\r\nServer: t\r\n\r\n")

// benchRequest is a request like the plan's subscribe_all.
func benchRequest(base string) *Request {
	return &Request{
		Method: "PUT",
		URL:    base + "/v1/accounts/9900000/sessions/6f1c0d8e-0000-4000-8000-000000000001/participants/0a2b0000-0000-4000-8000-000000000002",
		Header: map[string][]string{
			"Authorization": {"Basic YmVuY2g6YmVuY2g="},
			"Content-Type":  {"application/json"},
			"User-Agent":    {"wrtcbench/1"},
		},
		Body: []byte(`{"sessionId":"6f1c0d8e-0000-4000-8000-000000000001","participants":[{"participantId":"0a2b0000-0000-4000-8000-000000000003"}]}`),
	}
}

// nopRecorder counts results and keeps nothing.
type nopRecorder struct{ n, failed atomic.Int64 }

func (r *nopRecorder) Record(_ int, res *Result) {
	r.n.Add(1)
	if res.Err != ErrNone || res.Response.Status != 204 {
		r.failed.Add(1)
	}
}

func benchConfig(tb testing.TB, cc ClientConfig) (Config, *nopRecorder) {
	client, err := NewClient(cc)
	if err != nil {
		tb.Fatal(err)
	}
	req := benchRequest(startTarget(tb))
	rec := &nopRecorder{}
	return Config{
		Client:   client,
		Source:   SourceFunc(func(uint64) *Request { return req }),
		Recorder: rec,
	}, rec
}

// BenchmarkRoundTrip is one worker's hot path: send, read, judge, record,
// one request at a time over a kept-alive loopback connection.
func BenchmarkRoundTrip(b *testing.B) {
	for _, cc := range benchClients {
		b.Run(cc.name, func(b *testing.B) {
			cfg, rec := benchConfig(b, cc.cfg)
			cfg.Model, cfg.Concurrency, cfg.Requests = Closed, 1, 1
			rn, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			rn.start = time.Now()
			w := rn.newWorker(0)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				w.do(ctx, rn.hitFor(uint64(i), 0))
			}
			b.StopTimer()
			if rec.failed.Load() != 0 {
				b.Fatalf("%d of %d responses failed a check", rec.failed.Load(), rec.n.Load())
			}
		})
	}
}

// BenchmarkClosed64 is the whole closed-model runner with 64 workers.
func BenchmarkClosed64(b *testing.B) {
	for _, cc := range benchClients {
		b.Run(cc.name, func(b *testing.B) {
			cc.cfg.Conns = 64
			cfg, rec := benchConfig(b, cc.cfg)
			cfg.Model, cfg.Concurrency, cfg.Requests = Closed, 64, uint64(b.N)
			rn, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			if _, err := rn.Run(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if rec.n.Load() != int64(b.N) || rec.failed.Load() != 0 {
				b.Fatalf("%d results, %d failed; want %d, 0", rec.n.Load(), rec.failed.Load(), b.N)
			}
		})
	}
}

// benchClients are the client configurations the benchmarks compare.
var benchClients = []struct {
	name string
	cfg  ClientConfig
}{
	{"nethttp", ClientConfig{HTTP2: HTTP2Off, Engine: EngineNetHTTP}},
	{"lean", ClientConfig{HTTP2: HTTP2Off}},
}

// BenchmarkIdlePeek is what the check of a kept connection before each
// reuse costs the lean engine: one peek at an idle socket (conn.idle).
func BenchmarkIdlePeek(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_, _ = io.Copy(io.Discard, c) // holds the connection open and quiet
		}
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	c := newSock(nc)
	defer c.Close()
	b.ReportAllocs()
	for b.Loop() {
		if c.idle() != nothingWaiting {
			b.Fatal("the idle connection is not quiet")
		}
	}
}
