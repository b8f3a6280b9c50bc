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
