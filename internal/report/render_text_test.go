package report

import (
	"bufio"
	"strings"
	"testing"
)

func TestRenderTextGolden(t *testing.T) {
	checkGolden(t, "report.txt", renderBytes(t, fixtureReport(t), FormatText))
	checkGolden(t, "empty.txt", renderBytes(t, emptyReport(), FormatText))
}

func TestRenderTextMarksFailures(t *testing.T) {
	out := string(renderBytes(t, fixtureReport(t), FormatText))
	for _, want := range []string{
		"✗ FAILED  smoke",                        // verdict first
		"✗  status_expected    2,995  passed  3", // failing check marked, counts aligned
		"✓  status_documented",                   // passing check marked
		"✗  error_rate < 0.1%",                   // failing threshold
		"n/a  case bad_auth is not in the mix",   // threshold that could not be evaluated
		`-u "$WRTC_USERNAME:$WRTC_PASSWORD"`,     // curl lines as recorded
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text summary lacks %q", want)
		}
	}
	if i, j := strings.Index(out, "FAILED"), strings.Index(out, "LOAD"); i < 0 || j < i {
		t.Error("the verdict must come before the figures")
	}
	for i, line := range strings.Split(out, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("line %d has trailing spaces: %q", i+1, line)
		}
	}
}

func TestTextTableAlignsRunes(t *testing.T) {
	var b strings.Builder
	tb := newTextTable("l", "r")
	tb.row("✓ a", "1")
	tb.row("bb", "1,000")
	bw := bufio.NewWriter(&b)
	tb.write(bw, "")
	bw.Flush()
	want := "✓ a      1\nbb   1,000\n"
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestWrapWords(t *testing.T) {
	got := wrapWords([]string{"aaa", "bbb", "ccc", "dddddddddd"}, 8)
	want := []string{"aaa bbb", "ccc", "dddddddddd"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrapWords = %q, want %q", got, want)
	}
	if wrapWords(nil, 8) != nil {
		t.Error("wrapWords(nil) should be empty")
	}
}

func TestRenderTextPrintsACurlOncePerRequest(t *testing.T) {
	body := `{"sessionId":"s","participants":[` + strings.Repeat(`{"participantId":"0a2b0000-0000-4000-8000-000000000002"},`, 20) + `]}`
	long := `curl -sS -i -g -X PUT 'http://127.0.0.1:1/v1/accounts/1/sessions/s/participants/p' -u "$WRTC_USERNAME:$WRTC_PASSWORD" --data-binary '` + body + `'`
	r := emptyReport()
	r.Violations = []Violation{
		{Check: "status_expected", Case: "subscribe_all", Status: 200, Count: 5, Message: "got 200", Curl: long},
		{Check: "content_type", Case: "subscribe_all", Status: 200, Count: 5, Message: "a 200 with a body", Curl: long},
		{Check: "status_expected", Case: "missing_auth", Status: 204, Count: 1, Message: "got 204", Curl: "curl -X PUT 'http://127.0.0.1:1/v1/x'"},
	}
	out := string(renderBytes(t, r, FormatText))
	if n := strings.Count(out, "curl -sS -i -g -X PUT"); n != 1 {
		t.Errorf("the long curl line is printed %d times, want once:\n%s", n, out)
	}
	if !strings.Contains(out, "    curl: the same request as status_expected on subscribe_all above") {
		t.Errorf("the second violation of the request should point to the first:\n%s", out)
	}
	if !strings.Contains(out, "curl -X PUT 'http://127.0.0.1:1/v1/x'") {
		t.Error("a short curl line is printed whole")
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "curl -sS") && (len([]rune(line)) > maxTextCurl+4 || !strings.HasSuffix(line, "…'")) {
			t.Errorf("the long curl line is not shortened: %q", line)
		}
	}
	if !strings.Contains(out, "(… ends a shortened curl line: report.json and report.html hold it whole)") {
		t.Error("a shortened line must say where the whole one is")
	}
	if !strings.Contains(string(renderBytes(t, r, FormatJSON)), long[:50]) {
		t.Error("report.json keeps the whole line")
	}
}
