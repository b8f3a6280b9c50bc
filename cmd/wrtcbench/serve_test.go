package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/faults"
	"github.com/wrtcbench/wrtcbench/internal/refserver"
	"github.com/wrtcbench/wrtcbench/internal/units"
)

var listeningLine = regexp.MustCompile(`^wrtcbench serve: listening on (https?://127\.0\.0\.1:\d+/v1) \(account (\S+), user (\S+)\)\n$`)

// startServe runs runServe in a goroutine and returns the base URL it
// printed, a cancel function and a channel with its result.
func startServe(t *testing.T, args ...string) (url string, stop context.CancelFunc, done <-chan error, stderr *strings.Builder) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	stderr = &strings.Builder{} // written only before the stdout line
	go func() {
		errc <- runServe(ctx, args, pw, stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("serve printed no line: %v (result %v)", err, <-errc)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := listeningLine.FindStringSubmatch(line)
	require.NotNil(t, m, "line %q", line)
	t.Cleanup(cancel)
	return m[1], cancel, errc, stderr
}

func call(t *testing.T, c *http.Client, method, url, user, pass, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	req.SetBasicAuth(user, pass)
	if body != "" {
		req.Header.Set("Content-type", "application/json")
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

// TestServe starts the command, sends the documentation's request with real
// fixture ids, and stops it with the context.
func TestServe(t *testing.T) {
	t.Setenv("WRTC_USERNAME", "")
	t.Setenv("WRTC_PASSWORD", "")
	url, stop, done, _ := startServe(t, "--addr", "127.0.0.1:0")
	c := http.DefaultClient
	u, p := refserver.DefaultUsername, refserver.DefaultPassword
	acct := url + "/accounts/" + refserver.DefaultAccount

	code, b := call(t, c, "POST", acct+"/sessions", u, p, `{"tag":"serve-test"}`)
	require.Equal(t, 200, code, string(b))
	var sess struct{ ID string }
	require.NoError(t, json.Unmarshal(b, &sess))
	ids := make([]string, 3)
	for i := range ids {
		code, b := call(t, c, "POST", acct+"/participants", u, p, `{"publishPermissions":["AUDIO","VIDEO"],"deviceApiVersion":"V3"}`)
		require.Equal(t, 200, code, string(b))
		var v struct{ Participant struct{ ID string } }
		require.NoError(t, json.Unmarshal(b, &v))
		ids[i] = v.Participant.ID
	}
	for _, id := range ids[1:] {
		code, _ := call(t, c, "PUT", acct+"/sessions/"+sess.ID+"/participants/"+id, u, p, "")
		require.Equal(t, 204, code)
	}
	body := fmt.Sprintf(`{"sessionId": %q, "participants": [{"participantId": %q}, {"participantId": %q, "streamAliases": ["microphone1", "microphone2"]}]}`,
		sess.ID, ids[1], ids[2])
	code, b = call(t, c, "PUT", acct+"/sessions/"+sess.ID+"/participants/"+ids[0], u, p, body)
	assert.Equal(t, 204, code, string(b))
	code, _ = call(t, c, "PUT", acct+"/sessions/"+sess.ID+"/participants/"+ids[0], u, "wrong", body)
	assert.Equal(t, 401, code)

	stop()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled, "Ctrl-C ends serve")
		assert.Equal(t, exitInterrupted, exitCode(err), "and it exits 130, as every command does")
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after its context was cancelled")
	}
}

func TestServeCredentialsFromEnv(t *testing.T) {
	t.Setenv("WRTC_USERNAME", "envuser")
	t.Setenv("WRTC_PASSWORD", "envpass")
	url, _, _, _ := startServe(t, "--addr", "127.0.0.1:0", "--account", "42")
	code, _ := call(t, http.DefaultClient, "POST", url+"/accounts/42/sessions", "envuser", "envpass", "")
	assert.Equal(t, 200, code)

	url, _, _, _ = startServe(t, "--addr", "127.0.0.1:0", "--username", "flaguser", "--password", "flagpass")
	code, _ = call(t, http.DefaultClient, "POST", url+"/accounts/"+refserver.DefaultAccount+"/sessions", "flaguser", "flagpass", "")
	assert.Equal(t, 200, code, "flags beat the environment")
}

func TestServeTLSWritesCA(t *testing.T) {
	t.Setenv("WRTC_USERNAME", "") // the built-in credentials, whatever the user exported
	t.Setenv("WRTC_PASSWORD", "")
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	url, stop, done, stderr := startServe(t, "--addr", "127.0.0.1:0", "--tls", "--ca-out", caFile)
	require.True(t, strings.HasPrefix(url, "https://"))
	assert.Contains(t, stderr.String(), caFile)
	pemBytes, err := os.ReadFile(caFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemBytes))
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	code, _ := call(t, &http.Client{Transport: tr}, "POST", url+"/accounts/"+refserver.DefaultAccount+"/sessions",
		refserver.DefaultUsername, refserver.DefaultPassword, "")
	assert.Equal(t, 200, code)
	tr.CloseIdleConnections() // else shutdown waits for the idle HTTP/2 connection
	stop()
	require.ErrorIs(t, <-done, context.Canceled)
}

