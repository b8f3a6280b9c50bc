package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScenarioTextRedactsCredentials(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s.yaml")
	src := `name: s   # a comment stays
target:
  url: https://staging.example.com/v1
  username: alice
  password: "hunter2, with a comma" # the key's value goes
  other: {username: bob, password: 's3cr3t'}
aliases:
  - password: plain-text-pw
env:
  username: ${WRTC_USERNAME}
  password: "${WRTC_PASSWORD}"
description: mentions the resolved one, resolved-pw, in passing
`
	if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	got := scenarioText(file, "resolved-pw")
	for _, secret := range []string{"alice", "hunter2", "with a comma", "bob", "s3cr3t", "plain-text-pw", "resolved-pw"} {
		if strings.Contains(got, secret) {
			t.Errorf("the text keeps %q:\n%s", secret, got)
		}
	}
	for _, kept := range []string{"name: s   # a comment stays", "# the key's value goes", "username: ${WRTC_USERNAME}",
		`password: "${WRTC_PASSWORD}"`, "url: https://staging.example.com/v1", `other: {username: "[redacted]", password: "[redacted]"}`} {
		if !strings.Contains(got, kept) {
			t.Errorf("the text lacks %q:\n%s", kept, got)
		}
	}
	if scenarioText(filepath.Join(t.TempDir(), "missing.yaml"), "") != "" {
		t.Error("a file that cannot be read gives no text")
	}
}
