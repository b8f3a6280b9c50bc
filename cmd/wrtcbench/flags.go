package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

// newFlagSet returns a FlagSet that reports errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("wrtcbench "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// optRate is a --rate flag: unset until given.
type optRate struct {
	set  bool
	rate units.Rate
}

func (o *optRate) String() string {
	if !o.set {
		return ""
	}
	return o.rate.String()
}

func (o *optRate) Set(s string) error {
	if err := o.rate.Set(s); err != nil {
		return err
	}
	o.set = true
	return nil
}

// optDuration is a duration flag: unset until given.
type optDuration struct {
	set bool
	d   time.Duration
}

func (o *optDuration) String() string {
	if !o.set {
		return ""
	}
	return o.d.String()
}

func (o *optDuration) Set(s string) error {
	d, err := units.ParseDuration(s)
	if err != nil {
		return err
	}
	if d < 0 {
		return fmt.Errorf("%s must not be negative", s)
	}
	o.d, o.set = d, true
	return nil
}

// optUint is an unsigned integer flag: unset until given.
type optUint struct {
	set bool
	n   uint64
}

func (o *optUint) String() string {
	if !o.set {
		return ""
	}
	return strconv.FormatUint(o.n, 10)
}

func (o *optUint) Set(s string) error {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not a non-negative integer", s)
	}
	o.n, o.set = n, true
	return nil
}

// shard is a --shard i/N flag: this process is shard i (0-based) of N.
type shard struct {
	I, N uint64
}

func (s *shard) String() string {
	if s.N == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.I, s.N)
}

func (s *shard) Set(v string) error {
	a, b, ok := strings.Cut(v, "/")
	i, err1 := strconv.ParseUint(a, 10, 64)
	n, err2 := strconv.ParseUint(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || n == 0 || i >= n {
		return fmt.Errorf("%q is not a shard; use i/N with 0 ≤ i < N, e.g. 0/4", v)
	}
	s.I, s.N = i, n
	return nil
}

// optTime is a time flag in RFC 3339, e.g. 2026-11-28T10:00:00Z: unset
// until given.
type optTime struct {
	t time.Time
}

func (o *optTime) String() string {
	if o.t.IsZero() {
		return ""
	}
	return o.t.Format(time.RFC3339Nano)
}

func (o *optTime) Set(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("%q is not a time in RFC 3339, e.g. 2026-11-28T10:00:00Z", s)
	}
	o.t = t
	return nil
}
