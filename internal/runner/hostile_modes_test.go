//go:build linux

package runner

import (
	"io"
	"net"
	"strings"
	"time"
)

// The modes of the hostile server (hostile_test.go): one misbehaviour each,
// and the verdict both engines must record for it.

// The answers the modes are made of.
const (
	ok204   = "HTTP/1.1 204 No Content\r\nContent-Type: {tag}\r\n\r\n"
	stray   = "HTTP/1.1 204 No Content\r\nContent-Type: text/plain; stray\r\n\r\n"
	errJSON = `{"error":"bad","requestId":"r"}` // 31 bytes
)

// outcome is what a request of a mode must be recorded with.
type outcome struct {
	err       ErrKind
	status    int
	announced bool
	retry     time.Duration
	body      string
}

// hostileMode is one misbehaviour and its documented verdict, the same on
// both engines unless netHTTP says otherwise.
type hostileMode struct {
	name    string
	answer  func(h *hconn) (keep bool)
	want    outcome
	netHTTP *outcome // net/http's verdict, where it differs
	// unsolicited: the server sends bytes nobody asked for, and the lean
	// engine must count them (Summary.Unsolicited).
	unsolicited bool
	// readAhead: bytes are left on a kept connection that net/http's
	// reader may take in ahead of the next request and then read as its
	// answer; so with net/http a request may be credited with another's
	// answer, or fail (malformed, or the connection broken under it, even
	// before it was written). The server receives a request at most once,
	// and one it never received is never credited with an answer (see
	// Summary.Unsolicited).
	readAhead bool
	slow      bool // the verdict takes a timeout: few requests, a short timeout
	heavy     bool // megabytes per request: fewer requests
}

