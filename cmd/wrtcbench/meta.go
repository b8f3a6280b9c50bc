package main

import (
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/wrtcbench/wrtcbench/internal/curl"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/runner"
	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// reportMeta collects what the report needs to know about the run.
func reportMeta(s *scenarios.Scenario, o *runOptions, cfg runner.Config, tg *target, sum runner.Summary, setup report.Phase) report.Meta {
	// The measured phase runs from the end of the warm-up to the last request
	// handed out: a generator that fell behind took longer than the schedule,
	// and its achieved rate shows it.
	window := sum.ScheduleEnd - cfg.Warmup
	if cfg.Duration > 0 && !sum.Interrupted {
		window = max(window, cfg.Duration-cfg.Warmup)
	}
	m := report.Meta{
		Tool:     toolInfo(),
		Host:     hostInfo(),
		Scenario: report.ScenarioInfo{Name: s.Name, Description: s.Description, File: s.File, Seed: s.Load.Seed, Shard: o.shard.String()},
		Target:   redactURL(tg.url),
		Contract: o.k.Source,
		Load: report.Load{Model: string(cfg.Model), MaxInFlight: cfg.MaxInFlight, Concurrency: cfg.Concurrency,
			WarmupS: cfg.Warmup.Seconds(), SlackMS: float64(cfg.Slack) / float64(time.Millisecond)},
		Summary: sum, Window: window,
		Credentials: curl.Credentials{Username: tg.username, Password: tg.password},
		Phases:      []report.Phase{setup},
		StartAt:     o.startAt.t,
	}
	m.Scenario.Hash = o.hashes[s.File]
	if o.shard.N > 0 {
		m.Shard = &report.ShardInfo{Index: int(o.shard.I), Count: int(o.shard.N)}
		if cfg.Model == runner.Open {
			m.Shard.RunShape = pacer(s.Load, 1).String()
		}
	}
	if cfg.Model == runner.Open {
		m.Load.Shape = cfg.Pacer.String()
		end := cfg.Warmup + window
		if cfg.Duration > 0 {
			end = min(end, cfg.Duration) // the schedule's own length, however long the run took
		}
		m.TargetRate = meanRate(cfg.Pacer, cfg.Warmup, end)
	}
	for _, t := range s.Thresholds {
		m.Thresholds = append(m.Thresholds, t)
	}
	m.Budgets, m.RequireEveryCase = s.Checks, s.Coverage.EveryCase()
	return m
}

// meanRate integrates the pacer's rate between from and to.
func meanRate(p runner.Pacer, from, to time.Duration) float64 {
	if to <= from {
		return p.Rate(from)
	}
	const steps = 1000
	dt := (to - from) / steps
	var sum float64
	for i := range steps {
		sum += p.Rate(from + dt*time.Duration(i) + dt/2)
	}
	return sum / steps
}

// describeLoad says in a few words what the load is.
func describeLoad(cfg runner.Config) string {
	if cfg.Model == runner.Closed {
		return fmt.Sprintf("closed model, %d workers", cfg.Concurrency)
	}
	return fmt.Sprintf("open model, %s, at most %d in flight", cfg.Pacer, cfg.MaxInFlight)
}

// describeEnd says when the run ends.
func describeEnd(cfg runner.Config) string {
	var parts []string
	if cfg.Duration > 0 {
		parts = append(parts, cfg.Duration.String())
	}
	if cfg.Requests > 0 {
		parts = append(parts, fmt.Sprintf("%d requests", cfg.Requests))
	}
	if len(parts) == 0 {
		return "the whole schedule"
	}
	return strings.Join(parts, " or ")
}

// hostInfo describes the machine the generator runs on.
func hostInfo() report.Host {
	name, _ := os.Hostname() // best effort: an unnamed host is still described
	return report.Host{Name: name, OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
}

// maxScenarioText is the most of a scenario file report.json keeps.
const maxScenarioText = 64 << 10

// credentialValues match the value of a username or password key: in
// block style (`password: x`), up to the end of the line or a comment, and
// in flow style (`{username: u, password: p}`), up to the next , or }.
var credentialValues = []*regexp.Regexp{
	regexp.MustCompile(`(?m)^([ \t-]*["']?(?:username|password)["']?[ \t]*:[ \t]*)((?:"[^"\n]*"|'[^'\n]*'|[^#\n])*?)[ \t]*(?:#.*)?$`),
	regexp.MustCompile(`([{,][ \t]*["']?(?:username|password)["']?[ \t]*:[ \t]*)("[^"\n]*"|'[^'\n]*'|[^,}\n]*)`),
}

// envReference matches a value that only names environment variables, such
// as ${WRTC_PASSWORD}: it holds no secret.
var envReference = regexp.MustCompile(`^["']?(\$\{[A-Za-z_][A-Za-z0-9_]*\}\s*)+["']?$`)

// scenarioText returns the scenario file as report.json keeps it: the text
// as written (before ${NAME} expansion), with every username and password
// value that is not a ${NAME} reference redacted, and password (the
// resolved one) redacted wherever else it appears. It returns "" when the
// file cannot be read.
func scenarioText(path, password string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if len(b) > maxScenarioText {
		b = append(b[:maxScenarioText:maxScenarioText], "\n# … cut: the file is longer than 64 KiB\n"...)
	}
	text := string(b)
	for _, re := range credentialValues {
		text = re.ReplaceAllStringFunc(text, func(kv string) string {
			m := re.FindStringSubmatch(kv)
			v := strings.TrimSpace(m[2])
			if v == "" || envReference.MatchString(v) {
				return kv
			}
			return strings.Replace(kv, m[1]+m[2], m[1]+`"[redacted]"`, 1)
		})
	}
	if len(password) >= 4 {
		text = strings.ReplaceAll(text, password, "[redacted]")
	}
	return text
}
