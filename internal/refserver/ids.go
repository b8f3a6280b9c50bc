package refserver

import (
	"crypto/rand"
	"encoding/hex"
)

// newUUID returns a random version-4 UUID in its 36-character text form.
//
// Ids come from crypto/rand, not from Config.Seed: ids must be unique across
// servers and runs (a static fixture list may outlive one server), and the
// order in which concurrent creates arrive is not reproducible anyway. The
// seed governs faults only.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])  // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}
