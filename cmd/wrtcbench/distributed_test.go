package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/wrtcbench/wrtcbench/internal/report"
)

// The script commands of the distributed and metrics scripts. Every address
// they touch is on 127.0.0.1.

// cmdFreePort sets each named variable to a TCP port on 127.0.0.1 that was
// free a moment ago: `freeport NAME...`.
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: freeport NAME...")
	}
	for _, name := range args {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		ts.Check(err)
		ts.Setenv(name, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
		ts.Check(ln.Close())
	}
}

// cmdStartAt sets NAME to the instant DURATION from now, in RFC 3339 with
// milliseconds: `startat NAME DURATION`.
func cmdStartAt(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: startat NAME DURATION")
	}
	d, err := time.ParseDuration(args[1])
	ts.Check(err)
	ts.Setenv(args[0], time.Now().Add(d).UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano))
}

// cmdWaitListen waits until ADDR accepts a connection: `waitlisten ADDR [SECONDS]`.
func cmdWaitListen(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: waitlisten ADDR [SECONDS]")
	}
	limit := 20 * time.Second
	if len(args) > 1 {
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		limit = time.Duration(n) * time.Second
	}
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", args[0], time.Second); err == nil {
			c.Close()
			return
		}
	}
	ts.Fatalf("nothing listens on %s after %s", args[0], limit)
}

// readReport reads the report.json of a result folder in the script's directory.
func readReport(ts *testscript.TestScript, dir string) *report.Report {
	r, err := report.ReadFolder(ts.MkAbs(dir))
	ts.Check(err)
	return r
}

// cmdShardsCheck checks a distributed run: `shardscheck STATS START MERGED SHARD...`.
// STATS is the target's own counts (serve --stats-out), START the --start-at
// instant. Every shard must say who it is and have started at START, their
// intervals must line up, and the merged report's answers must be the
// target's, status by status.
func cmdShardsCheck(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 4 {
		ts.Fatalf("usage: shardscheck STATS START MERGED SHARD...")
	}
	var st serveStats
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &st))
	start, err := time.Parse(time.RFC3339Nano, args[1])
	ts.Check(err)
	merged := readReport(ts, args[2])
	shards := args[3:]
	var ref *report.Report
	for i, dir := range shards {
		r := readReport(ts, dir)
		if r.Shard == nil || r.Shard.Index != i || r.Shard.Count != len(shards) {
			ts.Fatalf("%s: shard is %+v, want %d/%d", dir, r.Shard, i, len(shards))
		}
		if !r.Started.Equal(start) {
			ts.Fatalf("%s: started %s, want the --start-at instant %s", dir, r.Started, start)
		}
		if r.Scenario.Hash == "" || r.Shard.RunShape == "" {
			ts.Fatalf("%s: no scenario.hash or shard.run_shape", dir)
		}
		if ref == nil {
			ref = r
			continue
		}
		// The intervals line up: the n-th interval of every shard covers the
		// same slice of time, within half an interval (the collectors' own
		// ticks, on a busy machine).
		n := min(len(r.Intervals), len(ref.Intervals))
		if n == 0 || max(len(r.Intervals), len(ref.Intervals))-n > 1 {
			ts.Fatalf("%s has %d intervals, %s %d", dir, len(r.Intervals), shards[0], len(ref.Intervals))
		}
		for k := range n {
			a, b := ref.Intervals[k], r.Intervals[k]
			if math.Abs(a.StartS-b.StartS) > a.DurationS/2 && k < n-1 {
				ts.Fatalf("interval %d starts at %.3fs in %s and %.3fs in %s", k, a.StartS, shards[0], b.StartS, dir)
			}
		}
	}
	if !merged.Started.Equal(start) || merged.Merged == nil || merged.Merged.StartSpreadMs != 0 ||
		len(merged.Merged.Shards) != len(shards) || len(merged.Merged.Missing) != 0 {
		ts.Fatalf("merged: started %s, merged %+v", merged.Started, merged.Merged)
	}
	// What the target answered to Add Participant is what the merged run
	// counted (no seating in setup, no warm-up: every answer is measured).
	var answered uint64
	for code, n := range st.AddParticipant {
		answered += n
		if got := merged.Status[strconv.Itoa(code)]; got != int64(n) {
			ts.Fatalf("status %d: the target answered %d, the merged report counts %d", code, n, got)
		}
	}
	if answered == 0 || int64(answered) != merged.Requests.Completed {
		ts.Fatalf("the target answered %d, the merged report counts %d completed", answered, merged.Requests.Completed)
	}
}

// scrape fetches url, in the protobuf format (which carries the native
// histograms) when proto, else in the text format, and returns the
// wrtcbench families by name.
func scrape(url string, proto bool) (map[string]*dto.MetricFamily, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return nil, err
	}
	if proto {
		req.Header.Set("Accept", string(expfmt.NewFormat(expfmt.TypeProtoDelim)))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if !proto {
		p := expfmt.NewTextParser(model.UTF8Validation)
		return p.TextToMetricFamilies(resp.Body)
	}
	out := map[string]*dto.MetricFamily{}
	dec := expfmt.NewDecoder(resp.Body, expfmt.ResponseFormat(resp.Header))
	for {
		var f dto.MetricFamily
		if err := dec.Decode(&f); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		out[f.GetName()] = &f
	}
}

