package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/wrtcbench/wrtcbench/internal/yamlnode"
)

// about says in a few lines what each command does, for its --help. A
// command missing here shows its one-line summary.
var about = map[string]string{
	"run": `Set up the fixtures, fire the load, judge every response against the
contract, write the result folder (report.json, report.html, summary.md,
junit.xml, latency.hlog) and tear the fixtures down. Several scenario files
run in order as one suite; the most severe exit code wins.`,
	"serve": `Run the reference WebRTC participants API on loopback until interrupted,
with the faults the flags or a --faults file ask for.`,
	"validate": `Parse and check scenario files, and print one line per file that is valid.
Nothing is sent. A file with an error names its line and column.`,
	"plan": `Dry run: print the fixtures, the case mix, the rate schedule and one sample
request per case as a curl command. Nothing is sent; fixture ids are
placeholders until a run sets them up.`,
	"report": `Re-render a finished run from its report.json, without rerunning anything.
RESULT_DIR is the result folder or the report.json itself. The output is
byte for byte the file the run wrote.`,
	"compare": `Compare runs of one scenario: a baseline (one or more result folders or
report.json files) against the current ones. A figure regresses only when
the change is statistically significant (order-statistic intervals and a
Mann-Whitney U test) and beyond the tolerance; ~ marks no significant
change. Exit 1 on a regression; exit 4 when a latency or rate figure grew
only as much as the current run's disturbed generator explains (rerun it).
See docs/compare.md.`,
	"merge": `Combine the result folders of the shards of one distributed run (each run
with --shard i/N) into one result folder, losslessly, and judge the
scenario's thresholds again on the whole.`,
}

// exitCodesHelp ends every help text.
const exitCodesHelp = `exit codes: 0 passed, 1 a check or threshold failed, 2 usage or scenario error,
3 target unusable, 4 not a valid measurement (the generator fell behind or was
disturbed), 130 interrupted`

// flagSet is a command's flags, with the writer its --help goes to. It
// prints nothing itself while parsing: a parse error reaches the user once,
// through the command's error, and --help prints the command's own help.
type flagSet struct {
	*flag.FlagSet
	name string    // the command
	help io.Writer // where --help goes: stdout
}

// newFlagSet returns the flags of a command; its --help is written to help.
func newFlagSet(name string, help io.Writer) *flagSet {
	fs := flag.NewFlagSet("wrtcbench "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, name: name, help: help}
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, and returns the positional ones. On --help it
// writes the command's help and returns flag.ErrHelp; a bad flag is an
// error that names it as --name and says where the flags are listed.
func parseInterleaved(fs *flagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.printHelp()
				return nil, err
			}
			return nil, fs.flagError(err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// The errors of package flag, which spell a flag -name.
var (
	errBadValue   = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-([^:]+): (.*)$`)
	errUnknown    = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	errNeedsValue = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
)

// flagError rewrites an error of package flag in the words of the help.
func (fs *flagSet) flagError(err error) error {
	msg := err.Error()
	see := fmt.Sprintf(" (see wrtcbench %s --help)", fs.name)
	switch m := errBadValue.FindStringSubmatch(msg); {
	case m != nil && strings.Contains(m[3], m[1]):
		return fmt.Errorf("--%s: %s", m[2], m[3])
	case m != nil:
		return fmt.Errorf("--%s %q: %s", m[2], m[1], m[3])
	}
	if m := errUnknown.FindStringSubmatch(msg); m != nil {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		hint := strings.ReplaceAll(yamlnode.DidYouMean(m[1], names), `"`, "")
		hint = strings.Replace(hint, "mean ", "mean --", 1)
		return fmt.Errorf("unknown flag --%s%s%s", m[1], hint, see)
	}
	if m := errNeedsValue.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("--%s needs a value%s", m[1], see)
	}
	return fmt.Errorf("%s%s", msg, see)
}

// printHelp writes the command's help: its usage, what it does, its flags
// and the exit codes.
func (fs *flagSet) printHelp() {
	w := fs.help
	for _, c := range commands() {
		if c.name != fs.name {
			continue
		}
		fmt.Fprintf(w, "usage: wrtcbench %s\n\n", c.usage)
		text := about[c.name]
		if text == "" {
			text = strings.ToUpper(c.summary[:1]) + c.summary[1:] + "."
		}
		fmt.Fprintf(w, "%s\n", text)
	}
	if lines := flagLines(fs.FlagSet); len(lines) > 0 {
		fmt.Fprintf(w, "\nflags:\n%s", strings.Join(lines, ""))
	}
	fmt.Fprintf(w, "\n%s\n", exitCodesHelp)
}

// flagLines lists the flags as the docs spell them, --name VALUE, each with
// its description and its default when it has one.
func flagLines(fs *flag.FlagSet) []string {
	type row struct{ left, right string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if value != "" {
			left += " " + valueName(value)
		}
		if d := f.DefValue; d != "" && d != "false" && d != "0" {
			usage += " (default " + d + ")"
		}
		rows = append(rows, row{left, usage})
		width = max(width, len(left))
	})
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = fmt.Sprintf("  %-*s  %s\n", width, r.left, r.right)
	}
	return lines
}

// valueName names a flag's value in capitals: the usage's `NAME`, or its
// type ("duration" becomes DURATION, "value" VALUE).
func valueName(v string) string { return strings.ToUpper(v) }

// usage writes the top-level help.
func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: wrtcbench COMMAND [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-46s %s\n", c.usage, c.summary)
	}
	fmt.Fprintf(w, "  %-46s %s\n", "version", "print the version, VCS revision and Go version")
	fmt.Fprintf(w, "  %-46s %s\n", "help [COMMAND]", "this help, or a command's (as COMMAND --help)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Flags are written --name VALUE or --name=VALUE, before or after the arguments.")
	fmt.Fprintln(w, exitCodesHelp)
}
