package curl

import (
	"encoding/base64"
	"net/url"
	"sort"
	"strings"

	"github.com/wrtcbench/wrtcbench/internal/runner"
)

// Credentials are the real credentials of a run. Command never prints them:
// the username and password are written as $WRTC_USERNAME and $WRTC_PASSWORD.
type Credentials struct {
	Username, Password string
}

// Command renders req as a curl command: method, URL, every header, and the
// exact body bytes. The URL is written as the engines send it (each path
// segment percent-encoded, as url.URL.String gives it), single-quoted for the
// shell, with --globoff so that curl takes brackets and braces literally: an
// id holding a space, #, ?, /, %, a quote or a non-ASCII letter replays as it
// was sent. A Basic Authorization header becomes -u with the real
// username and password replaced by $WRTC_USERNAME and $WRTC_PASSWORD; a
// deliberately wrong password (the bad_auth case) is written as it was sent,
// since it is not a secret. Anything else in Authorization is replaced by a
// placeholder, as it may be a secret.
func Command(req *runner.Request, cred Credentials) string {
	var b strings.Builder
	b.WriteString("curl -sS -i -g -X ")
	b.WriteString(req.Method)
	b.WriteString(" ")
	b.WriteString(Quote(wireURL(req.URL)))
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range req.Header[k] {
			if strings.EqualFold(k, "Authorization") {
				b.WriteString(" -u ")
				b.WriteString(userArg(v, cred))
				continue
			}
			b.WriteString(" -H ")
			b.WriteString(Quote(k + ": " + v))
		}
	}
	if req.Body != nil {
		if _, ok := req.Header["Content-Type"]; !ok {
			// curl adds a form Content-Type to --data; the request had none.
			b.WriteString(" -H 'Content-Type:'")
		}
		b.WriteString(" --data-binary ")
		b.WriteString(Quote(string(req.Body)))
	}
	return b.String()
}

// wireURL returns raw as the HTTP engines send it: parsed, and written back
// with every character a URL may not carry percent-encoded. A URL that does
// not parse is returned as it is.
func wireURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.User = nil // credentials never reach a curl line; -u carries them
	return u.String()
}

// userArg renders a Basic Authorization value as curl's -u argument.
func userArg(v string, cred Credentials) string {
	const placeholder = `"$WRTC_USERNAME:$WRTC_PASSWORD"`
	enc, ok := strings.CutPrefix(v, "Basic ")
	if !ok {
		return placeholder
	}
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return placeholder
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user != cred.Username || pass == cred.Password {
		return placeholder
	}
	// The right user with a wrong password: the password is not a secret,
	// but make sure it does not contain the real one.
	if cred.Password != "" && strings.Contains(pass, cred.Password) {
		return placeholder
	}
	return `"$WRTC_USERNAME":` + Quote(pass)
}

// Quote quotes s for a POSIX shell, in single quotes.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
