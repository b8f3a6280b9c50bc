package report

import (
	"fmt"
	"io"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// WriteHlog writes the latency histograms of r's intervals as an
// HdrHistogram interval log (latency.hlog), which HdrHistogram's own
// HistogramLogReader and HistogramLogProcessor read:
//
//	#[Histogram log format version 1.3]
//	#[StartTime: 1795860000 (seconds since epoch), 2026-11-28T10:00:00Z]
//	#[BaseTime: 1795860000 (seconds since epoch)]
//	"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
//	0.000,1.000,4.123,HISTFAAAA...
//
// Values are latencies in integer microseconds, timed from the scheduled
// send. Each line starts at its interval's offset from the base time, in
// seconds; Interval_Max is the interval's maximum in milliseconds, the
// format's convention. An interval that recorded nothing gets an empty
// histogram, so that the timeline has no holes.
//
// The header lines come from hdrhistogram-go's HistogramLogWriter. The
// interval lines are formatted here because that writer scales the maximum
// by a fixed nanoseconds-to-milliseconds ratio that its exported API cannot
// change, and our values are microseconds. The payload is the interval's
// histogram exactly as report.json stores it.
func WriteHlog(w io.Writer, r *Report) error {
	hw, err := NewHlogWriter(w, r.Scenario.Name, r.Started)
	if err != nil {
		return err
	}
	for i, iv := range r.Intervals {
		if err := hw.Interval(iv); err != nil {
			return fmt.Errorf("hlog: interval %d: %w", i, err)
		}
	}
	return nil
}

// HlogWriter writes an HdrHistogram interval log one interval at a time, so
// that a run can append to latency.hlog as it goes: a crash then loses at
// most the interval being filled.
type HlogWriter struct {
	w     io.Writer
	fracS float64 // the sub-second part of the start time, added to every offset
	empty string  // an encoded empty histogram, for intervals that recorded nothing
}

// NewHlogWriter writes the log's header for a run named name that started
// at started, and returns a writer for its intervals.
func NewHlogWriter(w io.Writer, name string, started time.Time) (*HlogWriter, error) {
	lw := hdr.NewHistogramLogWriter(w)
	startMs := started.UnixMilli()
	if started.IsZero() {
		startMs = 0
	}
	// The writer prints the base time in whole seconds; the sub-second rest
	// of the start time is added to every interval's offset instead.
	baseMs := startMs - startMs%1000
	for _, err := range []error{
		lw.OutputLogFormatVersion(),
		lw.OutputComment(fmt.Sprintf("[wrtcbench %s: latency from the scheduled send, microseconds]", name)),
		lw.OutputStartTime(startMs),
		lw.OutputBaseTime(baseMs),
		lw.OutputLegend(),
	} {
		if err != nil {
			return nil, fmt.Errorf("hlog: %w", err)
		}
	}
	return &HlogWriter{w: w, fracS: float64(startMs-baseMs) / 1000}, nil
}

// Interval writes one interval's line.
func (hw *HlogWriter) Interval(iv Interval) error {
	h, err := DecodeHistogram(iv.Histogram)
	if err != nil {
		return err
	}
	payload := iv.Histogram
	var maxMs float64
	if h == nil {
		if hw.empty == "" {
			b, err := NewHistogram().Encode(hdr.V2CompressedEncodingCookieBase)
			if err != nil {
				return fmt.Errorf("hlog: encode an empty histogram: %w", err)
			}
			hw.empty = string(b)
		}
		payload = hw.empty
	} else if h.TotalCount() > 0 {
		maxMs = float64(h.Max()) / 1000
	}
	// The same line format as HdrHistogram's Java HistogramLogWriter.
	if _, err := fmt.Fprintf(hw.w, "%.3f,%.3f,%.3f,%s\n", iv.StartS+hw.fracS, iv.DurationS, maxMs, payload); err != nil {
		return fmt.Errorf("hlog: %w", err)
	}
	return nil
}
