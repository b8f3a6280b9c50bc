package contract

import (
	"fmt"
	"strconv"
	"strings"
)

// Path parameters, as mutations name them.
var pathParams = [3]string{"path.accountId", "path.sessionId", "path.participantId"}

// Path mutation kinds, as reports name them (with MutUnknownID, MutNonUUID
// and MutOtherSession).
const (
	MutPercentEncoded = "percent_encoded"
	MutReservedChars  = "reserved_chars"
	MutUnicodeID      = "unicode_id"
	MutLongID         = "long_id"
)

// pathKind is one kind of path mutation.
type pathKind struct {
	name    string
	applies func(p *Pick, param int) bool
	apply   func(p *Pick, d *Draft, param int)
}

// id returns the decoded id of a path parameter of d.
func id(d *Draft, param int) *string {
	return [3]*string{&d.Account, &d.Session, &d.Participant}[param]
}

var pathKinds = []pathKind{
	{name: MutUnknownID, applies: func(*Pick, int) bool { return true },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = ""
			if param == 0 {
				for was := d.Account; d.Account == was; {
					d.Account = "99" + strconv.Itoa(10000+p.Rand.IntN(90000))
				}
				return
			}
			*id(d, param) = p.uuid()
		}},
	{name: MutNonUUID, applies: func(*Pick, int) bool { return true },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = ""
			if param == 0 {
				*id(d, 0) = []string{"abc", "-1", "0x2A", d.Account + ".0", d.Account + " "}[p.Rand.IntN(5)]
				return
			}
			base := *id(d, param)
			if !isUUID(base) {
				base = p.uuid()
			}
			*id(d, param) = nonUUID(p, base)
		}},
	{name: MutPercentEncoded, applies: func(*Pick, int) bool { return true },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = percentEncode(*id(d, param), p.Rand.IntN(2) == 0)
		}},
	{name: MutReservedChars, applies: func(*Pick, int) bool { return true },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = ""
			*id(d, param) += []string{"/x", "?x=1", "#frag", " ", "%", ";v=1", ",x", "+", "&x", "=", "@", ":"}[p.Rand.IntN(12)]
		}},
	{name: MutUnicodeID, applies: func(*Pick, int) bool { return true },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = ""
			*id(d, param) = []string{"séance", "会话", "😀", "Ωmega", "\u202e", "\x00"}[p.Rand.IntN(6)] + "-" + strconv.Itoa(p.Rand.IntN(100))
		}},
	{name: MutLongID, applies: func(*Pick, int) bool { return true },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = ""
			*id(d, param) = letters(p, 1024+p.Rand.IntN(1024))
		}},
	{name: MutOtherSession, applies: func(p *Pick, param int) bool { return param > 0 && len(p.World.Sessions) > 1 },
		apply: func(p *Pick, d *Draft, param int) {
			d.Segments[param] = ""
			other, _ := p.nextSession()
			if param == 1 {
				d.Session = other.ID
				return
			}
			d.Participant = other.Participants[p.Rand.IntN(len(other.Participants))]
		}},
}

// mutatePath applies one path mutation to d.
func mutatePath(p *Pick, d *Draft) (Mutation, bool) {
	param := p.Rand.IntN(3)
	var kinds []*pathKind
	for i := range pathKinds {
		if pathKinds[i].applies(p, param) {
			kinds = append(kinds, &pathKinds[i])
		}
	}
	k := kinds[p.Rand.IntN(len(kinds))]
	k.apply(p, d, param)
	return Mutation{Where: pathParams[param], Kind: k.name}, true
}

// percentEncode writes every byte of s as %XX, or with some only every
// other one, so that the segment decodes to s.
func percentEncode(s string, all bool) string {
	var b strings.Builder
	for i := range len(s) {
		c := s[i]
		if all || i%2 == 0 || !unreserved(c) {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unreserved reports whether c may stand for itself in a path segment
// (RFC 3986 section 2.3).
func unreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0
}
