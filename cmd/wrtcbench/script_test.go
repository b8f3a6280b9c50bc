package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run the real wrtcbench command. The tests are
// hermetic: a user's exported WRTC_* variables (credentials, account) must
// not change what they see, so they are removed from the test process; a test
// of how the command reads them sets them itself (t.Setenv, or env in a
// script).
//
// A script's command runs this binary again, named wrtcbench: that process
// keeps the environment the script gave it (env WRTC_PASSWORD=...).
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		if filepath.Base(os.Args[0]) == "wrtcbench" {
			break
		}
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "WRTC_") && !strings.HasPrefix(name, "WRTC_ARTIFACTS") {
			os.Unsetenv(name)
		}
	}
	testscript.Main(m, map[string]func(){
		"wrtcbench": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: each runs the
// real command against the embedded reference API (or a dead port) on
// loopback and checks exit codes, messages and the files written.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       *updateScripts,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"reportcheck": cmdReportCheck,
			"jsonset":     cmdJSONSet,
			"wrtc":        cmdWrtc,
			"wrtcint":     cmdWrtcInterrupt,
			"waitfor":     cmdWaitFor,
			"envfile":     cmdEnvFile,
			"serve":       cmdServe,
			"mock":        cmdMock,
			"freeport":    cmdFreePort,
			"startat":     cmdStartAt,
			"waitlisten":  cmdWaitListen,
			"shardscheck": cmdShardsCheck,
			"scrape":      cmdScrape,
			"flagged":     cmdFlagged, // generated_test.go
		},
		Setup: func(env *testscript.Env) error {
			repo, err := filepath.Abs("../..")
			env.Setenv("REPO", repo)
			return err
		},
	})
}

// cmdWrtc runs the real command and checks its exit code:
// `wrtc CODE ARGS...`, with the output available to stdout/stderr as after exec.
func cmdWrtc(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: wrtc CODE ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec("wrtcbench", args[1:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("wrtcbench: %v", err)
	}
	if got != want {
		ts.Fatalf("wrtcbench exited %d, want %d", got, want)
	}
}

// cmdEnvFile sets an environment variable to a file's contents, trimmed:
// `envfile NAME FILE`, e.g. the URL that `serve --url-file` wrote.
func cmdEnvFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: envfile NAME FILE")
	}
	ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile(args[1])))
}

// updateScripts rewrites the golden files inside the scripts (the second
// argument of a failing cmp) with what the command printed.
var updateScripts = flag.Bool("update", false, "rewrite the golden files in testdata/script with the output")

