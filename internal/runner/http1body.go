package runner

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
)

// Response bodies, as the lean engine reads them: framed by Content-Length,
// chunked coding (RFC 9112 section 7) or the end of the connection; kept up
// to the bodyBuf's bound and read on, counted, up to its drain (maxDrain) to
// keep the connection; a longer body is cut there, its length counted as
// read, and the connection closed.

// maxDrain is how much of a body beyond the kept bound is read (and
// discarded) to keep the connection reusable; past it the connection is
// closed.
const maxDrain = 4 << 20

// bodyBuf holds the kept part of response bodies: a buffer that starts
// small and grows, up to max, when a body needs more.
type bodyBuf struct {
	b     []byte
	max   int   // the most of a body kept
	drain int64 // the most of a body read past max, to keep the connection; maxDrain
}

// initialBody is the size a body buffer starts at. 256 workers with 64 KiB
// each would otherwise keep 16 MiB live for bodies that are mostly empty.
const initialBody = 4 << 10

func newBodyBuf(max int) bodyBuf {
	return bodyBuf{b: make([]byte, min(initialBody, max)), max: max, drain: maxDrain}
}

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

// readFixed reads a body of n bytes: up to b's bound kept, up to b.drain
// more read and counted; past that the body is cut and the connection
// closed rather than drained.
func readFixed(br *bufio.Reader, b *bodyBuf, m *message, n int64) error {
	keep := int(min(n, int64(b.max)))
	got, err := io.ReadFull(br, b.room(keep)[:keep])
	m.body, m.bodyLen = b.b[:got], int64(got)
	if err != nil {
		return unexpected(err)
	}
	left := n - int64(got)
	if left > b.drain {
		m.close = true
		left = b.drain
	}
	rest, err := br.Discard(int(left))
	m.bodyLen += int64(rest)
	return unexpected(err)
}

// readToEOF reads a body that ends when the server closes, like readFixed.
func readToEOF(br *bufio.Reader, b *bodyBuf, m *message) error {
	got, err := io.ReadFull(br, b.room(b.max)[:b.max])
	m.body, m.bodyLen = b.b[:got], int64(got)
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return nil // the end of the body
	case err != nil:
		return err
	}
	rest, err := io.Copy(io.Discard, io.LimitReader(br, b.drain))
	m.bodyLen += rest
	return err // at b.drain the body is cut; the connection closes anyway
}

// readChunked reads a chunked body (RFC 9112 section 7.1) like readFixed:
// the chunks up to b's bound kept and up to b.drain more counted; a body
// that goes on past that is cut and the connection closed. Then the
// trailer fields, which are read and dropped. Chunk lines end in CRLF, and
// their extensions may not outweigh the data (net/http's rule: 16 bytes per
// chunk and twice its size, 16 KiB in all).
func readChunked(br *bufio.Reader, b *bodyBuf, m *message) error {
	kept, total := 0, int64(0)
	limit := int64(b.max) + b.drain
	var excess int64
	for {
		line, err := readChunkLine(br)
		if err != nil {
			return err
		}
		size, ok := parseChunkSize(line)
		if !ok {
			return fmt.Errorf("%w: chunk size %q", errMalformed, clip(line))
		}
		excess = max(excess+int64(len(line))+4-16-2*min(size, 1<<40), 0)
		if excess > 16<<10 {
			return fmt.Errorf("%w: chunk extensions outweigh the data", errMalformed)
		}
		if size == 0 {
			break
		}
		cut := size > limit-total
		size = min(size, limit-total)
		take := int(min(size, int64(b.max-kept)))
		b.room(kept + take)
		n, err := io.ReadFull(br, b.b[kept:kept+take])
		kept += n
		total += int64(n)
		if err == nil {
			var d int
			d, err = br.Discard(int(size) - take)
			total += int64(d)
		}
		m.body, m.bodyLen = b.b[:kept], total
		if err != nil {
			return unexpected(err)
		}
		if cut {
			m.close = true
			return nil
		}
		if err := expectCRLF(br); err != nil {
			return err
		}
	}
	budget := MaxHeadBytes
	for first := true; ; first = false { // trailer fields, up to the blank line
		line, err := readLine(br, &m.scratch, &budget)
		if err != nil {
			return unexpected(err)
		}
		if len(line) == 0 {
			return nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			if first || !validValue(line) {
				return fmt.Errorf("%w: trailer line %q", errMalformed, clip(line))
			}
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !validToken(line[:colon]) || !validValue(line[colon+1:]) {
			return fmt.Errorf("%w: trailer line %q", errMalformed, clip(line))
		}
	}
}

// maxChunkLine bounds a chunk-size line, extensions included (net/http's
// bound).
const maxChunkLine = 4 << 10

// readChunkLine reads a chunk-size line without its CRLF. A bare LF does
// not end it (RFC 9112 erratum 7633), nor may a CR stand inside it.
func readChunkLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull || len(line) > maxChunkLine:
		return nil, fmt.Errorf("%w: a chunk line longer than %d bytes", errMalformed, maxChunkLine)
	case err != nil:
		return nil, unexpected(err)
	case len(line) < 2 || bytes.IndexByte(line, '\r') != len(line)-2:
		return nil, fmt.Errorf("%w: chunk line %q does not end in CRLF", errMalformed, clip(line))
	}
	return line[:len(line)-2], nil
}

// expectCRLF reads the CRLF after a chunk's data.
func expectCRLF(br *bufio.Reader) error {
	crlf, err := br.Peek(2)
	if err != nil {
		return unexpected(err)
	}
	if crlf[0] != '\r' || crlf[1] != '\n' {
		return fmt.Errorf("%w: chunk data longer than its size", errMalformed)
	}
	_, err = br.Discard(2)
	return err
}

// parseChunkSize reads a chunk-size line: 1 to 16 hex digits, then
// optionally white space and chunk extensions (";..."), which are ignored.
func parseChunkSize(line []byte) (int64, bool) {
	i := 0
	var n uint64
	for ; i < len(line); i++ {
		c := line[i]
		var d byte
		switch {
		case isDigit(c):
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			goto rest
		}
		n = n<<4 | uint64(d)
	}
rest:
	if i == 0 || i > 16 {
		return 0, false
	}
	tail := bytes.TrimLeft(line[i:], " \t")
	if len(tail) > 0 && (tail[0] != ';' || !validValue(tail)) {
		return 0, false
	}
	return int64(min(n, math.MaxInt64)), true
}
