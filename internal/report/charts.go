package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart sizes, in points; the page scales them to its width, so the
// smaller charts are drawn smaller to keep their text legible.
const (
	wideWidth, wideHeight   = 760, 300 // the percentile spectrum, full width
	smallWidth, smallHeight = 440, 230 // the charts over time, two per row
)

// chartFont is the face of every chart's text. The SVG names it
// "Liberation Sans", and the page falls back to metric-compatible Arial.
var chartFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// The chart palette.
var (
	colLatency = color.RGBA{R: 0xd9, G: 0x48, B: 0x1c, A: 0xff} // latency from the scheduled send
	colService = color.RGBA{R: 0x1f, G: 0x6f, B: 0xd1, A: 0xff} // service time from the actual send
	colP50     = color.RGBA{R: 0x2e, G: 0x9e, B: 0x6b, A: 0xff}
	colP90     = color.RGBA{R: 0xe0, G: 0xa1, B: 0x1b, A: 0xff}
	colP99     = color.RGBA{R: 0xd9, G: 0x48, B: 0x1c, A: 0xff}
	colMax     = color.RGBA{R: 0x7a, G: 0x2e, B: 0x8e, A: 0xff}
	colTarget  = color.RGBA{R: 0x6b, G: 0x72, B: 0x80, A: 0xff}
	colSent    = color.RGBA{R: 0x1f, G: 0x6f, B: 0xd1, A: 0xff}
	colDone    = color.RGBA{R: 0x2e, G: 0x9e, B: 0x6b, A: 0xff}
	colFlight  = color.RGBA{R: 0x7a, G: 0x2e, B: 0x8e, A: 0xff}
	colError   = color.RGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xff}
	colGrid    = color.RGBA{R: 0xe5, G: 0xe7, B: 0xeb, A: 0xff}
	colAxis    = color.RGBA{R: 0x4b, G: 0x55, B: 0x63, A: 0xff}
)

// newChart returns a plot with the page's fonts, colours and a light grid.
func newChart(xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.BackgroundColor = color.Transparent
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(chartFont, 10)
		ax.Label.TextStyle.Color = colAxis
		ax.Tick.Label.Font = font.From(chartFont, 9)
		ax.Tick.Label.Color = colAxis
		ax.Color = colAxis
		ax.Tick.Color = colAxis
		ax.Padding = 0
	}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.X.Tick.Marker = plainTicks{}
	p.Y.Tick.Marker = plainTicks{}
	p.Legend.TextStyle.Font = font.From(chartFont, 9)
	p.Legend.TextStyle.Color = colAxis
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(8)
	p.Legend.YOffs = vg.Points(-4)
	p.Legend.ThumbnailWidth = vg.Points(16)
	grid := plotter.NewGrid()
	grid.Vertical.Color = colGrid
	grid.Horizontal.Color = colGrid
	grid.Vertical.Width = vg.Points(0.5)
	grid.Horizontal.Width = vg.Points(0.5)
	p.Add(grid)
	return p
}

// plainTicks are gonum's default ticks with labels free of trailing zeros
// ("500" rather than "500.00").
type plainTicks struct{}

// Ticks returns the default ticks between min and max, relabelled.
func (plainTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i, t := range ticks {
		if t.Label != "" {
			ticks[i].Label = strconv.FormatFloat(t.Value, 'f', -1, 64)
			if len(ticks[i].Label) > 8 {
				ticks[i].Label = strconv.FormatFloat(t.Value, 'g', 4, 64)
			}
		}
	}
	return ticks
}

// addLine adds a line through xys to p, with a legend entry when name is set.
func addLine(p *plot.Plot, name string, xys plotter.XYs, c color.Color, width float64, dashed bool) error {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	l.Color = c
	l.Width = vg.Points(width)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	p.Add(l)
	if name != "" {
		p.Legend.Add(name, l)
	}
	return nil
}