// cmdWrtcInterrupt runs the real command in the background, waits until its
// output (stdout or stderr) holds WAITFOR, sends it SIGINT, as Ctrl-C does,
// and checks its exit code: `wrtcint CODE WAITFOR ARGS...`. What it printed
// is left in the files wrtcint.stdout and wrtcint.stderr.
func cmdWrtcInterrupt(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: wrtcint CODE WAITFOR ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	bin, err := exec.LookPath("wrtcbench") // testscript.Main put it on the test's PATH
	ts.Check(err)
	cmd := exec.Command(bin, args[2:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = append(os.Environ(), "HOME="+ts.Getenv("HOME"), "TMPDIR="+ts.Getenv("TMPDIR"))
	var out lockedBuffer
	var stdout, stderr strings.Builder
	cmd.Stdout = io.MultiWriter(&out, writerFunc(func(p []byte) { stdout.Write(p) }))
	cmd.Stderr = io.MultiWriter(&out, writerFunc(func(p []byte) { stderr.Write(p) }))
	ts.Check(cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(30 * time.Second)
	for !strings.Contains(out.String(), args[1]) {
		select {
		case err := <-done:
			ts.Fatalf("wrtcbench ended (%v) before printing %q:\n%s", err, args[1], out.String())
		case <-deadline:
			_ = cmd.Process.Kill()
			ts.Fatalf("wrtcbench did not print %q within 30s:\n%s", args[1], out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	ts.Check(cmd.Process.Signal(os.Interrupt))
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		ts.Fatalf("wrtcbench did not stop within 60s of SIGINT")
	}
	ts.Check(os.WriteFile(ts.MkAbs("wrtcint.stdout"), []byte(stdout.String()), 0o644))
	ts.Check(os.WriteFile(ts.MkAbs("wrtcint.stderr"), []byte(stderr.String()), 0o644))
	if got := cmd.ProcessState.ExitCode(); got != want {
		ts.Fatalf("wrtcbench exited %d after SIGINT, want %d:\n%s", got, want, out.String())
	}
}

// lockedBuffer is a buffer written by a child's output copiers and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// writerFunc adapts a function to io.Writer.
type writerFunc func(p []byte)

func (f writerFunc) Write(p []byte) (int, error) {
	f(p)
	return len(p), nil
}

// cmdWaitFor waits until a file exists: `waitfor FILE [SECONDS]` (default 20).
func cmdWaitFor(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: waitfor FILE [SECONDS]")
	}
	limit := 20 * time.Second
	if len(args) > 1 {
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		limit = time.Duration(n) * time.Second
	}
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(ts.MkAbs(args[0])); err == nil {
			return
		}
	}
	ts.Fatalf("%s did not appear within %s", args[0], limit)
}

// cmdReportCheck checks the invariants of a report.json every run must keep:
// `reportcheck FILE [field=value...]`. Fields are dotted paths into the
// report, compared as JSON text; `field>N` and `field>=N` compare a number.
func cmdReportCheck(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: reportcheck FILE [path=JSON | path>NUMBER | path>=NUMBER | path<NUMBER | path<=NUMBER ...]")
	}
	var rep map[string]any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &rep))
	num := func(path ...string) float64 {
		var v any = rep
		for _, p := range path {
			m, ok := v.(map[string]any)
			if !ok {
				ts.Fatalf("%v: not an object", path)
			}
			v = m[p]
		}
		f, _ := v.(float64)
		return f
	}
	var statusSum float64
	for _, n := range rep["status"].(map[string]any) {
		statusSum += n.(float64)
	}
	fails := []string{}
	if statusSum != num("requests", "completed") {
		fails = append(fails, fmt.Sprintf("status counts add up to %v, requests.completed is %v", statusSum, num("requests", "completed")))
	}
	if num("requests", "sent") != num("requests", "completed")+num("requests", "transport_errors") {
		fails = append(fails, "sent != completed + transport_errors")
	}
	if num("requests", "scheduled") != num("requests", "sent")+num("requests", "dropped") {
		fails = append(fails, "scheduled != sent + dropped")
	}
	for _, kv := range args[1:] {
		path, op, want, ok := cut(kv)
		if !ok {
			ts.Fatalf("bad field %q: write path=JSON, or path OP NUMBER with OP one of > >= < <=", kv)
		}
		var v any = rep
		for _, p := range splitPath(path) {
			switch x := v.(type) {
			case map[string]any:
				v = x[p]
			case []any:
				i, err := strconv.Atoi(p)
				if err != nil || i >= len(x) {
					ts.Fatalf("%s: no element %s", path, p)
				}
				v = x[i]
			default:
				ts.Fatalf("%s: cannot index %T", path, v)
			}
		}
		got := marshalPlain(v)
		if op != "=" {
			n, isNum := v.(float64)
			bound, err := strconv.ParseFloat(want, 64)
			ts.Check(err)
			held := map[string]bool{">": n > bound, ">=": n >= bound, "<": n < bound, "<=": n <= bound}[op]
			if !isNum || !held {
				fails = append(fails, fmt.Sprintf("%s is %s, want %s %s", path, got, op, want))
			}
			continue
		}
		if string(got) != want {
			fails = append(fails, fmt.Sprintf("%s is %s, want %s", path, got, want))
		}
	}
	if neg && len(fails) == 0 {
		ts.Fatalf("report passed every check")
	}
	if !neg && len(fails) > 0 {
		ts.Fatalf("report.json: %v", fails)
	}
}

// cmdJSONSet rewrites fields of a JSON file: `jsonset FILE path=JSON...`,
// e.g. to take the machine's disturbance out of a run whose verdict under
// a quiet machine is what a script checks.
func cmdJSONSet(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: jsonset FILE path=JSON...")
	}
	var doc map[string]any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc))
	for _, kv := range args[1:] {
		path, op, val, ok := cut(kv)
		if !ok || op != "=" {
			ts.Fatalf("bad field %q: write path=JSON", kv)
		}
		var v any
		ts.Check(json.Unmarshal([]byte(val), &v))
		keys := splitPath(path)
		m := doc
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				ts.Fatalf("%s: %s is not an object", path, k)
			}
			m = next
		}
		m[keys[len(keys)-1]] = v
	}
	b, err := json.Marshal(doc)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), b, 0o644))
}

// marshalPlain is json.Marshal without HTML escaping, so that "<" reads as itself.
func marshalPlain(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

// cut splits path=value, or a comparison path>value, path>=value,
// path<value or path<=value.
func cut(s string) (path, op, value string, ok bool) {
	for i := range s {
		switch {
		case strings.HasPrefix(s[i:], ">="), strings.HasPrefix(s[i:], "<="):
			return s[:i], s[i : i+2], s[i+2:], true
		case s[i] == '>', s[i] == '<':
			return s[:i], s[i : i+1], s[i+1:], true
		case s[i] == '=':
			return s[:i], "=", s[i+1:], true
		}
	}
	return "", "", "", false
}

func splitPath(p string) []string {
	var out []string
	start := 0
	for i := range p {
		if p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return append(out, p[start:])
}
