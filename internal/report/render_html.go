package report

import (
	"bufio"
	"embed"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/units"
)

//go:embed html.tmpl
var htmlFS embed.FS

// htmlTemplate is report.html's template, parsed once.
var htmlTemplate = template.Must(template.New("html.tmpl").Funcs(template.FuncMap{
	"fmtCount":   units.FormatCount,
	"fmtDur":     units.FormatDurationMs,
	"fmtSeconds": units.FormatSeconds,
}).ParseFS(htmlFS, "html.tmpl"))

// RenderHTML writes report.html: one self-contained page (inline CSS and
// SVG, no script, no network fetch) with the verdict, the key figures, the
// latency percentile spectrum and the charts over time, the cases, the
// conformance matrix with its violations and curl lines, the thresholds and
// the coverage. Missing data shows as "no data".
func RenderHTML(w io.Writer, r *Report) error {
	page := newHTMLPage(r)
	bw := bufio.NewWriter(w)
	if err := htmlTemplate.Execute(bw, page); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	return bw.Flush()
}

// htmlPage is the view of a report that html.tmpl renders.
type htmlPage struct {
	R            *Report
	Title        string
	Passed       bool
	Verdict      string
	Reasons      []string
	Started      string
	Tool         string
	Figures      []htmlFigure
	Spectrum     htmlChart
	Latency      htmlChart
	CaseLatency  htmlChart
	Rate         htmlChart
	Errors       htmlChart
	InFlight     htmlChart
	Statuses     htmlChart
	Run          []htmlFact
	Timing       []htmlTiming
	TimingHeader []string
	StatusRows   []htmlStatus
	Transport    []htmlStatus
	Cases        []htmlCase
	Checks       []string
	Matrix       []htmlMatrixRow
	Violations   []htmlViolation
	Thresholds   []htmlThreshold
	Coverage     Coverage
	Phases       []Phase
}

// htmlFigure is one tile of the key figures.
type htmlFigure struct {
	Label, Value, Sub string
	Bad               bool
	Why               string // the failed thresholds on the figure, for its title
}

// htmlChart is an inline SVG chart with its legend and a note on what a
// step covers, or why it is missing.
type htmlChart struct {
	SVG     template.HTML
	Missing string
	Legend  []htmlLegend
	Note    string
}

// htmlLegend is one legend entry of a chart.
type htmlLegend struct {
	Label string
	Kind  string // line, dash, band or swatch
	Style template.CSS
	Bad   bool
}

// htmlFact is one row of the run's facts: tool, host, scenario file.
type htmlFact struct {
	Key, Value string
	Mono       bool
}

// htmlTiming is one row of the timing table.
type htmlTiming struct {
	Name, Note string
	Cells      []string
}

// htmlStatus is one status with its share and colour swatch.
type htmlStatus struct {
	Code, Count, Share string
	Style              template.CSS
}

// htmlCase is one row of the cases table.
type htmlCase struct {
	Name, Expected, Requests, Completed, P50, P99, Max, Failed string
	Bad                                                        bool
	Bar                                                        []htmlStatus
}

// htmlMatrixRow is one case of the conformance matrix.
type htmlMatrixRow struct {
	Case  string
	Cells []htmlCell
}

// htmlCell is one (case, check) cell of the conformance matrix.
type htmlCell struct {
	Applied        bool
	Passed, Failed string
	Bad            bool
	Link           string
}

// htmlViolation is one violation with its anchor.
type htmlViolation struct {
	ID                         string
	Check, Case, Status, Count string
	Message, Curl              string
	StatusText, ExamplesLabel  string
	Examples                   []htmlExample
}

// htmlExample is one kept example of a violation.
type htmlExample struct {
	Seq, At, Status, Detail, Curl string
}

// htmlThreshold is one threshold row.
type htmlThreshold struct {
	Expr, Value, Error string
	Pass               bool
}

// timingHeader names the columns of the timing table.
var timingHeader = []string{"count", "min", "mean", "p50", "p90", "p95", "p99", "p99.9", "max"}

