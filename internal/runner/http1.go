package runner

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// The lean engine's HTTP/1.1 response parser (RFC 9112): a status line,
// header fields, and a body framed by Content-Length, chunked coding or the
// end of the connection. It reads from a bufio.Reader and writes into a
// message and a bodyBuf, and knows nothing of connections or workers.

// maxHeadLine bounds a line of a response head; the bufio.Reader's size.
const maxHeadLine = 8 << 10

// maxHeadLines bounds the number of lines of a response head.
const maxHeadLines = 200

// errMalformed marks a response the engine cannot read as HTTP/1.1.
var errMalformed = errors.New("malformed HTTP response")

// message is what the lean engine reads of one response. A worker keeps one
// and reuses it, so that a Content-Type that repeats is not allocated again.
type message struct {
	status      int
	contentType string        // "" when absent
	retryAfter  time.Duration // of a 429 or 503
	body        []byte        // the body up to the bodyBuf's bound
	bodyLen     int64         // the body's length as read, which may exceed len(body)
	close       bool          // the connection cannot carry another request

	lastType string // the last Content-Type read, reused while it repeats
}

// header is what the engine keeps of a response head's fields.
type header struct {
	length           int64 // Content-Length; -1 when absent
	chunked          bool
	close, keepAlive bool // Connection: close / keep-alive
}

// bodyBuf holds the kept part of response bodies: a buffer that starts
// small and grows, up to max, when a body needs more.
type bodyBuf struct {
	b   []byte
	max int
}

// initialBody is the size a body buffer starts at. 256 workers with 64 KiB
// each would otherwise keep 16 MiB live for bodies that are mostly empty.
const initialBody = 4 << 10

func newBodyBuf(max int) bodyBuf { return bodyBuf{b: make([]byte, min(initialBody, max)), max: max} }

// room returns the buffer, grown to hold at least n bytes (at most max), its
// contents kept.
func (b *bodyBuf) room(n int) []byte {
	n = min(n, b.max)
	if n > len(b.b) {
		nb := make([]byte, min(max(n, 2*len(b.b)), b.max))
		copy(nb, b.b)
		b.b = nb
	}
	return b.b
}

// maxDrain is how much of a body beyond the kept bound is read (and
// discarded) to keep the connection reusable; past it the connection is
// closed.
const maxDrain = 4 << 20

// readResponse reads one response to a request (a HEAD request when head is
// set) from br into m, its body into b: the status, Content-Type,
// Retry-After, and the body up to b's bound, counting the rest. 1xx interim
// responses are skipped.
func readResponse(br *bufio.Reader, head bool, b *bodyBuf, m *message) error {
	m.status, m.contentType, m.retryAfter, m.body, m.bodyLen, m.close = 0, "", 0, b.b[:0], 0, false
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			if len(line) > 0 || m.status != 0 { // within a response, or after an interim one
				return unexpected(err)
			}
			return err
		}
		status, http11, err := parseStatusLine(line)
		if err != nil {
			return err
		}
		m.status = status
		h, err := readHeader(br, m)
		if err != nil {
			return err
		}
		if status >= 100 && status < 200 && status != 101 {
			continue // 100 Continue and the like: the real response follows
		}
		m.close = h.close || (!http11 && !h.keepAlive)
		switch {
		case head, status == 204, status == 304, status < 200:
			return nil
		case h.chunked:
			return readChunked(br, b, m)
		case h.length >= 0:
			return readBody(br, b, m, h.length)
		default:
			m.close = true // the body ends when the server closes
			return readBody(br, b, m, -1)
		}
	}
}

