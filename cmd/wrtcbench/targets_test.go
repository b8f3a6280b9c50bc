package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// serveURL finds the base URL in the line `wrtcbench serve` prints once it listens.
var serveURL = regexp.MustCompile(`listening on (https?://127\.0\.0\.1:\d+/v1) `)

// cmdServe starts the real `wrtcbench serve ARGS...` in the background on
// a free loopback port and sets $VAR to its base URL once it listens:
// `serve VAR ARGS...`. It is interrupted (SIGINT) when the script ends and
// must then exit 0.
func cmdServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: serve VAR [ARGS...]")
	}
	bin, err := exec.LookPath("wrtcbench") // testscript.Main put it on the test's PATH
	ts.Check(err)
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args[1:]...)...)
	cmd.Dir = ts.MkAbs(".")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	ts.Check(err)
	ts.Check(cmd.Start())
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, out)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		ts.Fatalf("serve printed no line within 20s")
	}
	ts.Defer(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				ts.Logf("serve: %v\n%s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			ts.Logf("serve did not stop within 10s of SIGINT")
		}
	})
	m := serveURL.FindStringSubmatch(line)
	if m == nil {
		ts.Fatalf("serve printed %q, stderr %q", line, stderr.String())
	}
	ts.Setenv(args[0], m[1])
}

// The ids of the examples in the published OpenAPI document (2.0.0).
const (
	exampleSessionID     = "75c21163-e110-41bc-bd76-1bb428ec85d5"
	exampleParticipantID = "320e2af6-13ec-498d-8b51-daba52c37853"
)

// cmdMock starts an independent mock of the published API document on
// loopback and sets $VAR to its base URL: `mock VAR KIND`. Like a mock
// server made from the document (Prism, say), it accepts any credentials
// and answers every create with the document's example, PUT and DELETE
// with 204. KIND is example-ids (the example's id, the same for every
// create) or empty-ids (a create's answer without an id).
func cmdMock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mock VAR example-ids|empty-ids")
	}
	kind := args[1]
	if kind != "example-ids" && kind != "empty-ids" {
		ts.Fatalf("mock: unknown kind %q", kind)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		session, participant := exampleSessionID, exampleParticipantID
		if kind == "empty-ids" {
			session, participant = "", ""
		}
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/sessions"):
			fmt.Fprintf(w, `{"id":%q,"tag":"session1"}`, session)
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/participants"):
			fmt.Fprintf(w, `{"participant":{"id":%q,"publishPermissions":["VIDEO","AUDIO"],"sessions":[],"tag":"participant1","deviceApiVersion":"V3"},"token":"eyJhbGciOiJIUzI1NiJ9.e30.x"}`, participant)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL+"/v1")
}
