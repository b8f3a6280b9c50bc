package compare

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// RenderText writes c for a terminal: the verdict line, the runs, the notes,
// an aligned table of every figure with its unit, and a legend.
func RenderText(w io.Writer, c *Comparison) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, summary(c))
	fmt.Fprintf(bw, "  baseline  %s: %s\n", c.Baseline, sideLine(c.BaselineRuns))
	fmt.Fprintf(bw, "  current   %s: %s\n", c.Current, sideLine(c.CurrentRuns))
	for _, n := range c.Notes {
		fmt.Fprintf(bw, "  note: %s\n", n)
	}
	fmt.Fprintln(bw)
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	for _, r := range append([]row{header}, rowsOf(c)...) {
		fmt.Fprintf(tw, "  %s\n", strings.Join([]string{r.metric, r.baseline, r.current, r.change, r.test, r.verdict}, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for l := range strings.Lines(table.String()) {
		fmt.Fprintln(bw, strings.TrimRight(l, " \n"))
	}
	fmt.Fprintln(bw)
	for _, l := range wrap(legend(c), 96) {
		fmt.Fprintf(bw, "  %s\n", l)
	}
	return bw.Flush()
}

// RenderMarkdown writes c as GitHub-flavoured Markdown for a pull-request
// comment or a job summary.
func RenderMarkdown(w io.Writer, c *Comparison) error {
	bw := bufio.NewWriter(w)
	title := "✅ No regression"
	switch {
	case c.Regressed:
		title = "❌ Regression"
	case c.Invalid:
		title = "⚠️ Not a valid comparison"
	}
	fmt.Fprintf(bw, "### %s\n\n", title)
	if s := summary(c); s != "no regression" {
		fmt.Fprintf(bw, "%s\n\n", mdText(strings.TrimPrefix(strings.TrimPrefix(s, "REGRESSION: "), "NOT VALID: ")))
	}
	fmt.Fprintf(bw, "| | runs | |\n| --- | --- | --- |\n")
	fmt.Fprintf(bw, "| baseline | %s | %s |\n", mdText(c.Baseline), mdText(sideLine(c.BaselineRuns)))
	fmt.Fprintf(bw, "| current | %s | %s |\n\n", mdText(c.Current), mdText(sideLine(c.CurrentRuns)))
	if len(c.Notes) > 0 {
		fmt.Fprintln(bw, "> **Notes**")
		for _, n := range c.Notes {
			fmt.Fprintf(bw, "> - %s\n", mdText(n))
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintf(bw, "| metric | baseline | current | change | test | verdict |\n")
	fmt.Fprintf(bw, "| --- | ---: | ---: | ---: | --- | --- |\n")
	for _, r := range rowsOf(c) {
		ch, v := mdText(r.change), mdText(r.verdict)
		if strings.HasPrefix(r.verdict, "✗") {
			ch, v = "**"+ch+"**", "❌ "+mdText(strings.TrimPrefix(r.verdict, "✗ "))
		}
		fmt.Fprintf(bw, "| `%s` | %s | %s | %s | %s | %s |\n", mdCode(r.metric), mdText(r.baseline), mdText(r.current), ch, mdText(r.test), v)
	}
	fmt.Fprintf(bw, "\n<sub>%s</sub>\n", mdText(legend(c)))
	return bw.Flush()
}

// RenderJSON writes c as indented JSON: the Comparison's fields as its
// type documents them.
func RenderJSON(w io.Writer, c *Comparison) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

func rowsOf(c *Comparison) []row {
	out := make([]row, len(c.Deltas))
	for i, d := range c.Deltas {
		out[i] = cells(d)
	}
	return out
}

// mdEscaper keeps cell text from breaking a table or becoming markup.
var mdEscaper = strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "'")

func mdText(s string) string { return mdEscaper.Replace(s) }

// mdCode escapes text for a code span inside a table cell.
func mdCode(s string) string { return strings.NewReplacer("|", `\|`, "`", "'", "\n", " ").Replace(s) }

// wrap breaks s into lines of at most width runes at spaces.
func wrap(s string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, w := range strings.Fields(s) {
		if cur.Len() > 0 && len([]rune(cur.String()))+1+len([]rune(w)) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