var hostileModes = []hostileMode{
	{name: "well-behaved", answer: func(h *hconn) bool { h.write(ok204); return true },
		want: outcome{status: 204}},
	{name: "no reason phrase, bare LF", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 204\nContent-Type: {tag}\n\n")
		return true
	}, want: outcome{status: 204}},
	{name: "error body", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nContent-Type: {tag}\r\nContent-Length: 31\r\n\r\n" + errJSON)
		return true
	}, want: outcome{status: 400, body: errJSON}},
	{name: "chunked with extensions and trailers", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nContent-Type: {tag}\r\nTransfer-Encoding: chunked\r\n\r\n" +
			"a;x=1\r\n" + errJSON[:10] + "\r\n15\r\n" + errJSON[10:] + "\r\n0\r\nX-T: 1\r\n\r\n")
		return true
	}, want: outcome{status: 400, body: errJSON}},
	{name: "chunked and Content-Length", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nContent-Type: {tag}\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n" +
			"1f\r\n" + errJSON + "\r\n0\r\n\r\n")
		return true
	}, want: outcome{status: 400, body: errJSON}},
	{name: "HTTP/1.0 body to the close", answer: func(h *hconn) bool {
		h.write("HTTP/1.0 400 Bad Request\r\nContent-Type: {tag}\r\n\r\n" + errJSON)
		return false
	}, want: outcome{status: 400, body: errJSON}},
	{name: "64 KiB header line", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 204 No Content\r\nContent-Type: {tag}\r\nX-Long: " + strings.Repeat("x", 64<<10) + "\r\n\r\n")
		return true
	}, want: outcome{status: 204}},
	{name: "1000 header lines", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 204 No Content\r\nContent-Type: {tag}\r\n" + strings.Repeat("X-Many: y\r\n", 1000) + "\r\n")
		return true
	}, want: outcome{status: 204}},
	{name: "interim 100 and 103", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" + ok204)
		return true
	}, want: outcome{status: 204}},
	{name: "Retry-After past int64 nanoseconds", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: {tag}\r\nRetry-After: 18446744074\r\nContent-Length: 0\r\n\r\n")
		return true
	}, want: outcome{status: 503, retry: maxRetryAfter}},
	{name: "204 announcing a body", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 204 No Content\r\nContent-Type: {tag}\r\nContent-Length: 31\r\n\r\n" + errJSON)
		return true
	}, want: outcome{status: 204, announced: true}, readAhead: true},
	{name: "204 then close without saying", answer: func(h *hconn) bool {
		h.write(ok204)
		return false
	}, want: outcome{status: 204}},
	{name: "stray 204 behind each answer", answer: func(h *hconn) bool {
		h.write(ok204 + stray)
		return true
	}, want: outcome{status: 204}, unsolicited: true, readAhead: true},
	{name: "stray 204 after a pause", answer: func(h *hconn) bool {
		h.write(ok204)
		time.Sleep(time.Millisecond)
		h.write(stray)
		return true
	}, want: outcome{status: 204}, unsolicited: true, readAhead: true},
	{name: "body longer than its Content-Length", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nContent-Type: {tag}\r\nContent-Length: 31\r\n\r\n" + errJSON + "trailing")
		return true
	}, want: outcome{status: 400, body: errJSON}, unsolicited: true, readAhead: true},

	{name: "closed before answering", answer: func(h *hconn) bool { return false },
		want: outcome{err: ErrEOF}},
	{name: "reset before answering", answer: func(h *hconn) bool {
		_ = h.c.(*net.TCPConn).SetLinger(0)
		return false
	}, want: outcome{err: ErrReset}},
	{name: "closed after a header line", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 204 No Content\r\nContent-Type: {tag}\r\n")
		return false
	}, want: outcome{err: ErrEOF}},
	{name: "closed mid-line", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 204 No Content\r\nContent-Ty")
		return false
	}, want: outcome{err: ErrEOF}, netHTTP: &outcome{err: ErrMalformed}}, // net/http: "missing colon"
	{name: "body short of its Content-Length", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nContent-Type: {tag}\r\nContent-Length: 46\r\n\r\n" + errJSON[:10])
		return false
	}, want: outcome{err: ErrEOF}},
	{name: "chunked body without its last chunk", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nContent-Type: {tag}\r\nTransfer-Encoding: chunked\r\n\r\n1f\r\n" + errJSON + "\r\n")
		return false
	}, want: outcome{err: ErrEOF}},
	{name: "chunk of 7fffffffffffffff bytes", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nContent-Type: {tag}\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\n" + errJSON)
		return false
	}, want: outcome{err: ErrEOF}},

	{name: "not HTTP", answer: func(h *hconn) bool { h.write("SSH-2.0-OpenSSH_9.6\r\n"); return false },
		want: outcome{err: ErrMalformed}},
	{name: "status +04", answer: func(h *hconn) bool { h.write("HTTP/1.1 +04 OK\r\nContent-Length: 0\r\n\r\n"); return true },
		want: outcome{err: ErrMalformed}},
	{name: "status 099", answer: func(h *hconn) bool { h.write("HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n"); return true },
		want: outcome{err: ErrMalformed}},
	{name: "control character in the reason", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 204 No\x01Content\r\n\r\n")
		return true
	}, want: outcome{err: ErrMalformed}},
	{name: "101 Switching Protocols", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		h.hold()
		return false
	}, want: outcome{err: ErrMalformed}},
	{name: "Content-Length +46", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nContent-Length: +31\r\n\r\n" + errJSON)
		return true
	}, want: outcome{err: ErrMalformed}},
	{name: "two Content-Lengths", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 31\r\nContent-Length: 30\r\n\r\n" + errJSON)
		return true
	}, want: outcome{err: ErrMalformed}},
	{name: "folded Content-Length", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n 1\r\n\r\n" + errJSON)
		return true
	}, want: outcome{err: ErrMalformed}},
	{name: "space before the colon", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nContent-Length : 31\r\n\r\n" + errJSON)
		return true
	}, want: outcome{err: ErrMalformed}},
	{name: "bare CR in a header", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 204 No Content\r\nX-A: 1\r2\r\n\r\n")
		return true
	}, want: outcome{err: ErrMalformed}},
	{name: "chunk size +2e", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n+1f\r\n" + errJSON + "\r\n0\r\n\r\n")
		return true
	}, want: outcome{err: ErrMalformed}},
	{name: "chunk size ' 2e'", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n 1f\r\n" + errJSON + "\r\n0\r\n\r\n")
		return true
	}, want: outcome{err: ErrMalformed}},
	{name: "chunk longer than its size", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n" + errJSON + "\r\n0\r\n\r\n")
		return true
	}, want: outcome{err: ErrMalformed}},
	{name: "chunk line ending in bare LF", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n1f\n" + errJSON + "\r\n0\r\n\r\n")
		return true
	}, want: outcome{err: ErrMalformed}},
	{name: "Transfer-Encoding chunked then gzip", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\nContent-Length: 31\r\n\r\n" + errJSON)
		return true
	}, want: outcome{err: ErrMalformed}},

	{name: "2 MiB head", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 204 No Content\r\n" + strings.Repeat("X-Big: "+strings.Repeat("b", 1000)+"\r\n", 2<<10) + "\r\n")
		return false
	}, want: outcome{err: ErrHeadTooLarge}, heavy: true},
	{name: "endless 100 Continue", answer: func(h *hconn) bool {
		h.finish()
		batch := strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 1<<10)
		for range 100 { // 2.5 MiB, or until the client hangs up
			if _, err := io.WriteString(h.c, batch); err != nil {
				break
			}
		}
		return false
	}, want: outcome{err: ErrHeadTooLarge}, heavy: true},

	{name: "never answers", answer: func(h *hconn) bool { h.hold(); return false },
		want: outcome{err: ErrTimeout}, slow: true},
	{name: "head a byte at a time", answer: func(h *hconn) bool {
		h.finish()
		for _, c := range []byte("HTTP/1.1 204 No Content\r\nX-Slow: " + strings.Repeat("s", 1000)) {
			if _, err := h.c.Write([]byte{c}); err != nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		return false
	}, want: outcome{err: ErrTimeout}, slow: true},
	{name: "body a byte at a time", answer: func(h *hconn) bool {
		h.write("HTTP/1.1 400 Bad Request\r\nContent-Type: {tag}\r\nContent-Length: 1000\r\n\r\n")
		h.finish()
		for range 1000 {
			if _, err := h.c.Write([]byte{'x'}); err != nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		return false
	}, want: outcome{err: ErrTimeout}, slow: true},
}