func TestServeFaultFlags(t *testing.T) {
	t.Setenv("WRTC_USERNAME", "") // the built-in credentials, whatever the user exported
	t.Setenv("WRTC_PASSWORD", "")
	url, _, _, _ := startServe(t, "--addr", "127.0.0.1:0", "--error", "503:1", "--fault-routes", "all")
	code, b := call(t, http.DefaultClient, "POST", url+"/accounts/"+refserver.DefaultAccount+"/sessions",
		refserver.DefaultUsername, refserver.DefaultPassword, "")
	assert.Equal(t, 503, code, string(b))
}

// TestServeAcceptInvalidAndStats: --accept-invalid accepts the shape, and
// the counters written at shutdown say how often; --url-file names the
// listener.
func TestServeAcceptInvalidAndStats(t *testing.T) {
	t.Setenv("WRTC_USERNAME", "")
	t.Setenv("WRTC_PASSWORD", "")
	dir := t.TempDir()
	urlFile, statsFile := filepath.Join(dir, "url"), filepath.Join(dir, "stats.json")
	url, stop, done, _ := startServe(t, "--addr", "127.0.0.1:0", "--accept-invalid", "participant_id_number",
		"--url-file", urlFile, "--stats-out", statsFile)
	written, err := os.ReadFile(urlFile)
	require.NoError(t, err)
	assert.Equal(t, url+"\n", string(written))
	u, p := refserver.DefaultUsername, refserver.DefaultPassword
	acct := url + "/accounts/" + refserver.DefaultAccount
	_, b := call(t, http.DefaultClient, "POST", acct+"/sessions", u, p, "")
	var sess struct{ ID string }
	require.NoError(t, json.Unmarshal(b, &sess))
	_, b = call(t, http.DefaultClient, "POST", acct+"/participants", u, p, "")
	var v struct{ Participant struct{ ID string } }
	require.NoError(t, json.Unmarshal(b, &v))
	put := acct + "/sessions/" + sess.ID + "/participants/" + v.Participant.ID
	for _, body := range []string{`{"participants":[{"participantId":5}]}`, `{"participants":[{"participantId":6}]}`, `{"participants":[{"participantId":null}]}`} {
		call(t, http.DefaultClient, "PUT", put, u, p, body)
	}
	stop()
	assert.Equal(t, exitInterrupted, exitCode(<-done), "Ctrl-C ends serve with 130, after it wrote its counters")
	var st struct {
		Faults         map[string]uint64 `json:"faults"`
		AddParticipant map[string]uint64 `json:"add_participant"`
	}
	b, err = os.ReadFile(statsFile)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &st), string(b))
	assert.Equal(t, uint64(2), st.Faults["accept_invalid"], "two numbers accepted, the null refused")
	assert.Equal(t, map[string]uint64{"204": 2, "400": 1}, st.AddParticipant)
}

