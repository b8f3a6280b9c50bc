package main

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"success", nil, 0},
		{"checks failed", fmt.Errorf("run: %w", errChecksFailed), 1},
		{"usage", usagef("bad flag"), 2},
		{"target", targetError(errors.New("refused")), 3},
		{"behind", errBehindSchedule, 4},
		{"interrupted", context.Canceled, 130},
		{"interrupted, already reported", reported(context.Canceled), 130},
		{"usage, already reported", reported(usagef("x")), 2},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, exitCode(tt.err), tt.name)
	}
}

func TestWorseKeepsTheMostSevere(t *testing.T) {
	assert.Equal(t, 130, exitCode(worse(context.Canceled, targetError(errors.New("x")))))
	assert.Equal(t, 3, exitCode(worse(errChecksFailed, targetError(errors.New("x")))))
	assert.Equal(t, 1, exitCode(worse(errChecksFailed, errBehindSchedule)), "a failed fact is not hidden by another scenario's lag")
	assert.Equal(t, 4, exitCode(worse(nil, errBehindSchedule)))
	assert.Equal(t, 1, exitCode(worse(nil, errChecksFailed)))
}
