package report

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"
)

// Limits a day-long run's result folder keeps to, at one-second slices.
const (
	longReportJSONLimit = 5 << 20 // report.json
	longReportHTMLLimit = 5 << 20 // report.html
)

// longRate is the synthetic soak's request rate; WRTC_LONG_RATE sets
// another (the figures in docs/report.md were measured at 50/s and 1000/s).
func longRate(t testing.TB) float64 {
	if s := os.Getenv("WRTC_LONG_RATE"); s != "" {
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || r <= 0 {
			t.Fatalf("WRTC_LONG_RATE=%q: want a positive number of requests per second", s)
		}
		return r
	}
	return 50
}

// longReport is a 24-hour soak at one-second slices (86,400 of them),
// synthetic and seeded, fed through the real Collector.
func longReport(t testing.TB) *Report {
	rate := longRate(t)
	r := synthRun(t, synthSpec{
		name: "soak-24h", seed: 11, dur: 24 * time.Hour, warmup: time.Minute, interval: time.Second, planned: true,
		rate: func(time.Duration) float64 { return rate }, shape: "constant " + strconv.FormatFloat(rate, 'f', -1, 64) + "/s",
		median: 2 * time.Millisecond, sigma: 0.5, tail: 0.001, tailLat: 200 * time.Millisecond,
		stalls: [][2]time.Duration{{5 * time.Hour, 5*time.Hour + 3*time.Second}, {17 * time.Hour, 17*time.Hour + 10*time.Second}},
		errs:   map[int]float64{503: 0.0005},
	})
	addThresholds(r, 250)
	return r
}

// TestLongRunStaysSmall generates a day-long report and checks that
// report.json and report.html stay under their limits, that the report
// holds at most MaxIntervals intervals that cover the whole day, and that
// it re-renders from report.json; it logs the sizes and times.
func TestLongRunStaysSmall(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("a day of synthetic results takes a while; skipped in -short and under the race detector")
	}
	start := time.Now()
	r := longReport(t)
	generated := time.Since(start)

	if n := len(r.Intervals); n > MaxIntervals || n < MaxIntervals/4 {
		t.Errorf("%d intervals; want at most %d, and not far fewer", n, MaxIntervals)
	}
	var sent int64
	for _, iv := range r.Intervals {
		sent += iv.Sent
	}
	if sent != r.Requests.Sent+r.Requests.Warmup {
		t.Errorf("the intervals sent %d, the run %d + %d warm-up", sent, r.Requests.Sent, r.Requests.Warmup)
	}
	last := r.Intervals[len(r.Intervals)-1]
	if end := last.StartS + last.DurationS; end < 24*3600 {
		t.Errorf("the intervals end at %.0f s, before the day did", end)
	}
	if !r.JoinedSlices() {
		t.Error("a day at one-second slices must join them")
	}

	var js bytes.Buffer
	if err := RenderJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	var again Report
	if err := json.Unmarshal(js.Bytes(), &again); err != nil {
		t.Fatal(err)
	}
	sizes := map[OutputFormat]int{FormatJSON: js.Len()}
	for _, f := range Formats() {
		var b bytes.Buffer
		if err := Render(&b, &again, f); err != nil {
			t.Fatalf("re-render %s: %v", f, err)
		}
		sizes[f] = b.Len()
	}
	rerender := time.Since(start)

	if sizes[FormatJSON] > longReportJSONLimit {
		t.Errorf("report.json of a day is %d bytes, more than %d", sizes[FormatJSON], longReportJSONLimit)
	}
	if sizes[FormatHTML] > longReportHTMLLimit {
		t.Errorf("report.html of a day is %d bytes, more than %d", sizes[FormatHTML], longReportHTMLLimit)
	}
	t.Logf("24 h at %g/s, %d requests, 86,400 slices → %d intervals of %.0f s; generated in %s",
		longRate(t), r.Requests.Sent+r.Requests.Warmup, len(r.Intervals), r.Intervals[0].DurationS, generated.Round(time.Millisecond))
	t.Logf("report.json %d bytes, report.html %d, summary.md %d, junit.xml %d, latency.hlog %d (from report.json; the run's own log has a line per slice)",
		sizes[FormatJSON], sizes[FormatHTML], sizes[FormatMarkdown], sizes[FormatJUnit], sizes[FormatHlog])
	t.Logf("reading report.json and rendering every format took %s", rerender.Round(time.Millisecond))
}

// BenchmarkRerenderLongReport measures `wrtcbench report --format html` of
// a day-long run: decoding report.json and rendering report.html.
func BenchmarkRerenderLongReport(b *testing.B) {
	var js bytes.Buffer
	if err := RenderJSON(&js, longReport(b)); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(js.Len()), "json-bytes")
	b.ResetTimer()
	for b.Loop() {
		var r Report
		if err := json.Unmarshal(js.Bytes(), &r); err != nil {
			b.Fatal(err)
		}
		var out bytes.Buffer
		if err := RenderHTML(&out, &r); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(out.Len()), "html-bytes")
	}
}
