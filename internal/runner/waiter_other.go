//go:build !linux

package runner

import (
	"context"
	"errors"
	"time"
)

// newPreciseWaiter is only implemented on Linux; elsewhere the scheduler
// uses the runtime's timers.
func newPreciseWaiter(context.Context, func() time.Duration) (waiter, error) {
	return nil, errors.New("no precise timer on this system")
}
