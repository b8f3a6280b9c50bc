package refserver

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// benchWorld seats 3 publishers and 17 subscribers in one session and
// returns the subscribe-all body the load generator's common case sends.
func benchWorld(b *testing.B, e *env) (s string, subs []string, body string) {
	s = e.session()
	var pubs []string
	for i := range DefaultMaxParticipantsPerSession {
		p := e.participant()
		e.seat(s, p)
		if i < 3 {
			pubs = append(pubs, p)
		} else {
			subs = append(subs, p)
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `{"sessionId":%q,"participants":[`, s)
	for i, p := range pubs {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"participantId":%q}`, p)
	}
	sb.WriteString("]}")
	return s, subs, sb.String()
}

// BenchmarkAddParticipant measures Add Participant to Session over real
// loopback HTTP/1.1 with keep-alive connections, client and server in one
// process. It reports requests per second.
func BenchmarkAddParticipant(b *testing.B) {
	rs, err := New(Config{})
	require.NoError(b, err)
	srv := httptest.NewServer(rs)
	defer srv.Close()
	e := &env{t: b, rs: rs, srv: srv, base: srv.URL + "/v1/accounts/" + DefaultAccount}
	s, subs, body := benchWorld(b, e)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0}}
	defer client.CloseIdleConnections()
	var next atomic.Uint64
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			sub := subs[next.Add(1)%uint64(len(subs))]
			req, err := http.NewRequest("PUT", e.base+"/sessions/"+s+"/participants/"+sub, strings.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.SetBasicAuth(DefaultUsername, DefaultPassword)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 204 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// nopWriter is a reusable ResponseWriter that keeps only the status.
type nopWriter struct {
	h    http.Header
	code int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(code int)        { w.code = code }

// BenchmarkAddParticipantHandler measures the handler alone: routing, auth,
// body decoding and the state change, without the network.
func BenchmarkAddParticipantHandler(b *testing.B) {
	rs, err := New(Config{})
	require.NoError(b, err)
	srv := httptest.NewServer(rs)
	e := &env{t: b, rs: rs, srv: srv, base: srv.URL + "/v1/accounts/" + DefaultAccount}
	s, subs, body := benchWorld(b, e)
	srv.Close()
	var next atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		sub := subs[next.Add(1)%uint64(len(subs))]
		rd := bytes.NewReader([]byte(body))
		req := httptest.NewRequest("PUT", "/v1/accounts/"+DefaultAccount+"/sessions/"+s+"/participants/"+sub, rd)
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(DefaultUsername, DefaultPassword)
		w := &nopWriter{h: http.Header{}}
		for pb.Next() {
			rd.Reset([]byte(body))
			req.Body = io.NopCloser(rd)
			clear(w.h)
			rs.ServeHTTP(w, req)
			if w.code != 204 {
				b.Errorf("status %d", w.code)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
