package refserver

import (
	"crypto/tls"
	"net"
	"net/http"
	"strconv"
	"time"
)

// write sends rep. With slow > 0 it writes the status, headers and the first
// half of the body, flushes, waits slow, and writes the rest; a bodiless reply
// is held for slow after its headers are flushed.
func (s *Server) write(w http.ResponseWriter, r *http.Request, rep reply, add bool, slow time.Duration) {
	s.stats.countStatus(rep.status, add)
	h := w.Header()
	if rep.retryAfter != "" {
		h["Retry-After"] = []string{rep.retryAfter}
	}
	if rep.body != nil {
		if rep.contentType == "" {
			h["Content-Type"] = hdrJSON
		} else {
			h["Content-Type"] = []string{rep.contentType}
		}
		h["Content-Length"] = []string{strconv.Itoa(len(rep.body))}
	}
	w.WriteHeader(rep.status)
	if slow <= 0 {
		if rep.body != nil {
			_, _ = w.Write(rep.body) // a failed write means the client left; nothing to do
		}
		return
	}
	s.stats.countFault(fSlowBody)
	half := len(rep.body) / 2
	_, _ = w.Write(rep.body[:half])
	_ = http.NewResponseController(w).Flush()
	if !sleep(r.Context(), slow) {
		panic(http.ErrAbortHandler)
	}
	_, _ = w.Write(rep.body[half:])
}

// abortConn ends the request without an answer. Over HTTP/1 it hijacks the
// connection and closes it; with rst it first sets SO_LINGER to 0 so the
// kernel sends a TCP RST instead of a FIN. Where hijacking is impossible
// (HTTP/2) it aborts the handler, which resets the stream.
func abortConn(w http.ResponseWriter, rst bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if rst {
		if tc, ok := underlyingTCP(conn); ok {
			_ = tc.SetLinger(0) // best effort: a plain close still ends the exchange
		}
	}
	_ = conn.Close() // the peer learns of it by the reset or EOF; an error here changes nothing
}

// underlyingTCP finds the TCP connection under a possibly TLS-wrapped one.
func underlyingTCP(c net.Conn) (*net.TCPConn, bool) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	tcp, ok := c.(*net.TCPConn)
	return tcp, ok
}
