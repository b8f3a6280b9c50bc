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
		`aria-label="error rate over time"`,
		`aria-label="p99 latency per case over time"`,
		`aria-label="requests in flight over time"`,
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
	if n := strings.Count(out, "<svg "); n != 7 {
		t.Errorf("report.html has %d charts, want 7", n)
	}
}

func TestRenderHTMLShowsThresholdsAndTheRun(t *testing.T) {
	out := string(renderBytes(t, rampReport(t), FormatHTML))
	for _, want := range []string{
		// The failed p99 threshold: a red edge on its figure, a bound on the latency charts.
		`<div class="fig bad" title="threshold latency.p99 &lt; 50ms did not hold"><div class="label">latency p99</div>`,
		`<li class="k-dash bad"><span class="key" style="--c:#b91c1c"></span>✗ latency.p99 &lt; 50ms</li>`,
		`✗ error_rate &lt; 0.1%</li>`,
		`✗ latency{case=subscribe_all}.p99 &lt; 100ms</li>`,
		`warm-up (not in the figures)</li>`,
		`target, at each step&#39;s end</li>`,
		`most in flight within the step</li>`,
		// The run: tool and build, host, the scenario file.
		`wrtcbench v0.1.0-test (revision 0123456789ab), built with go1.26.0`,
		`ci-runner · linux/amd64 · 2 CPUs, GOMAXPROCS 2`,
		`<pre class="scenario">name: ramp-faults`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the ramp's report.html lacks %q", want)
		}
	}
	out = string(renderBytes(t, closedReport(t), FormatHTML))
	for _, want := range []string{"closed model, 16 workers", "no target rate", "workers 16</li>"} {
		if !strings.Contains(out, want) {
			t.Errorf("the closed run's report.html lacks %q", want)
		}
	}
	if strings.Contains(out, "target, at each step") {
		t.Error("a closed model has no target rate to draw")
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
	// Seven charts and the conformance matrix.
	if n := strings.Count(out, `<div class="nodata">no data</div>`); n != 8 {
		t.Errorf("an empty report shows %d \"no data\" boxes, want 8", n)
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
