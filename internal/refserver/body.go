package refserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
)

// errBodyTooLarge is returned for a body over MaxBodyBytes.
var errBodyTooLarge = fmt.Errorf("request body exceeds %d bytes", MaxBodyBytes)

// bufPool recycles body buffers; bodies on the hot path are a few hundred bytes.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readBody reads the request body, at most MaxBodyBytes, into a pooled buffer.
// The caller must call release when done with the bytes. A body that is empty
// or only white space comes back as nil.
func readBody(r *http.Request) (body []byte, release func(), err error) {
	nop := func() {}
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil, nop, nil
	}
	if r.ContentLength > MaxBodyBytes {
		drain(r)
		return nil, nop, errBodyTooLarge
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	release = func() {
		if buf.Cap() <= 64<<10 { // keep the pool from holding big buffers
			bufPool.Put(buf)
		}
	}
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		release()
		return nil, nop, fmt.Errorf("reading the request body: %w", err)
	}
	if n > MaxBodyBytes {
		release()
		drain(r)
		return nil, nop, errBodyTooLarge
	}
	b := bytes.TrimSpace(buf.Bytes())
	if len(b) == 0 {
		release()
		return nil, nop, nil
	}
	return b, release, nil
}

// maxDrain is how much of a refused, oversized body the server reads and
// discards, so that the client's write completes and the connection stays
// usable; net/http would close it after 256 KiB.
const maxDrain = 8 << 20

// drain reads and discards what is left of the request body, up to maxDrain.
func drain(r *http.Request) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxDrain))
}

// checkJSONType reports whether a request that carries a body declares it as
// application/json (parameters such as charset are allowed).
func checkJSONType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "application/json" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		if ct == "" {
			return errors.New("a request body needs Content-Type: application/json")
		}
		return fmt.Errorf("Content-Type %q is not application/json", ct)
	}
	return nil
}

// decodeObject decodes a JSON object body into v and turns decoder errors
// into messages that name the offending field.
func decodeObject(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return decodeError(err)
	}
	if body[0] != '{' { // "null" decodes into a struct without an error
		return errors.New("the body must be a JSON object")
	}
	return nil
}

// decodeError turns an encoding/json error into a 400 message.
func decodeError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("malformed JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te) && te.Field == "":
		return fmt.Errorf("the body must be a JSON object, not %s", article(te.Value))
	case errors.As(err, &te):
		return fmt.Errorf("%s must be %s, not %s", te.Field, article(jsonKind(te.Type.Kind().String())), article(te.Value))
	default:
		return fmt.Errorf("malformed JSON: %v", err)
	}
}

// jsonKind names a Go kind the way a JSON user would.
func jsonKind(k string) string {
	switch k {
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "ptr":
		return "string"
	default:
		return k
	}
}

// article prefixes a JSON type name with "a" or "an".
func article(w string) string {
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) {
		return "an " + w
	}
	return "a " + w
}

// sessionBody is the Create Session request body.
type sessionBody struct {
	Tag *string `json:"tag"`
}

// participantBody is the Create Participant request body.
type participantBody struct {
	CallbackURL        *string  `json:"callbackUrl"`
	PublishPermissions []string `json:"publishPermissions"`
	Tag                *string  `json:"tag"`
	DeviceAPIVersion   *string  `json:"deviceApiVersion"`
}

// checkTag rejects a tag longer than MaxTagLength characters.
func checkTag(tag string) error {
	if n := len([]rune(tag)); n > MaxTagLength {
		return fmt.Errorf("tag has %d characters; at most %d are allowed", n, MaxTagLength)
	}
	return nil
}

// checkPermissions accepts a set of AUDIO and VIDEO without repeats.
func checkPermissions(perms []string) error {
	for _, p := range perms {
		if p != "AUDIO" && p != "VIDEO" {
			return fmt.Errorf("publishPermissions: %q is not one of AUDIO, VIDEO", p)
		}
	}
	if dup, ok := firstDuplicate(perms); ok {
		return fmt.Errorf("publishPermissions repeats %q", dup)
	}
	return nil
}

// firstDuplicate returns the first string that occurs twice in s. The lists
// are short, so the quadratic scan beats building a set.
func firstDuplicate(s []string) (string, bool) {
	for i := 1; i < len(s); i++ {
		for j := 0; j < i; j++ {
			if s[i] == s[j] {
				return s[i], true
			}
		}
	}
	return "", false
}

// optional returns *p, or "" for nil.
func optional(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
