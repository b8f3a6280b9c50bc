package runner

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// The lean engine's HTTP/1.1 response parser, strict after RFC 9112: a
// status line, header fields, and a body framed by Content-Length, chunked
// coding or the end of the connection. It reads from a bufio.Reader into a
// message and a bodyBuf, and knows nothing of connections or workers.
//
// What it refuses (errMalformed) is what RFC 9112 says to treat as an error,
// or what would make the framing ambiguous:
//   - a status line other than "HTTP/1.d ddd[ reason]", a status below 100,
//     a control character in the reason;
//   - a field name that is not a token or has space before its colon, a
//     field value with a control character (a bare CR, NUL, ...), a folded
//     line (obs-fold) that continues a field the engine reads;
//   - a Content-Length that is not all digits (a sign, a space inside, a
//     list), or two that differ;
//   - a Transfer-Encoding other than a single "chunked" (two fields, another
//     coding, or any on an HTTP/1.0 response);
//   - a chunk size that is not 1 to 16 hex digits, a chunk line not ending
//     in CRLF, chunk data not followed by CRLF, chunk extensions that
//     outweigh the data;
//   - a 101 Switching Protocols: no request of the engine asks to upgrade.
//
// A head larger than MaxHeadBytes is errHeadTooLarge. How bodies are read
// is in http1body.go.

// MaxHeadBytes bounds what the engines read of a response head: the status
// line and header fields of the response and of the interim (1xx) responses
// before it, line ends included; and, separately, the trailer fields of a
// chunked body. It is net/http's default for a server's request headers
// (http.DefaultMaxHeaderBytes), and the net/http engine's
// MaxResponseHeaderBytes, so both engines refuse the same heads.
const MaxHeadBytes = 1 << 20

// readBufSize is the size of a connection's bufio.Reader: a longer line of
// a head is gathered in the message's scratch buffer.
const readBufSize = 8 << 10

// errMalformed marks a response that is not valid HTTP/1.1 (ErrMalformed).
var errMalformed = errors.New("malformed HTTP response")

// errHeadTooLarge marks a response head beyond MaxHeadBytes (ErrHeadTooLarge).
var errHeadTooLarge = fmt.Errorf("response head larger than %d bytes", MaxHeadBytes)

// message is what the lean engine reads of one response. A worker keeps one
// and reuses it, so that a Content-Type that repeats is not allocated again.
type message struct {
	status      int
	contentType string        // "" when absent
	retryAfter  time.Duration // of a 429 or 503
	body        []byte        // the body up to the bodyBuf's bound
	bodyLen     int64         // the body's length as read, which may exceed len(body)
	announced   bool          // the head announced a body the status forbids (see Response.Announced)
	close       bool          // the connection cannot carry another request

	lastType string // the last Content-Type read, reused while it repeats
	scratch  []byte // a line longer than the reader's buffer
}

// framing is what a head says of the body that follows it.
type framing struct {
	length      int64 // Content-Length; -1 when absent
	chunked     bool
	te          int // Transfer-Encoding fields seen
	close       bool
	keepAlive   bool
	http10      bool
	interpreted bool // the last field read is one the engine interprets (for obs-fold)
}

// readResponse reads one response to a request (a HEAD request when head is
// set) from br into m, its body into b: the status, Content-Type,
// Retry-After, and the body up to b's bound, counting the rest. Interim
// (1xx) responses are skipped. Whatever br holds, it reads a bounded
// amount: MaxHeadBytes of head, b.max + b.drain of body and its chunk
// framing, and MaxHeadBytes of trailers.
func readResponse(br *bufio.Reader, head bool, b *bodyBuf, m *message) error {
	m.status, m.contentType, m.retryAfter, m.body, m.bodyLen, m.announced, m.close = 0, "", 0, b.b[:0], 0, false, false
	if cap(m.scratch) > 64<<10 {
		m.scratch = nil // a long line of an earlier head: let it go
	}
	budget := MaxHeadBytes
	for {
		line, err := readLine(br, &m.scratch, &budget)
		if err != nil {
			if err == io.EOF && m.status == 0 {
				return io.EOF // closed before answering
			}
			return err
		}
		status, http10, err := parseStatusLine(line)
		if err != nil {
			return err
		}
		m.status = status
		f, err := readFields(br, m, &budget)
		if err != nil {
			return err
		}
		f.http10 = http10
		if status >= 100 && status < 200 && status != 101 {
			continue // 100 Continue and the like: the real response follows
		}
		return readBody(br, head, b, m, &f)
	}
}

