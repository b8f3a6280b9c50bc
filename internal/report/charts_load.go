package report

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// linearY sets p's y axis from 0 to a little above top (1 when top is 0).
func linearY(p *plot.Plot, top float64, suffix string) float64 {
	if top <= 0 || math.IsNaN(top) {
		top = 1
	}
	p.Y.Min, p.Y.Max = 0, top*1.12
	p.Y.Tick.Marker = plainTicks{suffix: suffix}
	return p.Y.Max
}

// sending returns the intervals of ivs up to the last that scheduled or
// sent anything: the ones after it only waited for answers, and a rate of
// sends over them would fall to zero although nothing went wrong.
func sending(ivs []Interval) []Interval {
	n := len(ivs)
	for n > 0 && ivs[n-1].Scheduled == 0 && ivs[n-1].Sent == 0 {
		n--
	}
	return ivs[:n]
}

// rateChart plots the achieved rates against the target: the requests sent
// and completed per second in each interval, as steps over its span, and
// the schedule's rate at each interval's end as a dashed line (an open
// model; a closed model has none). On a linear ramp the step of an
// interval crosses the target line at its middle. The bounds of rate
// thresholds are drawn across.
func rateChart(r *Report, ivs []Interval) (chart, error) {
	if len(ivs) == 0 {
		return chart{}, nil
	}
	p, c := overTime(r, ivs, "requests per second")
	bounds := boundsOf(r, "rate")
	var top float64
	var target plotter.XYs
	for _, iv := range ivs {
		top = max(top, perSecond(iv.Sent, iv), perSecond(iv.Completed, iv), iv.TargetRate)
		if r.Load.Model != "closed" {
			target = append(target, plotter.XY{X: intervalEnd(iv), Y: iv.TargetRate})
		}
	}
	if n := len(target); n >= 2 && target[n-1].Y == 0 && target[n-2].Y > 0 {
		target = target[:n-1] // the schedule ended within the last step: no drop to 0
	}
	for _, t := range bounds {
		top = max(top, t.Bound)
	}
	ymax := linearY(p, top, "")
	if err := c.addWarmup(p, r.Load.WarmupS, 0, ymax); err != nil {
		return c, err
	}
	sent := steps(sending(ivs), func(iv Interval) (float64, bool) { return perSecond(iv.Sent, iv), true })
	done := steps(ivs, func(iv Interval) (float64, bool) { return perSecond(iv.Completed, iv), true })
	if err := c.addLine(p, "completed", envelope(done, p.X.Min, p.X.Max, smallWidth), colDone, 1.3, false); err != nil {
		return c, err
	}
	if err := c.addLine(p, "sent", envelope(sent, p.X.Min, p.X.Max, smallWidth), colSent, 1.6, false); err != nil {
		return c, err
	}
	if err := c.addLine(p, "target, at each step's end", envelope(target, p.X.Min, p.X.Max, smallWidth), colTarget, 2, true); err != nil {
		return c, err
	}
	for _, t := range bounds {
		if err := c.addBound(p, t, t.Bound, p.X.Min, p.X.Max); err != nil {
			return c, err
		}
	}
	if r.Load.Model == "closed" && r.Load.Concurrency > 0 {
		c.Note += "; closed model, " + strconv.Itoa(r.Load.Concurrency) + " workers: no target rate"
	}
	svg, err := svgOf(p, "target and achieved rate over time", smallWidth, smallHeight)
	c.SVG = svg
	return c, err
}

// inFlightChart plots the most requests in flight within each interval, as
// steps, with the cap when the peaks come near it. Reports written before
// intervals had their maximum show the count at each interval's end.
func inFlightChart(r *Report, ivs []Interval) (chart, error) {
	if len(ivs) == 0 {
		return chart{}, nil
	}
	var peak int64
	for _, iv := range ivs {
		peak = max(peak, iv.InFlightMax)
	}
	label, value := "most in flight within the step", func(iv Interval) float64 { return float64(iv.InFlightMax) }
	if peak == 0 {
		label, value = "in flight at the end of the step", func(iv Interval) float64 { return float64(iv.InFlight) }
		for _, iv := range ivs {
			peak = max(peak, iv.InFlight)
		}
	}
	p, c := overTime(r, ivs, "requests in flight")
	limit, limitLabel := r.Load.MaxInFlight, "cap (max_in_flight)"
	if r.Load.Model == "closed" && r.Load.Concurrency > 0 {
		limit, limitLabel = r.Load.Concurrency, "workers"
	}
	showLimit := limit > 0 && float64(peak) >= 0.5*float64(limit)
	top := float64(peak)
	if showLimit {
		top = max(top, float64(limit))
	}
	ymax := linearY(p, top, "")
	if err := c.addWarmup(p, r.Load.WarmupS, 0, ymax); err != nil {
		return c, err
	}
	xys := steps(ivs, func(iv Interval) (float64, bool) { return value(iv), true })
	if err := c.addLine(p, label, envelope(xys, p.X.Min, p.X.Max, smallWidth), colFlight, 1.5, false); err != nil {
		return c, err
	}
	if showLimit {
		capLine := plotter.XYs{{X: p.X.Min, Y: float64(limit)}, {X: p.X.Max, Y: float64(limit)}}
		if err := c.addLine(p, limitLabel+" "+strconv.Itoa(limit), capLine, colCap, 1.2, true); err != nil {
			return c, err
		}
	}
	svg, err := svgOf(p, "requests in flight over time", smallWidth, smallHeight)
	c.SVG = svg
	return c, err
}

