package report

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

func TestHlogReadsBack(t *testing.T) {
	r := fixtureReport(t)
	// Leave one interval empty: it must still get a line, with an empty histogram.
	r.Intervals[3].Histogram = ""
	var b bytes.Buffer
	if err := WriteHlog(&b, r); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, want := range []string{
		"#[StartTime: 1795860000 (seconds since epoch), 2026-11-28T10:00:00Z]\n",
		"#[BaseTime: 1795860000 (seconds since epoch)]\n",
		`"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"` + "\n",
		"\n0.250,1.000,", // the first interval starts 250 ms after the base time
	} {
		if !strings.Contains(text, want) {
			t.Errorf("latency.hlog lacks %q", want)
		}
	}
	rd := hdr.NewHistogramLogReader(&b)
	var i int
	for {
		h, err := rd.NextIntervalHistogram()
		if err != nil {
			t.Fatal(err)
		}
		if h == nil {
			break
		}
		if i >= len(r.Intervals) {
			t.Fatalf("more histograms than intervals")
		}
		want := r.Intervals[i].LatencyMs.Count
		if i == 3 {
			want = 0
		}
		if h.TotalCount() != want {
			t.Errorf("interval %d: %d values, want %d", i, h.TotalCount(), want)
		}
		if want > 0 {
			if got := float64(h.Max()) / 1000; math.Abs(got-r.Intervals[i].LatencyMs.Max) > 1e-9 {
				t.Errorf("interval %d: max %.3f ms, want %.3f", i, got, r.Intervals[i].LatencyMs.Max)
			}
		}
		i++
	}
	if i != len(r.Intervals) {
		t.Errorf("read %d interval histograms, want %d", i, len(r.Intervals))
	}
}

func TestHlogMaxColumnInMilliseconds(t *testing.T) {
	r := fixtureReport(t)
	var b bytes.Buffer
	if err := WriteHlog(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "20.250,") {
			// The stall interval: its max is hundreds of milliseconds.
			got := strings.Split(line, ",")[2]
			if want := fmt.Sprintf("%.3f", r.Intervals[20].LatencyMs.Max); got != want || r.Intervals[20].LatencyMs.Max < 100 {
				t.Errorf("Interval_Max = %s, want %s (milliseconds)", got, want)
			}
			return
		}
	}
	t.Error("no line for the interval at 20 s")
}

func TestHlogEmptyReport(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHlog(&b, emptyReport()); err != nil {
		t.Fatal(err)
	}
	h, err := hdr.NewHistogramLogReader(&b).NextIntervalHistogram()
	if err != nil || h != nil {
		t.Errorf("an empty report's log has a histogram: %v, %v", h, err)
	}
}

func TestHlogBadHistogram(t *testing.T) {
	r := fixtureReport(t)
	r.Intervals[0].Histogram = "not base64!"
	if err := WriteHlog(new(bytes.Buffer), r); err == nil {
		t.Error("WriteHlog accepted a corrupt histogram")
	}
}
