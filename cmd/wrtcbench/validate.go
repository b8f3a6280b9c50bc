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
	fs := newFlagSet("validate", stdout)
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
		fmt.Fprintf(stdout, "%s: ok (scenario %s, %s, %s)\n", f, s.Name, count(len(s.Mix), "case"), count(len(s.Thresholds), "threshold"))
	}
	if len(errs) > 0 {
		return usageError(errors.Join(errs...))
	}
	return nil
}

// count says "1 case" or "3 cases".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