// readBody reads the body f frames, after a head of status m.status.
func readBody(br *bufio.Reader, head bool, b *bodyBuf, m *message, f *framing) error {
	if f.te > 0 && (f.te > 1 || !f.chunked || f.http10) {
		return fmt.Errorf("%w: unsupported Transfer-Encoding", errMalformed)
	}
	m.close = f.close || (f.http10 && !f.keepAlive)
	switch {
	case m.status == 101:
		return fmt.Errorf("%w: 101 Switching Protocols to a request that asked for no upgrade", errMalformed)
	case head:
		return nil
	case m.status == 204 || m.status == 304:
		// No content, whatever the head says. A body it announces is
		// flagged, and the connection not reused: its bytes may follow.
		if f.chunked || f.length > 0 {
			m.announced, m.close = true, true
		}
		return nil
	case f.chunked:
		// A Content-Length beside chunked coding is overridden by it (RFC
		// 9112 section 6.3), but the connection is not to be trusted again.
		m.close = m.close || f.length >= 0
		return readChunked(br, b, m)
	case f.length >= 0:
		return readFixed(br, b, m, f.length)
	default:
		m.close = true // the body ends when the server closes
		return readToEOF(br, b, m)
	}
}

// readFields reads header fields up to the blank line that ends the head.
func readFields(br *bufio.Reader, m *message, budget *int) (framing, error) {
	f := framing{length: -1}
	first := true
	for {
		line, err := readLine(br, &m.scratch, budget)
		if err != nil {
			return f, unexpected(err)
		}
		if len(line) == 0 {
			return f, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			// obs-fold: the line continues the field before it. Only the
			// value of a field the engine does not read may be folded.
			if first || f.interpreted || !validValue(line) {
				return f, fmt.Errorf("%w: folded header line %q", errMalformed, clip(line))
			}
			continue
		}
		first = false
		if err := f.field(line, m); err != nil {
			return f, err
		}
	}
}

// field reads one header field line into f and m.
func (f *framing) field(line []byte, m *message) error {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 || !validToken(line[:colon]) {
		return fmt.Errorf("%w: header line %q", errMalformed, clip(line))
	}
	name, value := line[:colon], bytes.Trim(line[colon+1:], " \t")
	if !validValue(value) {
		return fmt.Errorf("%w: header line %q", errMalformed, clip(line))
	}
	f.interpreted = true
	switch {
	case asciiEqualFold(name, "content-length"):
		n, ok := parseDigits(value)
		if !ok || (f.length >= 0 && n != f.length) {
			return fmt.Errorf("%w: Content-Length %q", errMalformed, clip(value))
		}
		f.length = n
	case asciiEqualFold(name, "transfer-encoding"):
		f.te++
		f.chunked = asciiEqualFold(value, "chunked")
	case asciiEqualFold(name, "connection"):
		f.close = f.close || hasToken(value, "close")
		f.keepAlive = f.keepAlive || hasToken(value, "keep-alive")
	case asciiEqualFold(name, "content-type"):
		if string(value) != m.lastType { // no allocation when it repeats
			m.lastType = string(value)
		}
		m.contentType = m.lastType
	case asciiEqualFold(name, "retry-after"):
		if m.status == 429 || m.status == 503 {
			m.retryAfter = parseRetryAfter(string(value), time.Now())
		}
	default:
		f.interpreted = false
	}
	return nil
}

// readLine reads one line of a head, without its end (LF or CRLF), and
// charges it to budget. A line longer than br's buffer is gathered in
// scratch. It returns io.EOF only when the stream ended before the line
// began; errHeadTooLarge when the budget ran out.
func readLine(br *bufio.Reader, scratch *[]byte, budget *int) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s := append((*scratch)[:0], line...)
		for err == bufio.ErrBufferFull && len(s) <= *budget {
			line, err = br.ReadSlice('\n')
			s = append(s, line...)
		}
		*scratch, line = s, s
	}
	if *budget -= len(line); *budget < 0 {
		return nil, errHeadTooLarge
	}
	if err != nil {
		if err == io.EOF && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// parseStatusLine reads "HTTP/1.d ddd reason", the reason optional. http10
// is set for HTTP/1.0.
func parseStatusLine(line []byte) (status int, http10 bool, err error) {
	bad := func() (int, bool, error) {
		return 0, false, fmt.Errorf("%w: status line %q", errMalformed, clip(line))
	}
	if len(line) < 12 || string(line[:7]) != "HTTP/1." || !isDigit(line[7]) || line[8] != ' ' ||
		(len(line) > 12 && line[12] != ' ') {
		return bad()
	}
	for _, c := range line[9:12] {
		if !isDigit(c) {
			return bad()
		}
		status = status*10 + int(c-'0')
	}
	if status < 100 || (len(line) > 12 && !validValue(line[13:])) {
		return bad()
	}
	return status, line[7] == '0', nil
}

// parseDigits reads a Content-Length: 1 to 18 decimal digits, nothing else.
func parseDigits(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// validValue reports whether v may stand in a field value: no control
// character but tab (RFC 9110 section 5.5), as net/http's reader checks.
func validValue(v []byte) bool {
	for _, c := range v {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// clip shortens what an error quotes.
func clip(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}

// unexpected turns an EOF in the middle of a response into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// asciiEqualFold reports whether b equals the lower-case ASCII s, ignoring case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// hasToken reports whether the comma-separated list v holds the lower-case
// token t, ignoring case.
func hasToken(v []byte, t string) bool {
	for len(v) > 0 {
		var item []byte
		item, v, _ = bytes.Cut(v, []byte(","))
		if asciiEqualFold(bytes.Trim(item, " \t"), t) {
			return true
		}
	}
	return false
}
