package contract

import (
	"strconv"
	"strings"
)

// StatusSet is a set of HTTP status codes 100..599. The zero value is empty.
type StatusSet struct{ bits [8]uint64 }

// NewStatusSet returns the set of the given codes; codes outside 100..599 are ignored.
func NewStatusSet(codes ...int) StatusSet {
	var s StatusSet
	for _, c := range codes {
		s.Add(c)
	}
	return s
}

// Add puts code in the set.
func (s *StatusSet) Add(code int) {
	if code < 100 || code > 599 {
		return
	}
	i := code - 100
	s.bits[i/64] |= 1 << (i % 64)
}

// Has reports whether code is in the set.
func (s StatusSet) Has(code int) bool {
	if code < 100 || code > 599 {
		return false
	}
	i := code - 100
	return s.bits[i/64]&(1<<(i%64)) != 0
}

// Empty reports whether the set has no codes.
func (s StatusSet) Empty() bool { return s == StatusSet{} }

// Codes returns the codes in ascending order.
func (s StatusSet) Codes() []int {
	var out []int
	for c := 100; c <= 599; c++ {
		if s.Has(c) {
			out = append(out, c)
		}
	}
	return out
}

// String lists the codes separated by spaces, e.g. "401 403".
func (s StatusSet) String() string {
	codes := s.Codes()
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = strconv.Itoa(c)
	}
	return strings.Join(parts, " ")
}

// IsShedding reports whether code is a load-shedding answer (429 Too Many
// Requests or 503 Service Unavailable). Such answers are counted on their own,
// apart from conformance failures.
func IsShedding(code int) bool { return code == 429 || code == 503 }