func TestParseServeFlags(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	o, err := parseServeFlags([]string{
		"--latency", "uniform:1ms-5ms", "--tail", "0.01:200ms", "--error", "500:0.01", "--error", "503:0.02,429:0.03",
		"--rate-limit", "1000/s,50", "--stall", "1s/5s", "--reset", "0.001", "--close", "0.002",
		"--slow-body", "0.01:500ms", "--wrong-status", "0.1", "--bad-error-body", "0.2", "--fault-routes", "all",
		"--accept-invalid", "duplicate_aliases",
	}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, faults.Faults{
		Routes:    faults.RoutesAll,
		Latency:   faults.Latency{Uniform: faults.Uniform{Min: ms(1), Max: ms(5)}, Tail: faults.Tail{Fraction: 0.01, Latency: ms(200)}},
		Errors:    map[int]float64{500: 0.01, 503: 0.02, 429: 0.03},
		RateLimit: faults.RateLimit{Rate: units.Rate{PerSecond: 1000}, Burst: 50},
		Stall:     faults.Stall{Every: ms(5000), For: ms(1000)},
		Reset:     0.001, Close: 0.002,
		SlowBody: faults.SlowBody{Probability: 0.01, Delay: ms(500)},
		Bad:      faults.Bad{WrongStatus: 0.1, BadErrorBody: 0.2},

		AcceptInvalid: faults.AcceptDuplicateAliases,
	}, o.faults)
	assert.Equal(t, defaultServeAddr, o.addr)

	o, err = parseServeFlags([]string{"--tail", "0.5:1s", "--latency", "lognormal:2ms,0.5,1s"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, faults.Latency{LogNormal: faults.LogNormal{Median: ms(2), Sigma: 0.5, Max: ms(1000)},
		Tail: faults.Tail{Fraction: 0.5, Latency: ms(1000)}}, o.faults.Latency, "the tail survives a later --latency")

	faultsFile := filepath.Join(t.TempDir(), "faults.yaml")
	require.NoError(t, os.WriteFile(faultsFile, []byte("latency: {fixed: 2ms}\nerrors: {500: 0.5}\n"), 0o600))
	o, err = parseServeFlags([]string{"--faults", faultsFile}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, ms(2), o.faults.Latency.Fixed)
}

func TestServeUsageErrors(t *testing.T) {
	badFile := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(badFile, []byte("latncy: {fixed: 2ms}\n"), 0o600))
	cases := map[string][]string{
		"unknown flag":             {"--nope"},
		"positional argument":      {"extra"},
		"bad latency kind":         {"--latency", "normal:2ms"},
		"bad uniform":              {"--latency", "uniform:5ms"},
		"bad duration":             {"--latency", "fixed:2"},
		"probability above 1":      {"--reset", "1.5"},
		"error without status":     {"--error", "0.5"},
		"status out of range":      {"--error", "200:0.5"},
		"errors add above 1":       {"--error", "500:0.6,503:0.6"},
		"bad rate":                 {"--rate-limit", "fast"},
		"bad burst":                {"--rate-limit", "10/s,x"},
		"stall longer than period": {"--stall", "5s/1s"},
		"stall without period":     {"--stall", "1s"},
		"bad routes":               {"--fault-routes", "some"},
		"bad accept-invalid shape": {"--accept-invalid", "everything"},
		"ca-out without tls":       {"--ca-out", "x.pem"},
		"faults file and flags":    {"--faults", badFile, "--reset", "0.1"},
		"faults file missing":      {"--faults", filepath.Join(t.TempDir(), "none.yaml")},
		"faults file unknown key":  {"--faults", badFile},
		"zero seat limit":          {"--max-participants", "0"},
		"empty account":            {"--account", ""},
	}
	for name, args := range cases {
		err := runServe(t.Context(), append([]string{"--addr", "127.0.0.1:0"}, args...), io.Discard, io.Discard)
		require.Error(t, err, name)
		assert.Equal(t, exitUsage, exitCode(err), "%s: %v", name, err)
	}
}

// TestServeFaultsFileErrors: a bad --faults file is a usage error whose
// every line names the file, line and column of its problem.
func TestServeFaultsFileErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "faults.yaml")
	require.NoError(t, os.WriteFile(file, []byte("latency:\n  fixd: 2ms\nerrors: {500: 0.7, 503: 0.6}\nreset: often\n"), 0o600))
	err := runServe(t.Context(), []string{"--addr", "127.0.0.1:0", "--faults", file}, io.Discard, io.Discard)
	require.Error(t, err)
	assert.Equal(t, exitUsage, exitCode(err))
	assert.Equal(t, strings.Join([]string{
		file + `:2:3: unknown key "fixd" in latency; allowed: fixed, uniform, lognormal, tail, tails (did you mean "fixed"?)`,
		file + `:3:1: errors: the probabilities add up to 1.3, above 1`,
		file + `:4:8: reset: "often" is not a number; a probability is a number from 0 to 1, e.g. 0.01`,
	}, "\n"), err.Error())
}

func TestServeNeverPrintsPassword(t *testing.T) {
	t.Setenv("WRTC_PASSWORD", "s3cret-from-env")
	var out strings.Builder
	err := runServe(t.Context(), []string{"-h"}, &out, &out)
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.NotContains(t, out.String(), "s3cret-from-env")
	assert.NotContains(t, out.String(), refserver.DefaultPassword)
}

func TestServeEchoesItsFaults(t *testing.T) {
	for _, args := range [][]string{
		{"--latency", "lognormal:2ms,0.5,1s", "--tail", "0.01:200ms", "--error", "500:0.01,503:0.02", "--rate-limit", "1000/s,50",
			"--stall", "1s/5s", "--reset", "0.001", "--close", "0.002", "--slow-body", "0.01:500ms", "--wrong-status", "0.1",
			"--bad-error-body", "0.2", "--fault-routes", "all"},
		{"--latency", "uniform:1ms-5ms"},
	} {
		o, err := parseServeFlags(args, io.Discard)
		require.NoError(t, err)
		echo := describeFaults(o.faults)
		// The echo reads back as the same faults.
		again, err := parseServeFlags(strings.Fields(echo), io.Discard)
		require.NoError(t, err, echo)
		assert.Equal(t, o.faults, again.faults, "the echo %q reads back as the faults", echo)
	}
	assert.Equal(t, "none", describeFaults(faults.Faults{}))

	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, []string{"--addr", "127.0.0.1:0", "--error", "503:0.5"}, pw, io.Discard) }()
	rd := bufio.NewReader(pr)
	_, err := rd.ReadString('\n') // listening on...
	require.NoError(t, err)
	line, err := rd.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "wrtcbench serve: faults --error 503:0.5\n", line)
	cancel()
	go io.Copy(io.Discard, pr)
	assert.ErrorIs(t, <-done, context.Canceled)
}
