package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// runValidate is `wrtcbench validate SCENARIO.yaml...`: parse and check every
// file, print one line per file, send nothing.
func runValidate(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("validate", stderr)
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return usageError(err)
	}
	if len(files) == 0 {
		return usagef("no scenario file given; usage: wrtcbench validate SCENARIO.yaml...")
	}
	var errs []error
	for _, f := range files {
		s, err := scenarios.Load(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(stdout, "%s: ok (scenario %s, %d cases, %d thresholds)\n", f, s.Name, len(s.Mix), len(s.Thresholds))
	}
	if len(errs) > 0 {
		return usageError(errors.Join(errs...))
	}
	return nil
}