func newHTMLPage(r *Report) *htmlPage {
	p := &htmlPage{
		R:            r,
		Title:        "wrtcbench " + r.Scenario.Name + ": " + resultWord(r),
		Passed:       r.Passed,
		Verdict:      verdictText(r),
		Started:      "-",
		Coverage:     r.Coverage,
		Phases:       r.Phases,
		Checks:       matrixChecks(r),
		TimingHeader: timingHeader,
	}
	if !r.Started.IsZero() {
		p.Started = r.Started.UTC().Format(time.RFC3339)
	}
	p.Tool = strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version)
	p.Reasons = htmlReasons(r)
	p.Figures = htmlFigures(r)
	p.Spectrum = htmlChartOf(spectrumChart(r))
	ivs := chartIntervals(r, smallWidth) // joined once, for every chart over time
	p.Latency = htmlChartOf(latencyOverTimeChart(r, ivs))
	p.CaseLatency = htmlChartOf(caseLatencyChart(r, ivs))
	p.Rate = htmlChartOf(rateChart(r, ivs))
	p.Errors = htmlChartOf(errorChart(r, ivs))
	p.InFlight = htmlChartOf(inFlightChart(r, ivs))
	p.Statuses = htmlChartOf(statusChart(r, ivs))
	p.Run = htmlRunFacts(r)
	for _, t := range []struct {
		name, note string
		s          Summary
	}{
		{"latency", "from the scheduled send (coordinated omission corrected)", r.LatencyMs},
		{"service", "from the actual send", r.ServiceMs},
		{"lag", "actual send minus scheduled send", r.LagMs},
	} {
		p.Timing = append(p.Timing, htmlTiming{Name: t.name, Note: t.note, Cells: summaryCells(t.s)})
	}
	p.StatusRows = htmlStatuses(r.Status)
	for _, k := range mapKeysSorted(r.TransportErrors) {
		p.Transport = append(p.Transport, htmlStatus{Code: k, Count: units.FormatCount(r.TransportErrors[k]),
			Share: units.FormatShare(r.TransportErrors[k], r.Requests.Sent)})
	}
	vIndex := map[[2]string]string{}
	for i, v := range r.Violations {
		hv := htmlViolation{
			ID: "v" + strconv.Itoa(i+1), Check: v.Check, Case: v.Case, Status: statusLabel(v.Status),
			Count: units.FormatCount(v.Count), Message: v.Message, Curl: v.Curl, StatusText: "no response",
			ExamplesLabel: pluralize(len(v.Examples), "kept example", "kept examples"),
		}
		if v.Status != 0 {
			hv.StatusText = "status " + strconv.Itoa(v.Status)
		}
		for _, e := range v.Examples {
			d := e.Body
			if e.Error != "" {
				d = e.Error
			}
			hv.Examples = append(hv.Examples, htmlExample{Seq: strconv.FormatUint(e.Seq, 10), At: units.FormatDurationMs(e.AtMs),
				Status: statusLabel(e.Status), Detail: d, Curl: e.Curl})
		}
		p.Violations = append(p.Violations, hv)
		if _, ok := vIndex[[2]string{v.Case, v.Check}]; !ok {
			vIndex[[2]string{v.Case, v.Check}] = "#" + hv.ID
		}
	}
	for _, c := range r.Cases {
		failed := caseFailed(c)
		p.Cases = append(p.Cases, htmlCase{
			Name: c.Name, Expected: fmtInts(c.Expected, "-"), Requests: units.FormatCount(c.Requests), Completed: units.FormatCount(c.Completed),
			P50: units.FormatMs(c.LatencyMs.P50), P99: units.FormatMs(c.LatencyMs.P99), Max: units.FormatMs(c.LatencyMs.Max),
			Failed: units.FormatCount(failed), Bad: failed > 0, Bar: htmlStatuses(c.Status),
		})
		row := htmlMatrixRow{Case: c.Name}
		for _, name := range p.Checks {
			n, ok := c.Checks[name]
			cell := htmlCell{Applied: ok && n.Passed+n.Failed > 0, Passed: units.FormatCount(n.Passed), Failed: units.FormatCount(n.Failed), Bad: n.Failed > 0}
			if cell.Bad {
				cell.Link = vIndex[[2]string{c.Name, name}]
			}
			row.Cells = append(row.Cells, cell)
		}
		p.Matrix = append(p.Matrix, row)
	}
	for _, t := range r.Thresholds {
		p.Thresholds = append(p.Thresholds, htmlThreshold{Expr: t.Expr, Value: fmtThresholdValue(t), Error: t.Error, Pass: t.Pass})
	}
	return p
}

// htmlChartOf wraps a chart, or the reason it is missing.
func htmlChartOf(c chart, err error) htmlChart {
	switch {
	case err != nil:
		return htmlChart{Missing: "chart unavailable: " + err.Error()}
	case c.SVG == "":
		return htmlChart{Missing: "no data"}
	}
	// The SVG comes from the plotting library, which escapes every text it draws.
	h := htmlChart{SVG: template.HTML(c.SVG), Note: c.Note}
	for _, l := range c.Legend {
		h.Legend = append(h.Legend, htmlLegend{Label: l.Label, Kind: l.Kind, Bad: l.Bad,
			Style: template.CSS("--c:" + cssColor(l.Color))})
	}
	return h
}

