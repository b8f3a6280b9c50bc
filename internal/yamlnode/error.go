package yamlnode

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Error is one problem in a file. A Decoder sets File, Line and Column from
// where the value sits; a problem found in values that were not read from a
// file (e.g. command-line flags) has no position.
type Error struct {
	// File is the file's name, or empty.
	File string
	// Line and Column locate the problem, 1-based; zero when unknown.
	Line, Column int
	// Path names the value, e.g. "load.rate" or "mix[2].case"; empty for
	// problems that are not about one value (an unknown key, a syntax error).
	Path string
	// Msg says what is wrong and what is allowed; it starts with Path when
	// there is one.
	Msg string
}

// Error formats the problem as file:line:column: message, leaving out the
// parts that are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File + ":")
	}
	if e.Line > 0 {
		b.WriteString(strconv.Itoa(e.Line) + ":")
		if e.Column > 0 {
			b.WriteString(strconv.Itoa(e.Column) + ":")
		}
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Join orders errs by position and joins them, one per line; nil if none.
// Errors on the same line keep their order.
func Join(errs []*Error) error {
	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Line != errs[j].Line {
			return errs[i].Line < errs[j].Line
		}
		return errs[i].Column < errs[j].Column
	})
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

// Problems collects semantic errors by path, found in decoded values.
// Decoder.Locate gives them their place in the file; Join them as they are
// for values that were not read from a file.
type Problems []*Error

// Add records a problem with the value at path; the message starts with
// the path.
func (p *Problems) Add(path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	*p = append(*p, &Error{Path: path, Msg: msg})
}
