package report

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// TestRenderHTMLInBrowser opens report.html in headless Chromium and checks
// that it renders without errors or network requests, with its charts and
// verdict, that no two legend entries of a chart overlap and that every
// chart has tick labels on both axes, apart from each other. It does so for
// the fixture, an empty run, a failing ramp against a target with faults
// and a closed-model run, at a desktop and a phone width, and saves a
// full-page screenshot of each to $WRTC_ARTIFACTS, or to a temporary folder
// whose path it logs.
func TestRenderHTMLInBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s not found; install it with apt-get install -y chromium to run the browser test", chromiumPath)
	}
	if testing.Short() {
		t.Skip("the browser test is skipped in -short mode")
	}
	for _, tc := range []struct {
		name    string
		r       *Report
		charts  int
		verdict string
	}{
		{"fixture", fixtureReport(t), 7, "failed: 3 checks failed, 3 thresholds failed"},
		{"empty", emptyReport(), 0, "passed: nothing ran"},
		{"ramp-faults", rampReport(t), 7, ""},
		{"closed", closedReport(t), 7, ""},
	} {
		if tc.verdict == "" {
			tc.verdict = tc.r.Verdict
		}
		for _, width := range []int{1300, 420} {
			t.Run(tc.name+"/"+strconv.Itoa(width), func(t *testing.T) { checkInBrowser(t, tc.r, tc.charts, tc.verdict, width) })
		}
	}
}

// legendOverlaps lists the pairs of legend entries of a chart whose boxes
// overlap, and the entries whose text is cut.
const legendOverlaps = `(() => {
  const bad = [];
  document.querySelectorAll("ul.keys").forEach((ul, u) => {
    const items = Array.from(ul.querySelectorAll("li"));
    const boxes = items.map(li => li.getBoundingClientRect());
    for (let i = 0; i < boxes.length; i++) {
      if (items[i].scrollWidth > items[i].clientWidth + 1) bad.push("cut: " + items[i].textContent);
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        const ox = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const oy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (ox > 0.5 && oy > 0.5) bad.push(items[i].textContent + " overlaps " + items[j].textContent);
      }
    }
  });
  return bad;
})()`

// chartTicks finds, in every chart, the tick labels of each axis: the texts
// below the plot (x) and left of it (y), set horizontally, axis titles
// aside; and whether two labels of one axis overlap.
const chartTicks = `Array.from(document.querySelectorAll("svg.chart")).map(svg => {
  const r = svg.getBoundingClientRect();
  const titles = /since start|percentile|latency|per second|share of|in flight/;
  const texts = Array.from(svg.querySelectorAll("text"))
    .map(t => ({s: t.textContent.trim(), b: t.getBoundingClientRect()}))
    .filter(t => t.s !== "" && !titles.test(t.s) && t.b.width >= t.b.height * 0.8);
  const cy = t => (t.b.top + t.b.bottom) / 2, cx = t => (t.b.left + t.b.right) / 2;
  const xs = texts.filter(t => cy(t) > r.top + 0.8 * r.height).sort((a, b) => a.b.left - b.b.left);
  const ys = texts.filter(t => cx(t) < r.left + 0.2 * r.width && cy(t) <= r.top + 0.88 * r.height).sort((a, b) => a.b.top - b.b.top);
  const overlap = (ts, horiz) => ts.some((t, i) => i > 0 && (horiz ? ts[i-1].b.right > t.b.left + 0.5 : ts[i-1].b.bottom > t.b.top + 0.5));
  return {chart: svg.getAttribute("aria-label"), x: xs.map(t => t.s), y: ys.map(t => t.s),
    overlap: overlap(xs, true) || overlap(ys, false)};
})`

// axisTicks is what chartTicks finds for one chart.
type axisTicks struct {
	Chart   string   `json:"chart"`
	X       []string `json:"x"`
	Y       []string `json:"y"`
	Overlap bool     `json:"overlap"`
}

func checkInBrowser(t *testing.T, r *Report, wantCharts int, wantVerdict string, width int) {
	page := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := RenderHTML(f, r); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	var (
		mu       sync.Mutex
		problems []string
		requests []string
	)
	// Listen starts the browser and sees every event of the tab from here on.
	err = chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, a.Description+string(a.Value))
				}
				problems = append(problems, "console."+string(ev.Type)+": "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				problems = append(problems, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			requests = append(requests, ev.Request.URL)
		}
	})
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("chromium: %v", err)
		}
	}
	must(chromedp.Do(bctx,
		chromedp.EmulateViewport(int64(width), 900),
		chromedp.Navigate("file://"+page),
		chromedp.WaitReady(chromedp.CSS("body")),
	))
	verdict, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#verdict .verdict")))
	must(err)
	svgs, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("svg").length`))
	must(err)
	// A chart with content: drawn paths and text, and a real size on the page.
	charts, err := chromedp.Run(bctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("svg")).filter(s =>
		s.querySelectorAll("path").length > 3 && s.querySelectorAll("text").length > 3 &&
		s.getBoundingClientRect().width > 200 && s.getBoundingClientRect().height > 100).length`))
	must(err)
	location, err := chromedp.Run(bctx, chromedp.Location())
	must(err)
	overlaps, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](legendOverlaps))
	must(err)
	ticks, err := chromedp.Run(bctx, chromedp.Evaluate[[]axisTicks](chartTicks))
	must(err)
	scrollWidth, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	must(err)
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	must(err)

	dir := os.Getenv("WRTC_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shotPath := filepath.Join(dir, "report-"+r.Scenario.Name+"-"+strconv.Itoa(width)+".png")
	if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", shotPath, len(shot))

	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser: %s", p)
	}
	if len(requests) == 0 {
		t.Error("saw no network request at all; the listener is not working")
	}
	for _, u := range requests {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
			t.Errorf("the page requested %s: it must not leave file://", u)
		}
	}
	if !strings.HasPrefix(location, "file://") {
		t.Errorf("the page ended up at %s", location)
	}
	if strings.TrimSpace(verdict) != wantVerdict {
		t.Errorf("verdict text %q, want %q", verdict, wantVerdict)
	}
	if svgs < wantCharts || charts < wantCharts {
		t.Errorf("%d <svg> elements, %d charts with content; want at least %d", svgs, charts, wantCharts)
	}
	if wantCharts >= 3 && charts < 3 {
		t.Errorf("want at least 3 charts, got %d", charts)
	}
	if len(shot) < 10_000 {
		t.Errorf("screenshot of %d bytes looks empty", len(shot))
	}
	for _, o := range overlaps {
		t.Errorf("legend: %s", o)
	}
	for _, tk := range ticks {
		if len(tk.X) < 2 || len(tk.Y) < 2 {
			t.Errorf("chart %q: tick labels x %q, y %q; want at least two on each axis", tk.Chart, tk.X, tk.Y)
		}
		if tk.Overlap {
			t.Errorf("chart %q: two tick labels overlap: x %q, y %q", tk.Chart, tk.X, tk.Y)
		}
	}
	if len(ticks) != svgs {
		t.Errorf("ticks checked on %d charts of %d", len(ticks), svgs)
	}
	// Wide content (the charts, the tables) scrolls inside its card: the
	// page itself, the verdict banner first, fits the window.
	if scrollWidth > width+1 {
		t.Errorf("the page is %d px wide in a %d px window", scrollWidth, width)
	}
}