// htmlReasons lists why the run failed, or what holds when it passed.
func htmlReasons(r *Report) []string {
	var out []string
	for _, name := range failingChecks(r) {
		out = append(out, "check "+name+" failed "+units.FormatCount(r.Checks[name].Failed)+"×")
	}
	for _, t := range failingThresholds(r) {
		if t.Error != "" {
			out = append(out, "threshold "+t.Expr+" could not be evaluated")
		} else {
			out = append(out, "threshold "+t.Expr+" did not hold ("+fmtThresholdValue(t)+")")
		}
	}
	if r.Load.Behind {
		out = append(out, "the load generator fell behind its schedule: its timing verdicts are not valid")
	}
	if r.Interrupted {
		out = append(out, "the run was interrupted")
	}
	if len(out) == 0 && r.Passed {
		out = append(out, units.FormatCount(int64(len(r.Checks)))+" checks and "+units.FormatCount(int64(len(r.Thresholds)))+" thresholds held")
	}
	return out
}

// htmlFigures returns the key figures.
func htmlFigures(r *Report) []htmlFigure {
	l, q := r.Load, r.Requests
	ach := htmlFigure{Label: "achieved rate", Value: units.FormatPerSecond(l.AchievedRate), Sub: "target " + units.FormatPerSecond(l.TargetRate)}
	if l.Model == "closed" {
		ach.Sub = "closed model, " + pluralize(l.Concurrency, "worker", "workers")
	}
	if l.TargetRate > 0 {
		ach.Sub += " · " + units.FormatPercent(l.AchievedRate/l.TargetRate)
		ach.Bad = l.AchievedRate < 0.95*l.TargetRate
	}
	var checksFailed int64
	for _, c := range r.Checks {
		checksFailed += c.Failed
	}
	figs := []htmlFigure{
		ach,
		{Label: "requests", Value: units.FormatCount(q.Completed), Sub: "completed of " + units.FormatCount(q.Sent) + " sent"},
		{Label: "latency p50", Value: units.FormatDurationMs(r.LatencyMs.P50), Sub: "service " + units.FormatDurationMs(r.ServiceMs.P50)},
		{Label: "latency p99", Value: units.FormatDurationMs(r.LatencyMs.P99), Sub: "service " + units.FormatDurationMs(r.ServiceMs.P99)},
		{Label: "latency p99.9", Value: units.FormatDurationMs(r.LatencyMs.P99_9), Sub: "max " + units.FormatDurationMs(r.LatencyMs.Max)},
		{Label: "check failures", Value: units.FormatCount(checksFailed), Sub: pluralize(len(r.Violations), "violation kind", "violation kinds"), Bad: checksFailed > 0},
		{Label: "transport errors", Value: units.FormatCount(q.TransportErrors), Sub: "dropped " + units.FormatCount(q.Dropped), Bad: q.TransportErrors+q.Dropped > 0},
		{Label: "in flight", Value: units.FormatCount(l.MaxInFlightSeen), Sub: "max seen", Bad: l.Behind},
	}
	figureThresholds(r, figs)
	return figs
}

// summaryCells formats a summary for the timing table.
func summaryCells(s Summary) []string {
	if s.Count == 0 && s.Max == 0 {
		return []string{"0", "-", "-", "-", "-", "-", "-", "-", "-"}
	}
	return []string{units.FormatCount(s.Count), units.FormatMs(s.Min), units.FormatMs(s.Mean), units.FormatMs(s.P50), units.FormatMs(s.P90),
		units.FormatMs(s.P95), units.FormatMs(s.P99), units.FormatMs(s.P99_9), units.FormatMs(s.Max)}
}

// htmlStatuses lists the statuses of m with their shares and colours.
func htmlStatuses(m map[string]int64) []htmlStatus {
	var total int64
	for _, n := range m {
		total += n
	}
	var out []htmlStatus
	for i, k := range statusKeysSorted(m) {
		share := 0.0
		if total > 0 {
			share = 100 * float64(m[k]) / float64(total)
		}
		out = append(out, htmlStatus{
			Code: k, Count: units.FormatCount(m[k]), Share: units.FormatShare(m[k], total),
			Style: template.CSS("width:" + strconv.FormatFloat(share, 'f', 2, 64) + "%;background:" + cssColor(statusColor(k, i))),
		})
	}
	return out
}

// cssColor formats a colour as #rrggbb, or rgba() when it is translucent.
func cssColor(c color.Color) string {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	if n.A < 0xff {
		return fmt.Sprintf("rgba(%d,%d,%d,%.2f)", n.R, n.G, n.B, float64(n.A)/0xff)
	}
	return fmt.Sprintf("#%02x%02x%02x", n.R, n.G, n.B)
}