// svgOf draws p and returns it as an inline <svg> element for an HTML page:
// the XML prelude is dropped, the fonts fall back to common sans-serif faces,
// and the element is labelled for screen readers. A panic in the plotting
// library is returned as an error, so that one bad chart cannot sink the page.
func svgOf(p *plot.Plot, label string, w, h float64) (svg string, err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("chart %q: %v", label, e)
		}
	}()
	c := vgsvg.New(vg.Points(w), vg.Points(h))
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", fmt.Errorf("chart %q: %w", label, err)
	}
	s := b.String()
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	s = svgFontFamily.ReplaceAllString(s, `font-family:'Liberation Sans',Arial,Helvetica,sans-serif;`)
	s = strings.Replace(s, "<svg ", `<svg class="chart" role="img" aria-label="`+htmlAttr(label)+`" `, 1)
	return strings.TrimSpace(s), nil
}

// svgFontFamily matches the font families the SVG backend writes.
var svgFontFamily = regexp.MustCompile(`font-family:Liberation [A-Za-z]+;`)

// htmlAttr escapes s for a double-quoted HTML attribute.
func htmlAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", `"`, "&quot;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// spectrumChart plots the latency percentile spectrum of the whole run, the
// HdrHistogram "percentile distribution": x is 1/(1-q) on a log axis
// labelled 50%, 90%, 99%…, y is milliseconds. Latency (from the scheduled
// send) and service time (from the actual send) are drawn together: where
// latency rises above service time, requests waited to be sent, which is
// the coordinated omission that latency corrects. It returns "" when the
// report holds no latency histogram.
func spectrumChart(r *Report) (string, error) {
	lat, err := DecodeHistogram(r.Histograms.Latency)
	if err != nil {
		return "", fmt.Errorf("latency: %w", err)
	}
	svc, err := DecodeHistogram(r.Histograms.Service)
	if err != nil {
		return "", fmt.Errorf("service: %w", err)
	}
	if lat == nil || lat.TotalCount() == 0 {
		return "", nil
	}
	p := newChart("percentile", "milliseconds")
	p.X.Scale = plot.LogScale{}
	var xMax float64 = 1
	for _, s := range []struct {
		name string
		h    *hdr.Histogram
		col  color.Color
	}{
		{"latency (from scheduled send)", lat, colLatency},
		{"service time (from actual send)", svc, colService},
	} {
		pts := spectrum(s.h)
		if len(pts) == 0 {
			continue
		}
		n := float64(s.h.TotalCount())
		xys := make(plotter.XYs, len(pts))
		for i, pt := range pts {
			x := n
			if pt.Q < 1 {
				x = 1 / (1 - pt.Q)
			}
			xys[i] = plotter.XY{X: x, Y: pt.Ms}
		}
		xMax = max(xMax, n)
		if err := addLine(p, s.name, xys, s.col, 1.8, false); err != nil {
			return "", err
		}
	}
	p.X.Min, p.X.Max = 1, xMax
	p.Y.Min = 0
	p.X.Tick.Marker = percentileTicks{}
	return svgOf(p, "latency percentile spectrum", wideWidth, wideHeight)
}

// percentileTicks labels a 1/(1-q) log axis with percentiles: 1 is 0%, 2 is
// 50%, 10 is 90%, 100 is 99% and so on, one decade per nine.
type percentileTicks struct{}

// Ticks returns the percentile ticks between min and max.
func (percentileTicks) Ticks(min, max float64) []plot.Tick {
	ticks := []plot.Tick{{Value: 1, Label: "0%"}, {Value: 2, Label: "50%"}}
	for d := 1; ; d++ {
		x := math.Pow(10, float64(d))
		if x > max*1.0001 {
			break
		}
		ticks = append(ticks, plot.Tick{Value: x, Label: percentileLabel(d)})
	}
	var out []plot.Tick
	for _, t := range ticks {
		if t.Value >= min && t.Value <= max*1.0001 {
			out = append(out, t)
		}
	}
	return out
}

// percentileLabel returns the label of 10^d on a 1/(1-q) axis: 90%, 99%, 99.9%…
func percentileLabel(d int) string {
	switch d {
	case 1:
		return "90%"
	case 2:
		return "99%"
	}
	return "99." + strings.Repeat("9", d-2) + "%"
}

// intervalMid returns the middle of an interval in seconds from the start.
func intervalMid(iv Interval) float64 { return iv.StartS + iv.DurationS/2 }

// perSecond divides a count by an interval's duration.
func perSecond(n int64, iv Interval) float64 {
	if iv.DurationS <= 0 {
		return 0
	}
	return float64(n) / iv.DurationS
}

// latencyOverTimeChart plots p50, p90, p99 and max latency per interval.
func latencyOverTimeChart(r *Report) (string, error) {
	var p50, p90, p99, mx plotter.XYs
	for _, iv := range r.Intervals {
		if iv.LatencyMs.Count == 0 && iv.LatencyMs.Max == 0 {
			continue
		}
		x := intervalMid(iv)
		p50 = append(p50, plotter.XY{X: x, Y: iv.LatencyMs.P50})
		p90 = append(p90, plotter.XY{X: x, Y: iv.LatencyMs.P90})
		p99 = append(p99, plotter.XY{X: x, Y: iv.LatencyMs.P99})
		mx = append(mx, plotter.XY{X: x, Y: iv.LatencyMs.Max})
	}
	if len(p50) == 0 {
		return "", nil
	}
	p := newChart("seconds since start", "milliseconds")
	for _, l := range []struct {
		name string
		xys  plotter.XYs
		col  color.Color
		dash bool
	}{{"max", mx, colMax, true}, {"p99", p99, colP99, false}, {"p90", p90, colP90, false}, {"p50", p50, colP50, false}} {
		if err := addLine(p, l.name, l.xys, l.col, 1.5, l.dash); err != nil {
			return "", err
		}
	}
	fitTime(p, r)
	fitY(p)
	return svgOf(p, "latency over time", smallWidth, smallHeight)
}

// legendRoom is how far the y axis of a chart over time extends above its
// highest point, so that the legend in the top left corner stays clear.
const legendRoom = 1.4

// fitY starts the y axis at zero and leaves room for the legend above the data.
func fitY(p *plot.Plot) {
	p.Y.Min = 0
	if p.Y.Max <= 0 {
		p.Y.Max = 1
	}
	p.Y.Max *= legendRoom
}

// fitTime sets the x axis to the span of the intervals.
func fitTime(p *plot.Plot, r *Report) {
	if len(r.Intervals) == 0 {
		return
	}
	first, last := r.Intervals[0], r.Intervals[len(r.Intervals)-1]
	p.X.Min = first.StartS
	p.X.Max = max(last.StartS+last.DurationS, first.StartS+1e-3)
}

// rateChart plots the target rate against the sent and completed rates.
func rateChart(r *Report) (string, error) {
	if len(r.Intervals) == 0 {
		return "", nil
	}
	var target, sent, done plotter.XYs
	for _, iv := range r.Intervals {
		x := intervalMid(iv)
		target = append(target, plotter.XY{X: x, Y: iv.TargetRate})
		sent = append(sent, plotter.XY{X: x, Y: perSecond(iv.Sent, iv)})
		done = append(done, plotter.XY{X: x, Y: perSecond(iv.Completed, iv)})
	}
	p := newChart("seconds since start", "requests per second")
	if err := addLine(p, "target", target, colTarget, 2.5, true); err != nil {
		return "", err
	}
	if err := addLine(p, "sent", sent, colSent, 1.5, false); err != nil {
		return "", err
	}
	if err := addLine(p, "completed", done, colDone, 1.5, false); err != nil {
		return "", err
	}
	fitTime(p, r)
	fitY(p)
	return svgOf(p, "target and achieved rate over time", smallWidth, smallHeight)
}

// inFlightChart plots the requests in flight at the end of each interval.
func inFlightChart(r *Report) (string, error) {
	if len(r.Intervals) == 0 {
		return "", nil
	}
	xys := make(plotter.XYs, len(r.Intervals))
	for i, iv := range r.Intervals {
		xys[i] = plotter.XY{X: intervalMid(iv), Y: float64(iv.InFlight)}
	}
	p := newChart("seconds since start", "requests in flight")
	if err := addLine(p, "", xys, colFlight, 1.5, false); err != nil {
		return "", err
	}
	fitTime(p, r)
	fitY(p)
	return svgOf(p, "requests in flight over time", smallWidth, smallHeight)
}

// statusChart stacks the rate of each status, and of transport errors, per
// interval: the topmost band's edge is the completed-or-failed rate.
func statusChart(r *Report) (string, error) {
	if len(r.Intervals) == 0 {
		return "", nil
	}
	all := map[string]int64{}
	for _, iv := range r.Intervals {
		for k, n := range iv.Status {
			all[k] += n
		}
	}
	keys := statusKeysSorted(all)
	type band struct {
		name string
		col  color.Color
		val  func(Interval) float64
	}
	var bands []band
	for i, k := range keys {
		bands = append(bands, band{k, statusColor(k, i), func(iv Interval) float64 { return perSecond(iv.Status[k], iv) }})
	}
	var errs int64
	for _, iv := range r.Intervals {
		errs += iv.Errors
	}
	if errs > 0 {
		bands = append(bands, band{"transport error", colError, func(iv Interval) float64 { return perSecond(iv.Errors, iv) }})
	}
	if len(bands) == 0 {
		return "", nil
	}
	// cum[b][i] is the top of band b in interval i: the sum of bands 0..b.
	cum := make([]plotter.XYs, len(bands))
	for b := range bands {
		cum[b] = make(plotter.XYs, len(r.Intervals))
		for i, iv := range r.Intervals {
			y := bands[b].val(iv)
			if b > 0 {
				y += cum[b-1][i].Y
			}
			cum[b][i] = plotter.XY{X: intervalMid(iv), Y: y}
		}
	}
	p := newChart("seconds since start", "responses per second")
	// Draw the highest band first: each fill covers everything below its
	// edge, and the next band paints over its own part.
	for b := len(bands) - 1; b >= 0; b-- {
		l, err := plotter.NewLine(cum[b])
		if err != nil {
			return "", err
		}
		l.FillColor = bands[b].col
		l.Color = color.White
		l.Width = vg.Points(0.5)
		p.Add(l)
	}
	for _, b := range bands {
		p.Legend.Add(b.name, legendSwatch{b.col})
	}
	fitTime(p, r)
	fitY(p)
	return svgOf(p, "status mix over time", smallWidth, smallHeight)
}

// legendSwatch is a legend thumbnail: a filled square.
type legendSwatch struct{ c color.Color }

// Thumbnail draws the swatch.
func (s legendSwatch) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y},
		{X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y},
	}
	c.FillPolygon(s.c, pts)
}

// statusColors gives each documented status its own colour: green for
// success, blues and purples for client errors, orange for load shedding,
// red for server errors.
var statusColors = map[int]color.RGBA{
	200: {R: 0x6c, G: 0xc4, B: 0x82, A: 0xff},
	204: {R: 0x34, G: 0xa8, B: 0x53, A: 0xff},
	400: {R: 0x3b, G: 0x82, B: 0xf6, A: 0xff},
	401: {R: 0x8b, G: 0x5c, B: 0xf6, A: 0xff},
	403: {R: 0xc0, G: 0x84, B: 0xfc, A: 0xff},
	404: {R: 0x06, G: 0xb6, B: 0xd4, A: 0xff},
	409: {R: 0x63, G: 0x66, B: 0xf1, A: 0xff},
	429: {R: 0xf5, G: 0x9e, B: 0x0b, A: 0xff},
	500: {R: 0xdc, G: 0x26, B: 0x26, A: 0xff},
	503: {R: 0xf9, G: 0x73, B: 0x16, A: 0xff},
}

// statusColor picks the colour of a status band: its own for a documented
// status, else a shade by class that varies with the band's position i.
func statusColor(status string, i int) color.Color {
	code, err := strconv.Atoi(status)
	if err != nil {
		return colError
	}
	if c, ok := statusColors[code]; ok {
		return c
	}
	pick := func(cs ...color.RGBA) color.Color { return cs[i%len(cs)] }
	switch {
	case code >= 200 && code < 300:
		return pick(color.RGBA{R: 0x86, G: 0xef, B: 0xac, A: 0xff}, color.RGBA{R: 0x15, G: 0x80, B: 0x3d, A: 0xff})
	case code >= 400 && code < 500:
		return pick(color.RGBA{R: 0x93, G: 0xc5, B: 0xfd, A: 0xff}, color.RGBA{R: 0x1e, G: 0x40, B: 0xaf, A: 0xff},
			color.RGBA{R: 0x67, G: 0xe8, B: 0xf9, A: 0xff})
	case code >= 500:
		return pick(color.RGBA{R: 0x99, G: 0x1b, B: 0x1b, A: 0xff}, color.RGBA{R: 0xf8, G: 0x71, B: 0x71, A: 0xff})
	}
	return color.RGBA{R: 0x9c, G: 0xa3, B: 0xaf, A: 0xff}
}
