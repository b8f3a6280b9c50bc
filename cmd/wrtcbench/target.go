package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/faults"
	"github.com/wrtcbench/wrtcbench/internal/refserver"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// target is a resolved target: where to send, as whom, and what to stop after.
type target struct {
	url, account, username, password string
	origin                           scenarios.Origin // where account, username and password came from
	close                            func()
	// embedded is the in-process reference API, when there is one, and
	// faults what it injects during the measured phase only: setup and
	// teardown go through a faultless server.
	embedded *refserver.Server
	faults   faults.Faults
}

// resolveTarget starts the embedded reference API when the scenario asks for
// it, and reads the credentials.
func resolveTarget(s *scenarios.Scenario) (*target, error) {
	t := &target{url: s.Target.URL, account: s.Target.AccountID, username: s.Target.Username,
		password: s.Target.Password, origin: s.Target.Origin, close: func() {}}
	if !s.Target.IsEmbedded() {
		return t, nil
	}
	cfg := refserver.Config{Seed: int64(s.Load.Seed)}
	if f := s.Target.Embedded; f != nil {
		t.faults = *f // decoded and checked with the rest of the file
	}
	if t.account == "" {
		t.account, t.origin.Account = refserver.DefaultAccount, scenarios.EmbeddedDefault
	}
	if t.username == "" && t.password == "" {
		t.username, t.password = refserver.DefaultUsername, refserver.DefaultPassword
		t.origin.Username, t.origin.Password = scenarios.EmbeddedDefault, scenarios.EmbeddedDefault
	}
	cfg.Accounts = []refserver.Account{{ID: t.account, Username: t.username, Password: t.password}}
	// The server outlives an interrupt: teardown still needs it.
	ctx, cancel := context.WithCancel(context.Background())
	rs, err := refserver.Start(ctx, cfg, "", false)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("embedded reference API: %w", err)
	}
	t.url, t.embedded = rs.URL, rs.Server
	t.close = func() { _ = rs.Close(); cancel() }
	return t, nil
}

// preflight checks, before anything of the run is sent, that the target can
// be used: it dials it once and, for an https target, makes one GET on the
// base URL through the run's own client, so that an unreachable target or a
// TLS failure is an exit 3 with one line rather than a run full of transport
// errors. Any HTTP answer to the GET will do.
func preflight(ctx context.Context, client *http.Client, base string, timeout time.Duration) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	host := u.Host
	if u.Port() == "" {
		if u.Scheme == "https" {
			host = net.JoinHostPort(u.Hostname(), "443")
		} else {
			host = net.JoinHostPort(u.Hostname(), "80")
		}
	}
	d := net.Dialer{Timeout: min(timeout, 5*time.Second)}
	c, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return fmt.Errorf("%s is unreachable: %w", host, unwrapOp(err))
	}
	c.Close()
	if u.Scheme != "https" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, min(timeout, 10*time.Second))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%s: TLS: %w", host, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.Body.Close()
}

// unwrapOp strips net.OpError's address prefix, which the message already has.
func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// redactURL drops any user information from a URL before it is reported.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	u.User = nil
	return u.String()
}