// series returns the values of fam keyed by the given labels' values,
// joined with "|"; a histogram's value is its count.
func series(fam *dto.MetricFamily, labels ...string) map[string]float64 {
	out := map[string]float64{}
	if fam == nil {
		return out
	}
	for _, m := range fam.Metric {
		key := ""
		for i, name := range labels {
			for _, l := range m.Label {
				if l.GetName() == name {
					if i > 0 {
						key += "|"
					}
					key += l.GetValue()
				}
			}
		}
		switch {
		case m.Counter != nil:
			out[key] = m.Counter.GetValue()
		case m.Gauge != nil:
			out[key] = m.Gauge.GetValue()
		case m.Histogram != nil:
			out[key] = float64(m.Histogram.GetSampleCount())
		}
	}
	return out
}

// cmdScrape scrapes a running `run --metrics-addr` until its run has
// finished and checks the final figures against report.json:
// `scrape URL RESULT_DIR`. It must see the run going on first (a scrape
// whose wrtcbench_run_finished is 0), in the text format, and then the
// final figures in the protobuf format, native histograms included.
func cmdScrape(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: scrape URL RESULT_DIR")
	}
	url := args[0]
	var during, final map[string]*dto.MetricFamily
	for deadline := time.Now().Add(60 * time.Second); final == nil; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			ts.Fatalf("%s: the run did not finish within a minute (saw it running: %v)", url, during != nil)
		}
		fams, err := scrape(url, during != nil)
		if err != nil || fams["wrtcbench_run_finished"] == nil {
			continue // not listening yet, or the run's exporter not set yet (setup)
		}
		switch {
		case series(fams["wrtcbench_run_finished"])[""] == 0:
			if during == nil {
				ts.Logf("scraped the run while it went on")
			}
			during = fams
		case during == nil:
			ts.Fatalf("the first scrape of the run found it finished already")
		default:
			final = fams
		}
	}
	r := readReport(ts, args[1])
	want := map[string]map[string]float64{
		"wrtcbench_requests_total": {}, "wrtcbench_transport_errors_total": {}, "wrtcbench_requests_failed_total": {},
		"wrtcbench_checks_total": {}, "wrtcbench_check_failures_total": {}, "wrtcbench_latency_seconds": {},
		"wrtcbench_service_seconds": {},
	}
	for _, c := range r.Cases {
		for s, n := range c.Status {
			want["wrtcbench_requests_total"][c.Name+"|"+s] = float64(n)
		}
		for k, n := range c.TransportErrors {
			want["wrtcbench_transport_errors_total"][c.Name+"|"+k] = float64(n)
		}
		want["wrtcbench_requests_failed_total"][c.Name] = float64(c.Failed)
		for ch, n := range c.Checks {
			want["wrtcbench_checks_total"][c.Name+"|"+ch] = float64(n.Passed + n.Failed)
			want["wrtcbench_check_failures_total"][c.Name+"|"+ch] = float64(n.Failed)
		}
		want["wrtcbench_latency_seconds"][c.Name] = float64(c.LatencyMs.Count)
		want["wrtcbench_service_seconds"][c.Name] = float64(c.ServiceMs.Count)
	}
	labels := map[string][]string{
		"wrtcbench_requests_total": {"case", "status"}, "wrtcbench_transport_errors_total": {"case", "kind"},
		"wrtcbench_checks_total": {"case", "check"}, "wrtcbench_check_failures_total": {"case", "check"},
	}
	for name, w := range want {
		l := labels[name]
		if l == nil {
			l = []string{"case"}
		}
		if got := series(final[name], l...); fmt.Sprint(got) != fmt.Sprint(w) {
			ts.Fatalf("%s: scraped %v, report.json has %v", name, got, w)
		}
	}
	for name, n := range map[string]int64{
		"wrtcbench_requests_dropped_total": r.Requests.Dropped, "wrtcbench_warmup_requests_total": r.Requests.Warmup,
		"wrtcbench_lag_seconds": r.LagMs.Count,
	} {
		if got := series(final[name])[""]; got != float64(n) {
			ts.Fatalf("%s: scraped %v, report.json has %d", name, got, n)
		}
	}
	// The native histograms arrived, and count every response, as the
	// classic buckets do.
	for _, m := range final["wrtcbench_latency_seconds"].Metric {
		h := m.Histogram
		var count, native int64
		for _, d := range h.PositiveDelta {
			count += d // each bucket's count is the previous one's plus its delta
			native += count
		}
		if h.GetSchema() != 3 || len(h.Bucket) == 0 || uint64(native)+h.GetZeroCount() != h.GetSampleCount() {
			ts.Fatalf("latency histogram: schema %d, %d classic buckets, native buckets count %d of %d",
				h.GetSchema(), len(h.Bucket), native, h.GetSampleCount())
		}
	}
	// While the run went on, no counter was ahead of its final value.
	for name, fam := range during {
		if fam.GetType() != dto.MetricType_COUNTER {
			continue
		}
		fin := series(final[name], "case", "status", "kind", "check")
		for k, v := range series(fam, "case", "status", "kind", "check") {
			if v > fin[k] {
				ts.Fatalf("%s{%s} was %v during the run and %v at its end", name, k, v, fin[k])
			}
		}
	}
}
