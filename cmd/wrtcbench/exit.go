package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/wrtcbench/wrtcbench/internal/report"
)

// Exit codes, the same for every command (docs/interface.md, section 1).
const (
	exitOK          = 0   // ran, and every check and threshold passed
	exitFailed      = 1   // a conformance check or a threshold failed; compare: a regression
	exitUsage       = 2   // usage error or invalid scenario file; nothing was sent
	exitTarget      = 3   // the target could not be used (unreachable, TLS, fixture setup)
	exitInvalid     = 4   // the generator fell behind its schedule: not a valid measurement
	exitInterrupted = 130 // SIGINT/SIGTERM; the report of what ran so far is still written
)

// exitError carries an exit code with the error that caused it. It is the one
// place where errors are mapped to exit codes; packages return plain errors.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as a usage error (exit 2).
func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

// usagef formats a usage error (exit 2).
func usagef(format string, a ...any) error { return usageError(fmt.Errorf(format, a...)) }

// targetError marks err as "the target could not be used" (exit 3).
func targetError(err error) error { return &exitError{code: exitTarget, err: err} }

// errChecksFailed is returned when a run completed but a check or threshold failed.
var errChecksFailed = errors.New("checks or thresholds failed")

// errRegressed is returned by compare when the current runs regressed.
var errRegressed = errors.New("the current runs regressed")

// errBehindSchedule is returned when the generator could not keep its schedule.
var errBehindSchedule = errors.New("the load generator fell behind its schedule")

// outcomeError maps a report's outcome to the error whose exit code says it.
func outcomeError(o report.Outcome) error {
	switch o {
	case report.OutcomePassed:
		return nil
	case report.OutcomeInterrupted:
		return context.Canceled
	case report.OutcomeInvalid:
		return errBehindSchedule
	default:
		return errChecksFailed
	}
}

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	var ee *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, errChecksFailed), errors.Is(err, errRegressed):
		return exitFailed
	case errors.Is(err, errBehindSchedule):
		return exitInvalid
	default:
		return exitFailed
	}
}

// errReported wraps an error whose explanation has already been printed.
var errReported = errors.New("reported")

// reported marks err as already explained to the user, keeping its exit code.
func reported(err error) error { return fmt.Errorf("%w%w", errReported, err) }
