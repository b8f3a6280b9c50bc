package report

import (
	"context"
	"os"
	"path/filepath"
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
// verdict; it saves a full-page screenshot to $WRTC_ARTIFACTS, or to a
// temporary folder whose path it logs.
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
		{"fixture", fixtureReport(t), 5, "failed: 3 checks failed, 3 thresholds failed"},
		{"empty", emptyReport(), 0, "passed: nothing ran"},
	} {
		t.Run(tc.name, func(t *testing.T) { checkInBrowser(t, tc.r, tc.charts, tc.verdict) })
	}
}

func checkInBrowser(t *testing.T, r *Report, wantCharts int, wantVerdict string) {
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
		chromedp.WindowSize(1300, 900),
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
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	must(err)

	dir := os.Getenv("WRTC_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shotPath := filepath.Join(dir, "report-"+r.Scenario.Name+".png")
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
}
