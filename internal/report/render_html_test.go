package report

import (
	"regexp"
	"strings"
	"testing"
)

func TestRenderHTMLContent(t *testing.T) {
	r := fixtureReport(t)
	out := string(renderBytes(t, r, FormatHTML))
	for _, want := range []string{
		"<!DOCTYPE html>",
		`class="banner fail"`,
		"failed: 3 checks failed, 3 thresholds failed",
		`aria-label="latency percentile spectrum"`,
		`aria-label="latency over time"`,
		`aria-label="target and achieved rate over time"`,
		`aria-label="status mix over time"`,
		`<td class="cell bad"><a href="#v1">✗ 3</a>`, // failing matrix cell links to its violation
		`id="v1"`,
		"&lt;html&gt;bad | request&lt;/html&gt;", // bodies escaped
		"&#34;$WRTC_USERNAME:$WRTC_PASSWORD&#34;",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if strings.Contains(out, "<html>bad") {
		t.Error("report.html holds a response body unescaped")
	}
	if n := strings.Count(out, "<svg "); n < 5 {
		t.Errorf("report.html has %d charts, want 5", n)
	}
}

// externalRef matches attributes and CSS that would make the page fetch something.
var externalRef = regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:|//)|url\(\s*['"]?(https?:|//)|@import|<script[^>]+src`)

func TestRenderHTMLSelfContained(t *testing.T) {
	for _, r := range []*Report{fixtureReport(t), emptyReport()} {
		out := string(renderBytes(t, r, FormatHTML))
		if m := externalRef.FindString(out); m != "" {
			t.Errorf("%s: report.html refers to an outside resource: %q", r.Scenario.Name, m)
		}
		if strings.Contains(out, "<?xml") {
			t.Error("an inline SVG kept its XML prelude")
		}
	}
}

func TestRenderHTMLEmpty(t *testing.T) {
	out := string(renderBytes(t, emptyReport(), FormatHTML))
	// Five charts and the conformance matrix.
	if n := strings.Count(out, `<div class="nodata">no data</div>`); n != 6 {
		t.Errorf("an empty report shows %d \"no data\" boxes, want 6", n)
	}
	if strings.Contains(out, "<svg") {
		t.Error("an empty report drew a chart")
	}
	if !strings.Contains(out, `class="banner pass"`) {
		t.Error("a passed report needs a passing banner")
	}
}

func TestRenderHTMLBadHistogram(t *testing.T) {
	r := fixtureReport(t)
	r.Histograms.Latency = "garbage"
	out := string(renderBytes(t, r, FormatHTML))
	if !strings.Contains(out, "chart unavailable: latency: decode histogram") {
		t.Error("a corrupt histogram should show as an unavailable chart")
	}
}

func TestSpectrum(t *testing.T) {
	h := newTestHist()
	for v := int64(1); v <= 1000; v++ {
		h.RecordValue(v * 1000) // 1..1000 ms
	}
	pts := spectrum(h)
	if len(pts) < 30 {
		t.Fatalf("%d points, want ten per decade over three decades", len(pts))
	}
	if first := pts[0]; first.Q != 0 || first.Ms < 0.99 || first.Ms > 1.01 {
		t.Errorf("first point %+v, want q=0 at 1 ms", first)
	}
	if last := pts[len(pts)-1]; last.Q != 1 || last.Ms < 999 || last.Ms > 1001 {
		t.Errorf("last point %+v, want the max, 1000 ms", last)
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].Q < pts[i-1].Q || pts[i].Ms < pts[i-1].Ms {
			t.Errorf("points %d and %d are not monotonic: %+v %+v", i-1, i, pts[i-1], pts[i])
		}
	}
	if spectrum(nil) != nil || spectrum(newTestHist()) != nil {
		t.Error("no histogram, no spectrum")
	}
}

func TestPercentileTicks(t *testing.T) {
	var labels []string
	for _, tk := range (percentileTicks{}).Ticks(1, 5000) {
		labels = append(labels, tk.Label)
	}
	if got := strings.Join(labels, " "); got != "0% 50% 90% 99% 99.9%" {
		t.Errorf("ticks %q", got)
	}
}
