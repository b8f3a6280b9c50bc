package report

import (
	"strings"
	"testing"
)

func TestRenderMarkdownGolden(t *testing.T) {
	checkGolden(t, "summary.md", renderBytes(t, fixtureReport(t), FormatMarkdown))
	checkGolden(t, "empty.md", renderBytes(t, emptyReport(), FormatMarkdown))
}

func TestMarkdownTablesAreWellFormed(t *testing.T) {
	out := string(renderBytes(t, fixtureReport(t), FormatMarkdown))
	// Every row of a table has as many unescaped pipes as its header.
	var cols int
	for i, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := strings.Count(line, "|") - strings.Count(line, `\|`)
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("line %d has %d cells separators, its table %d: %q", i+1, n, cols, line)
		}
	}
	for _, want := range []string{
		"## ❌ wrtcbench `smoke`: FAILED",
		`&lt;html&gt;bad \| request&lt;/html&gt;`, // pipe and HTML escaped in a cell
		"```sh\ncurl -sS -X PUT",                  // curl lines in code blocks
		"<details><summary>Reproduce status_expected on missing_auth (204)</summary>",
		"| ✗ | `status_expected` | 2,995 | 3 |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary.md lacks %q", want)
		}
	}
}

func TestMarkdownEscaping(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a|b", `a\|b`},
		{"line\nbreak", "line break"},
		{"<b>", "&lt;b&gt;"},
	} {
		if got := mdCell(tc.in); got != tc.want {
			t.Errorf("mdCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := mdCode("a`b|c"); got != "``a`b\\|c``" {
		t.Errorf("mdCode = %q", got)
	}
	if got := mdFence("x ``` y"); got != "````" {
		t.Errorf("mdFence = %q", got)
	}
}
