package report

import (
	"bytes"
	"fmt"
	"image/color"
	"regexp"
	"strings"

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
	smallWidth, smallHeight = 440, 240 // the charts over time, two per row
)

// chartFont is the face of every chart's text. The SVG names it
// "Liberation Sans", and the page falls back to metric-compatible Arial.
var chartFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// The chart palette.
var (
	colLatency = color.RGBA{R: 0xd9, G: 0x48, B: 0x1c, A: 0xff}  // latency from the scheduled send
	colService = color.NRGBA{R: 0x1f, G: 0x6f, B: 0xd1, A: 0x70} // service time from the actual send, under it
	colP50     = color.RGBA{R: 0x2e, G: 0x9e, B: 0x6b, A: 0xff}
	colP90     = color.RGBA{R: 0xe0, G: 0xa1, B: 0x1b, A: 0xff}
	colP99     = color.RGBA{R: 0xd9, G: 0x48, B: 0x1c, A: 0xff}
	colMax     = color.RGBA{R: 0x7a, G: 0x2e, B: 0x8e, A: 0xff}
	colTarget  = color.RGBA{R: 0x6b, G: 0x72, B: 0x80, A: 0xff}
	colSent    = color.RGBA{R: 0x1f, G: 0x6f, B: 0xd1, A: 0xff}
	colDone    = color.RGBA{R: 0x2e, G: 0x9e, B: 0x6b, A: 0xff}
	colFlight  = color.RGBA{R: 0x7a, G: 0x2e, B: 0x8e, A: 0xff}
	colCap     = color.RGBA{R: 0x9c, G: 0xa3, B: 0xaf, A: 0xff}
	colError   = color.RGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xff}
	colFailed  = color.RGBA{R: 0xdc, G: 0x26, B: 0x26, A: 0xff}
	colGrid    = color.RGBA{R: 0xe5, G: 0xe7, B: 0xeb, A: 0xff}
	colAxis    = color.RGBA{R: 0x4b, G: 0x55, B: 0x63, A: 0xff}
	colWarmup  = color.RGBA{R: 0xf3, G: 0xf4, B: 0xf6, A: 0xff}
	colBound   = color.RGBA{R: 0xb9, G: 0x1c, B: 0x1c, A: 0xff} // a threshold's bound
	colBoundOK = color.RGBA{R: 0x15, G: 0x80, B: 0x3d, A: 0xff} // a threshold that held
)

// caseColors tell the cases of the per-case chart apart, in mix order.
var caseColors = []color.RGBA{
	{R: 0x1f, G: 0x6f, B: 0xd1, A: 0xff}, {R: 0xd9, G: 0x48, B: 0x1c, A: 0xff}, {R: 0x2e, G: 0x9e, B: 0x6b, A: 0xff},
	{R: 0x7a, G: 0x2e, B: 0x8e, A: 0xff}, {R: 0xe0, G: 0xa1, B: 0x1b, A: 0xff}, {R: 0x06, G: 0xb6, B: 0xd4, A: 0xff},
	{R: 0x6b, G: 0x72, B: 0x80, A: 0xff}, {R: 0xdb, G: 0x27, B: 0x77, A: 0xff},
}

// chart is one rendered chart: its SVG, the legend the page draws above it
// (HTML text, legible at any width, never overlapping) and a note on what
// a point covers.
type chart struct {
	SVG    string
	Legend []legendItem
	Note   string
}

// legendItem is one entry of a chart's legend.
type legendItem struct {
	Label string
	Color color.Color
	Kind  string // line, dash (a dashed line), band (a shaded span) or swatch (a filled square)
	Bad   bool   // a threshold that did not hold
}

// newChart returns a plot with the page's fonts, colours and a light grid.
func newChart(xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.BackgroundColor = color.Transparent
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(chartFont, 10.5)
		ax.Label.TextStyle.Color = colAxis
		ax.Tick.Label.Font = font.From(chartFont, 10)
		ax.Tick.Label.Color = colAxis
		ax.Color = colAxis
		ax.Tick.Color = colAxis
		ax.Padding = 0
	}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	grid := plotter.NewGrid()
	grid.Vertical.Color = colGrid
	grid.Horizontal.Color = colGrid
	grid.Vertical.Width = vg.Points(0.5)
	grid.Horizontal.Width = vg.Points(0.5)
	p.Add(grid)
	return p
}

// line returns a line through xys, dashed when asked.
func line(xys plotter.XYs, c color.Color, width float64, dashed bool) (*plotter.Line, error) {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, err
	}
	l.Color = c
	l.Width = vg.Points(width)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	return l, nil
}

// addLine adds a line through xys to p and its entry to the legend when
// label is set.
func (c *chart) addLine(p *plot.Plot, label string, xys plotter.XYs, col color.Color, width float64, dashed bool) error {
	if len(xys) == 0 {
		return nil
	}
	l, err := line(xys, col, width, dashed)
	if err != nil {
		return err
	}
	p.Add(l)
	if label != "" {
		kind := "line"
		if dashed {
			kind = "dash"
		}
		c.Legend = append(c.Legend, legendItem{Label: label, Color: col, Kind: kind})
	}
	return nil
}

// addBound draws a threshold's bound as a horizontal dashed line across
// [xmin, xmax], red when it did not hold, with its legend entry.
func (c *chart) addBound(p *plot.Plot, t Threshold, y, xmin, xmax float64) error {
	col := colBoundOK
	if !t.Pass {
		col = colBound
	}
	l, err := line(plotter.XYs{{X: xmin, Y: y}, {X: xmax, Y: y}}, col, 1.3, true)
	if err != nil {
		return err
	}
	l.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
	p.Add(l)
	mark := "✓ "
	if !t.Pass {
		mark = "✗ "
	}
	c.Legend = append(c.Legend, legendItem{Label: mark + t.Expr, Color: col, Kind: "dash", Bad: !t.Pass})
	return nil
}

// addWarmup shades the warm-up, from the start to warmupS, across the
// y range [ymin, ymax]; it draws nothing without a warm-up.
func (c *chart) addWarmup(p *plot.Plot, warmupS, ymin, ymax float64) error {
	if warmupS <= 0 {
		return nil
	}
	poly, err := plotter.NewPolygon(plotter.XYs{{X: 0, Y: ymin}, {X: warmupS, Y: ymin}, {X: warmupS, Y: ymax}, {X: 0, Y: ymax}})
	if err != nil {
		return err
	}
	poly.Color = colWarmup
	poly.LineStyle.Width = 0
	// Under everything else but the grid.
	p.Add(poly)
	c.Legend = append(c.Legend, legendItem{Label: "warm-up (not in the figures)", Color: colWarmup, Kind: "band"})
	return nil
}

// boundsOf returns the thresholds of r on metric for the whole run (no
// case label) whose bound is in the given unit.
func boundsOf(r *Report, metric string) []Threshold {
	var out []Threshold
	for _, t := range r.Thresholds {
		if t.Metric == metric && t.Case == "" && t.Error == "" {
			out = append(out, t)
		}
	}
	return out
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