// readHeader reads header lines up to the blank line that ends the head.
func readHeader(br *bufio.Reader, m *message) (header, error) {
	h := header{length: -1}
	for range maxHeadLines {
		line, err := br.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				return h, fmt.Errorf("%w: a header line is longer than %d bytes", errMalformed, maxHeadLine)
			}
			return h, unexpected(err)
		}
		line = trimCRLF(line)
		if len(line) == 0 {
			return h, nil
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return h, fmt.Errorf("%w: header line %q", errMalformed, line)
		}
		name, value := line[:colon], bytes.Trim(line[colon+1:], " \t")
		switch {
		case asciiEqualFold(name, "content-length"):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 || (h.length >= 0 && n != h.length) {
				return h, fmt.Errorf("%w: Content-Length %q", errMalformed, value)
			}
			h.length = n
		case asciiEqualFold(name, "transfer-encoding"):
			h.chunked = hasToken(value, "chunked")
		case asciiEqualFold(name, "connection"):
			h.close = h.close || hasToken(value, "close")
			h.keepAlive = h.keepAlive || hasToken(value, "keep-alive")
		case asciiEqualFold(name, "content-type"):
			if string(value) != m.lastType { // no allocation when it repeats
				m.lastType = string(value)
			}
			m.contentType = m.lastType
		case asciiEqualFold(name, "retry-after"):
			if m.status == 429 || m.status == 503 {
				m.retryAfter = parseRetryAfter(string(value), time.Now())
			}
		}
	}
	return h, fmt.Errorf("%w: more than %d header lines", errMalformed, maxHeadLines)
}

// readBody reads a body of n bytes (until EOF when n < 0): up to b's bound
// kept, up to maxDrain more read and counted; past that the connection is
// closed rather than drained.
func readBody(br *bufio.Reader, b *bodyBuf, m *message, n int64) error {
	keep := b.max
	if n >= 0 {
		keep = int(min(n, int64(keep)))
	}
	got, err := io.ReadFull(br, b.room(keep)[:keep])
	m.body = b.b[:got]
	m.bodyLen = int64(got)
	if n < 0 {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil
		}
		if err != nil {
			return err
		}
		rest, err := io.Copy(io.Discard, io.LimitReader(br, maxDrain))
		m.bodyLen += rest
		if rest == maxDrain {
			m.close = true
		}
		return err
	}
	if err != nil {
		return unexpected(err)
	}
	left := n - int64(got)
	if left == 0 {
		return nil
	}
	if left > maxDrain {
		m.close = true
		left = maxDrain
	}
	rest, err := br.Discard(int(left))
	m.bodyLen += int64(rest)
	return unexpected(err)
}

// readChunked reads a chunked body (RFC 9112 section 7.1) like readBody.
func readChunked(br *bufio.Reader, b *bodyBuf, m *message) error {
	kept, total := 0, int64(0)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return unexpected(err)
		}
		line = trimCRLF(line)
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i] // chunk extensions
		}
		size, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 64)
		if err != nil || size < 0 {
			return fmt.Errorf("%w: chunk size %q", errMalformed, line)
		}
		if size == 0 {
			break
		}
		if total+size > int64(b.max)+maxDrain {
			m.close = true
			m.body, m.bodyLen = b.b[:kept], total
			return nil
		}
		take := int(min(size, int64(b.max-kept)))
		b.room(kept + take)
		if _, err := io.ReadFull(br, b.b[kept:kept+take]); err != nil {
			return unexpected(err)
		}
		kept += take
		if _, err := br.Discard(int(size) - take); err != nil {
			return unexpected(err)
		}
		total += size
		if err := expectCRLF(br); err != nil {
			return err
		}
	}
	for range maxHeadLines { // trailers, up to the blank line
		line, err := br.ReadSlice('\n')
		if err != nil {
			return unexpected(err)
		}
		if len(trimCRLF(line)) == 0 {
			m.body, m.bodyLen = b.b[:kept], total
			return nil
		}
	}
	return fmt.Errorf("%w: too many trailer lines", errMalformed)
}

// expectCRLF reads the line end after a chunk's data.
func expectCRLF(br *bufio.Reader) error {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return unexpected(err)
	}
	if len(trimCRLF(line)) != 0 {
		return fmt.Errorf("%w: chunk data longer than its size", errMalformed)
	}
	return nil
}

// parseStatusLine reads "HTTP/1.x NNN reason".
func parseStatusLine(line []byte) (status int, http11 bool, err error) {
	line = trimCRLF(line)
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' ||
		(len(line) > 12 && line[12] != ' ') {
		return 0, false, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return 0, false, fmt.Errorf("%w: status line %q", errMalformed, line)
		}
		status = status*10 + int(c-'0')
	}
	if status < 100 {
		return 0, false, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	return status, line[7] != '0', nil
}

// unexpected turns an EOF in the middle of a response into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func trimCRLF(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
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