// errorChart plots, per interval, the share of its requests (answered or
// failed) that failed a check, and the share that got no answer at all, in
// percent on an axis fitted to the data, so that 0.06% is a visible line
// rather than a sliver of the status mix; with the error_rate bounds.
func errorChart(r *Report, ivs []Interval) (chart, error) {
	if len(ivs) == 0 {
		return chart{}, nil
	}
	share := func(n int64, iv Interval) (float64, bool) {
		judged := iv.Completed + iv.Errors
		if judged == 0 {
			return 0, false
		}
		return 100 * float64(n) / float64(judged), true
	}
	var top float64
	for _, iv := range ivs {
		v, _ := share(iv.Violations, iv)
		top = max(top, v)
	}
	bounds := boundsOf(r, "error_rate")
	for _, t := range bounds {
		top = max(top, 100*t.Bound)
	}
	if top == 0 {
		top = 1
	}
	p, c := overTime(r, ivs, "share of requests")
	ymax := linearY(p, top, "%")
	if err := c.addWarmup(p, r.Load.WarmupS, 0, ymax); err != nil {
		return c, err
	}
	failed := steps(ivs, func(iv Interval) (float64, bool) { return share(iv.Violations, iv) })
	transport := steps(ivs, func(iv Interval) (float64, bool) { return share(iv.Errors, iv) })
	if err := c.addLine(p, "failed a check (transport errors included)", envelope(failed, p.X.Min, p.X.Max, smallWidth), colFailed, 1.5, false); err != nil {
		return c, err
	}
	if err := c.addLine(p, "no answer (transport error)", envelope(transport, p.X.Min, p.X.Max, smallWidth), colError, 1.2, true); err != nil {
		return c, err
	}
	for _, t := range bounds {
		if err := c.addBound(p, t, 100*t.Bound, p.X.Min, p.X.Max); err != nil {
			return c, err
		}
	}
	svg, err := svgOf(p, "error rate over time", smallWidth, smallHeight)
	c.SVG = svg
	return c, err
}

// statusChart stacks the rate of each status, and of transport errors, per
// interval, as steps: the topmost band's edge is the completed-or-failed rate.
func statusChart(r *Report, ivs []Interval) (chart, error) {
	if len(ivs) == 0 {
		return chart{}, nil
	}
	all := map[string]int64{}
	var errs int64
	for _, iv := range ivs {
		addCounts(all, iv.Status)
		errs += iv.Errors
	}
	type band struct {
		name string
		col  color.Color
		val  func(Interval) float64
	}
	var bands []band
	for i, k := range statusKeysSorted(all) {
		bands = append(bands, band{k, statusColor(k, i), func(iv Interval) float64 { return perSecond(iv.Status[k], iv) }})
	}
	if errs > 0 {
		bands = append(bands, band{"transport error", colError, func(iv Interval) float64 { return perSecond(iv.Errors, iv) }})
	}
	if len(bands) == 0 {
		return chart{}, nil
	}
	// cum[b] is the top edge of band b: the sum of bands 0..b, as steps.
	cum := make([]plotter.XYs, len(bands))
	var top float64
	for b := range bands {
		cum[b] = steps(ivs, func(iv Interval) (float64, bool) {
			var y float64
			for k := 0; k <= b; k++ {
				y += bands[k].val(iv)
			}
			return y, true
		})
		for _, pt := range cum[b] {
			top = max(top, pt.Y)
		}
	}
	p, c := overTime(r, ivs, "responses per second")
	ymax := linearY(p, top, "")
	if err := c.addWarmup(p, r.Load.WarmupS, 0, ymax); err != nil {
		return c, err
	}
	// Draw the highest band first: each fill covers everything below its
	// edge, and the next band paints over its own part.
	for b := len(bands) - 1; b >= 0; b-- {
		l, err := plotter.NewLine(cum[b])
		if err != nil {
			return c, err
		}
		l.FillColor = bands[b].col
		l.Color = color.White
		l.Width = vg.Points(0.4)
		p.Add(l)
	}
	for _, b := range bands {
		c.Legend = append(c.Legend, legendItem{Label: b.name, Color: b.col, Kind: "swatch"})
	}
	svg, err := svgOf(p, "status mix over time", smallWidth, smallHeight)
	c.SVG = svg
	return c, err
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
