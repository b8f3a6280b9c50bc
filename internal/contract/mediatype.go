package contract

import "strings"

// baseMediaType returns a media type without its parameters, trimmed and in
// lower case only when needed: "application/json; charset=utf-8" gives
// "application/json". It does not allocate for a header already in lower
// case.
func baseMediaType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	for i := 0; i < len(ct); i++ {
		if c := ct[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(ct)
		}
	}
	return ct
}

// accepts reports whether a Content-Type header declares one of the
// documented media types. Parameters are ignored and case does not matter;
// a documented "type/*" or "*/*" accepts what it covers.
func (o *outcome) accepts(ct string) bool {
	got := baseMediaType(ct)
	if got == "" {
		return false
	}
	for _, m := range o.media {
		want := baseMediaType(m)
		switch {
		case want == got, want == "*/*":
			return true
		case strings.HasSuffix(want, "/*"):
			if strings.HasPrefix(got, want[:len(want)-1]) {
				return true
			}
		}
	}
	return false
}

// mediaText lists the documented media types for a message: "application/json".
func (o *outcome) mediaText() string {
	if len(o.media) == 1 {
		return o.media[0]
	}
	return strings.Join(o.media[:len(o.media)-1], ", ") + " or " + o.media[len(o.media)-1]
}
