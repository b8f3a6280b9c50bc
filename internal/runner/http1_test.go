package runner

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The bounds the parser tests read bodies with: small, so that a fuzzed
// body that goes on for ever is cut quickly.
const (
	testKeep  = 256
	testDrain = 1024
)

var update = flag.Bool("update", false, "rewrite the seed corpus under testdata/fuzz from the parser's test table")

// writeCorpus writes data as the seed name of fuzz test fuzz.
func writeCorpus(t *testing.T, fuzz, name string, data []byte) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", fuzz)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	file := strings.NewReplacer(" ", "_", "/", "_").Replace(name)
	body := "go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(body), 0o644))
}

// parse reads one response from data with the lean engine's parser.
func parse(data []byte) (message, error) {
	b := bodyBuf{b: make([]byte, 16), max: testKeep, drain: testDrain}
	var m message
	err := readResponse(bufio.NewReaderSize(bytes.NewReader(data), readBufSize), false, &b, &m)
	return m, err
}

func TestReadResponse(t *testing.T) {
	long := strings.Repeat("a", 100<<10)
	tests := []struct {
		name    string
		in      string
		status  int
		body    string
		bodyLen int64
		close   bool
		err     error // errMalformed, errHeadTooLarge, io.ErrUnexpectedEOF; nil for a response read
		why     string
	}{
		{"no content", "HTTP/1.1 204 No Content\r\n\r\n", 204, "", 0, false, nil, ""},
		{"no reason", "HTTP/1.1 204\r\n\r\n", 204, "", 0, false, nil, "the reason phrase is optional"},
		{"bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 200, "ok", 2, false, nil, "RFC 9112 section 2.2 lets a recipient take LF for CRLF in the head"},
		{"length", "HTTP/1.1 400 Bad\r\nContent-Length: 2\r\n\r\n{}", 400, "{}", 2, false, nil, ""},
		{"equal lengths", "HTTP/1.1 400 Bad\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 400, "{}", 2, false, nil, "repeated with one value"},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nok\r\n0\r\nT: v\r\n\r\n", 200, "ok", 2, false, nil, "extensions and trailers are read and dropped"},
		{"chunked and length", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 9\r\n\r\n2\r\nok\r\n0\r\n\r\n", 200, "ok", 2, true, nil, "chunked coding overrides Content-Length (RFC 9112 section 6.3); the connection is not reused"},
		{"to close", "HTTP/1.1 200 OK\r\n\r\nuntil the end", 200, "until the end", 13, true, nil, "no framing: the body ends with the connection"},
		{"interim", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: x\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", 204, "", 0, false, nil, "1xx interim responses are skipped"},
		{"http/1.0", "HTTP/1.0 204 No Content\r\n\r\n", 204, "", 0, true, nil, "HTTP/1.0 closes unless kept alive"},
		{"http/1.0 kept", "HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n", 204, "", 0, false, nil, ""},
		{"cut", "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + long[:5000], 200, long[:testKeep], testKeep + testDrain, true, nil, "past its bound a body is cut and the connection closed"},
		{"huge chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\n" + long[:5000], 200, long[:testKeep], testKeep + testDrain, true, nil, "a huge chunk is read up to the bound, not taken as read"},
		{"long header line", "HTTP/1.1 204 No Content\r\nX-Long: " + long + "\r\n\r\n", 204, "", 0, false, nil, "a 100 KiB line is within MaxHeadBytes"},
		{"folded unread field", "HTTP/1.1 204 No Content\r\nX-A: 1\r\n 2\r\n\r\n", 204, "", 0, false, nil, "obs-fold of a field the engine does not read"},

		{"closed mid-body", "HTTP/1.1 400 Bad\r\nContent-Length: 50\r\n\r\n{\"err", 0, "", 0, false, io.ErrUnexpectedEOF, ""},
		{"closed mid-chunks", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n", 0, "", 0, false, io.ErrUnexpectedEOF, "no last chunk"},
		{"closed mid-head", "HTTP/1.1 204 No Content\r\nX-A: 1\r\n", 0, "", 0, false, io.ErrUnexpectedEOF, ""},
		{"not HTTP", "SSH-2.0-OpenSSH\r\n", 0, "", 0, false, errMalformed, ""},
		{"signed status", "HTTP/1.1 +04 OK\r\n\r\n", 0, "", 0, false, errMalformed, "three digits"},
		{"status 099", "HTTP/1.1 099 Low\r\n\r\n", 0, "", 0, false, errMalformed, ""},
		{"version", "HTTP/1.x 204 No Content\r\n\r\n", 0, "", 0, false, errMalformed, ""},
		{"control in reason", "HTTP/1.1 204 No\x00Content\r\n\r\n", 0, "", 0, false, errMalformed, ""},
		{"signed length", "HTTP/1.1 400 Bad\r\nContent-Length: +2\r\n\r\n{}", 0, "", 0, false, errMalformed, "RFC 9112 section 6.3: an invalid Content-Length is an error"},
		{"length list", "HTTP/1.1 400 Bad\r\nContent-Length: 2, 2\r\n\r\n{}", 0, "", 0, false, errMalformed, ""},
		{"lengths differ", "HTTP/1.1 400 Bad\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 0, "", 0, false, errMalformed, ""},
		{"signed chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+2\r\nok\r\n0\r\n\r\n", 0, "", 0, false, errMalformed, ""},
		{"spaced chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n 2\r\nok\r\n0\r\n\r\n", 0, "", 0, false, errMalformed, ""},
		{"chunk too long", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokay\r\n0\r\n\r\n", 0, "", 0, false, errMalformed, ""},
		{"chunk line LF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nok\r\n0\r\n\r\n", 0, "", 0, false, errMalformed, "chunk lines end in CRLF"},
		{"two codings", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nok", 0, "", 0, false, errMalformed, "the smuggling shape: not framed by Content-Length"},
		{"gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 0, "", 0, false, errMalformed, "only chunked is understood"},
		{"1.0 chunked", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0, "", 0, false, errMalformed, "RFC 9112 section 6.1: framing faulty"},
		{"space before colon", "HTTP/1.1 204 No Content\r\nContent-Length : 0\r\n\r\n", 0, "", 0, false, errMalformed, ""},
		{"bare CR", "HTTP/1.1 204 No Content\r\nX-A: 1\r2\r\n\r\n", 0, "", 0, false, errMalformed, ""},
		{"folded length", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n 0\r\n\r\nok", 0, "", 0, false, errMalformed, "a folded framing field"},
		{"fold first", "HTTP/1.1 204 No Content\r\n X-A: 1\r\n\r\n", 0, "", 0, false, errMalformed, ""},
		{"switching", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", 0, "", 0, false, errMalformed, "no request asked to upgrade"},
		{"head too large", "HTTP/1.1 204 No Content\r\n" + strings.Repeat("X-Long: "+long+"\r\n", 11) + "\r\n", 0, "", 0, false, errHeadTooLarge, "1.1 MiB of head"},
		{"interim too many", strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", MaxHeadBytes/25+1) + "HTTP/1.1 204 No Content\r\n\r\n", 0, "", 0, false, errHeadTooLarge, "interim heads count towards the bound"},
	}
	for _, tt := range tests {
		if *update && len(tt.in) < 4<<10 {
			writeCorpus(t, "FuzzReadResponse", tt.name, []byte(tt.in))
		}
		t.Run(tt.name, func(t *testing.T) {
			m, err := parse([]byte(tt.in))
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err, tt.why)
				return
			}
			require.NoError(t, err, tt.why)
			assert.Equal(t, tt.status, m.status, tt.why)
			assert.Equal(t, tt.body, string(m.body), tt.why)
			assert.Equal(t, tt.bodyLen, m.bodyLen, tt.why)
			assert.Equal(t, tt.close, m.close, tt.why)
		})
	}
}

// TestReadResponseAnnouncedBody: a 204 or 304 that announces a body is read
// without it, flagged, and its connection not reused.
func TestReadResponseAnnouncedBody(t *testing.T) {
	for _, in := range []string{
		"HTTP/1.1 204 No Content\r\nContent-Length: 46\r\n\r\n",
		"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n",
		"HTTP/1.1 304 Not Modified\r\nContent-Length: 2\r\n\r\n",
	} {
		m, err := parse([]byte(in + `{"error":"x"}`))
		require.NoError(t, err, in)
		assert.True(t, m.announced, in)
		assert.True(t, m.close, in)
		assert.Zero(t, m.bodyLen, in)
	}
	m, err := parse([]byte("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"))
	require.NoError(t, err)
	assert.False(t, m.announced, "Content-Length: 0 announces no body")
}

// cycle reads its bytes over and over, for ever.
type cycle struct {
	b []byte
	i int
	n int64 // bytes read
}

func (c *cycle) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) {
		k := copy(p[n:], c.b[c.i:])
		n += k
		c.i = (c.i + k) % len(c.b)
	}
	c.n += int64(n)
	return n, nil
}

// stdRead reads data as the net/http engine reads a response, with
// http.ReadResponse: interim responses skipped, up to testKeep bytes of the
// body kept and up to testDrain more counted.
func stdRead(data []byte) (status int, body []byte, bodyLen int64, err error) {
	br := bufio.NewReader(bytes.NewReader(data))
	var resp *http.Response
	for {
		resp, err = http.ReadResponse(br, nil)
		if err != nil {
			return 0, nil, 0, err
		}
		if resp.StatusCode < 100 || resp.StatusCode >= 200 || resp.StatusCode == 101 {
			break
		}
	}
	defer resp.Body.Close()
	if resp.StatusCode == 101 {
		return 0, nil, 0, errors.New("101")
	}
	all, err := io.ReadAll(io.LimitReader(resp.Body, testKeep+testDrain))
	if err != nil {
		return 0, nil, 0, err
	}
	return resp.StatusCode, all[:min(len(all), testKeep)], int64(len(all)), nil
}

// checkStrict fails t when the head of the (accepted) response in data is
// not what a strict reading of RFC 9112 allows: its status line, then its
// field lines (or obs-fold continuations) up to the blank line, every
// Content-Length all digits. It is written apart from the parser, byte by
// byte, to check it.
func checkStrict(t *testing.T, data []byte) {
	t.Helper()
	vchars := func(s string) bool { // field-content, obs-text included
		for i := range len(s) {
			if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
				return false
			}
		}
		return true
	}
	digits := func(s string) bool {
		for i := range len(s) {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return s != ""
	}
	lines := strings.Split(string(data), "\n")
	st := strings.TrimSuffix(lines[0], "\r")
	if len(st) < 12 || st[:7] != "HTTP/1." || !digits(st[7:8]) || st[8] != ' ' || st[9] == '0' || !digits(st[9:12]) ||
		len(st) > 12 && (st[12] != ' ' || !vchars(st[13:])) {
		t.Fatalf("accepted status line %q", lines[0])
	}
	for _, l := range lines[1:] {
		l = strings.TrimSuffix(l, "\r")
		if l == "" {
			return
		}
		if l[0] == ' ' || l[0] == '\t' {
			if !vchars(l) {
				t.Fatalf("accepted continuation line %q", l)
			}
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		for i := range len(name) {
			if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(name[i])) && !digits(name[i:i+1]) &&
				!('a' <= name[i]|0x20 && name[i]|0x20 <= 'z') {
				ok = false
			}
		}
		if !ok || name == "" || !vchars(value) {
			t.Fatalf("accepted header line %q", l)
		}
		if strings.EqualFold(name, "content-length") && !digits(strings.Trim(value, " \t")) {
			t.Fatalf("accepted Content-Length %q", value)
		}
	}
}

// FuzzReadResponse: whatever the bytes, the parser does not panic; it reads
// a bounded amount from a stream that never ends; what it accepts has a
// head RFC 9112 allows; and where net/http's http.ReadResponse accepts the
// same bytes, both read the same status and the same body, up to the bound.
// The kept corpus is testdata/fuzz/FuzzReadResponse; .ci/run fuzzes for a
// bounded time.
func FuzzReadResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 204 No Content\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// A stream that repeats data for ever: the parser must stop.
		c := &cycle{b: data}
		b := bodyBuf{b: make([]byte, 16), max: testKeep, drain: testDrain}
		var m message
		_ = readResponse(bufio.NewReaderSize(c, readBufSize), false, &b, &m)
		const bound = 2*MaxHeadBytes + readBufSize + 64<<10
		if c.n > bound {
			t.Fatalf("read %d bytes of an endless stream; the bound is %d", c.n, bound)
		}

		m, err := parse(data)
		if err != nil {
			return
		}
		checkStrict(t, data)
		status, body, bodyLen, serr := stdRead(data)
		if serr != nil {
			return // net/http refuses what the parser takes: it is stricter here
		}
		if m.status != status || !bytes.Equal(m.body, body) || m.bodyLen != bodyLen {
			t.Fatalf("parser: %d %q (%d bytes); net/http: %d %q (%d bytes)", m.status, m.body, m.bodyLen, status, body, bodyLen)
		}
	})
}
