// Command wrtcbench load-tests and conformance-checks the WebRTC participants
// API ("Add Participant to Session"). See README.md and docs/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/wrtcbench/wrtcbench/internal/yamlnode"
)

// version is set at build time with -ldflags "-X main.version=..."; when it
// is not, buildVersion reads the module version and VCS revision that the Go
// toolchain stamped into the binary.
var version = ""

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// command is one subcommand: its name, a one-line summary and its entry point.
type command struct {
	name, usage, summary string
	run                  func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "run SCENARIO.yaml... [flags]", "set up fixtures, fire the load, check every response, write the report", runRun},
		{"serve", "serve [flags]", "run the reference API on loopback", runServe},
		{"validate", "validate SCENARIO.yaml...", "check scenario files without sending anything", runValidate},
		{"plan", "plan SCENARIO.yaml", "dry run: fixtures, case mix, schedule and one curl per case", runPlan},
		{"report", "report RESULT_DIR [--format F] [--out FILE]", "re-render a finished run", runReport},
		{"merge", "merge DIR... --out DIR", "combine the shards of one distributed run into one result", runMerge},
		{"compare", "compare BASELINE... [--] CURRENT... [flags]", "CI gate: exit 1 when CURRENT regressed against BASELINE", runCompare},
	}
}

// run is the whole program; it returns the exit code. A first SIGINT or
// SIGTERM cancels the context (the run stops and still writes its report); a
// second one exits at once.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	_ = stdin
	switch {
	case len(args) == 0:
		usage(stderr)
		return exitUsage
	case args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || (args[0] == "help" && len(args) == 1):
		usage(stdout)
		return exitOK
	case args[0] == "help":
		// wrtcbench help COMMAND is COMMAND --help.
		args = []string{args[1], "--help"}
	case args[0] == "version" || args[0] == "--version":
		fmt.Fprintln(stdout, "wrtcbench", buildVersion().String())
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		go func() {
			<-ctx.Done()
			stop() // restore the default handlers: a second signal kills the process
		}()
		err := c.run(ctx, args[1:], stdout, stderr)
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		if err != nil && !errors.Is(err, errReported) {
			fmt.Fprintf(stderr, "wrtcbench %s: %v\n", c.name, err)
		}
		return exitCode(err)
	}
	fmt.Fprintf(stderr, "wrtcbench: unknown command %q%s\n\n", args[0], strings.ReplaceAll(yamlnode.DidYouMean(args[0], commandNames()), `"`, ""))
	usage(stderr)
	return exitUsage
}

// commandNames lists the commands, for suggestions.
func commandNames() []string {
	var out []string
	for _, c := range commands() {
		out = append(out, c.name)
	}
	return append(out, "version", "help")
}
