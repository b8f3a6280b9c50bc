package scenarios

import (
	"fmt"
	"maps"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/threshold"
	"github.com/wrtcbench/wrtcbench/internal/units"
	"github.com/wrtcbench/wrtcbench/internal/yamlnode"
)

// Error is one problem in a scenario file: Parse sets File, Line and
// Column from where the value sits in the file; Validate leaves the
// position empty.
type Error = yamlnode.Error

// Validate checks the scenario's semantic rules on its values after defaults,
// without changing s. It is meant for a scenario whose fields were changed
// after Parse, e.g. by command-line flags; its errors name the value
// ("load.duration: ...") but carry no line, since the value may not come
// from the file. Parse runs the same checks with positions.
func (s *Scenario) Validate() error {
	c := *s
	c.Mix = append([]MixEntry(nil), s.Mix...)
	c.ApplyDefaults()
	errs := c.check()
	for _, e := range errs {
		e.File = s.File
	}
	return yamlnode.Join(errs)
}

// problems collects the scenario's semantic errors by path; Parse places
// them in the file.
type problems struct{ yamlnode.Problems }

func (p *problems) add(path, format string, args ...any) { p.Add(path, format, args...) }

var nameRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// check runs every semantic rule on a scenario whose defaults are applied.
func (s *Scenario) check() []*Error {
	var p problems
	switch {
	case s.Name == "":
		p.add("name", "required; use letters, digits, - and _, e.g. name: smoke")
	case !nameRe.MatchString(s.Name):
		p.add("name", "%q has characters that are not allowed; use letters, digits, - and _", s.Name)
	}
	s.Target.check(&p)
	s.Fixtures.check(&p)
	s.Load.check(&p)
	s.checkMix(&p)
	s.checkThresholds(&p)
	s.checkBudgets(&p)
	s.checkRateCap(&p)
	return p.Problems
}

// checkBudgets checks that each error budget bounds something.
func (s *Scenario) checkBudgets(p *problems) {
	for _, name := range slices.Sorted(maps.Keys(s.Checks)) {
		if b := s.Checks[name]; b.MaxRate == nil && b.MaxCount == nil {
			p.add("checks."+name, "an error budget needs max_rate (e.g. 0.1%%) or max_count (e.g. 10)")
		}
	}
}

// RateCap returns the cap on the rate the run may send to the target, and
// whether there is one: target.max_rate, or DefaultProductionMaxRate for the
// production host. The load is checked against it; setup and teardown are
// paced under it too.
func (t Target) RateCap() (float64, bool) {
	switch {
	case t.MaxRate.PerSecond > 0:
		return t.MaxRate.PerSecond, true
	case t.IsProduction():
		return DefaultProductionMaxRate, true
	}
	return 0, false
}

// checkRateCap checks the load against target.max_rate (or the production
// host's default cap): the open model's peak rate must stay under it, and
// the closed model, which sends as fast as the target answers, cannot be
// capped.
func (s *Scenario) checkRateCap(p *problems) {
	limit, ok := s.Target.RateCap()
	if !ok {
		return
	}
	raise := "raise target.max_rate to allow it"
	if s.Target.MaxRate.PerSecond == 0 {
		raise = fmt.Sprintf("the production API is capped at %s unless target.max_rate raises it", units.Rate{PerSecond: limit})
	}
	switch s.Load.Model {
	case "closed":
		p.add("load.model", "the closed model sends as fast as the target answers, so it cannot keep under %s; use the open model with a rate",
			units.Rate{PerSecond: limit})
	case "open":
		peak, path := s.Load.Rate.PerSecond, "load.rate"
		for i, st := range s.Load.Stages {
			if st.Rate.PerSecond > peak {
				peak, path = st.Rate.PerSecond, fmt.Sprintf("load.stages[%d].rate", i)
			}
		}
		if peak > limit*(1+1e-9) {
			p.add(path, "%s is above the cap of %s on this target; %s", units.Rate{PerSecond: peak}, units.Rate{PerSecond: limit}, raise)
		}
	}
}

func (t Target) check(p *problems) {
	if !t.IsEmbedded() {
		u, err := url.Parse(t.URL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			!strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/v1") || u.RawQuery != "" || u.Fragment != "":
			p.add("target.url", "%q is not allowed; use embedded or an absolute http(s) base URL ending in /v1, e.g. http://127.0.0.1:8080/v1", t.URL)
		case u.User != nil:
			p.add("target.url", "must not hold credentials; use target.username and target.password")
		case t.IsProduction() && !t.AllowProduction:
			p.add("target.url", "%s is the production API; set target.allow_production: true to send load there", t.URL)
		}
		if t.AccountID == "" {
			p.add("target.account_id", "required when the target is not embedded: give it in the file, or with --account or $WRTC_ACCOUNT_ID")
		}
		if t.Username == "" {
			p.add("target.username", "required when the target is not embedded: give it in the file (e.g. username: ${WRTC_USERNAME}), or export $WRTC_USERNAME")
		}
		if t.Password == "" {
			p.add("target.password", "required when the target is not embedded: give it in the file (e.g. password: ${WRTC_PASSWORD}), or export $WRTC_PASSWORD")
		}
		if t.Embedded != nil {
			p.add("target.embedded", "configures the in-process reference API and applies only with url: embedded")
		}
	} else if t.Embedded != nil {
		t.Embedded.Check(&p.Problems, "target.embedded")
	}
	if t.Timeout <= 0 {
		p.add("target.timeout", "%s must be greater than 0", t.Timeout)
	}
	if t.HTTP2 != "auto" && t.HTTP2 != "on" && t.HTTP2 != "off" {
		p.add("target.http2", "%q is not allowed; use auto, on or off", t.HTTP2)
	}
}

func (f Fixtures) check(p *problems) {
	switch f.Mode {
	case "create":
		f.checkCreate(p)
	case "static":
		f.checkStatic(p)
	default:
		p.add("fixtures.mode", "%q is not allowed; use create or static", f.Mode)
	}
	if f.Rate.PerSecond <= 0 {
		p.add("fixtures.rate", "%s must be greater than 0, e.g. 50/s", f.Rate)
	}
	if f.Concurrency < 1 {
		p.add("fixtures.concurrency", "%d is too small; use 1 or more", f.Concurrency)
	}
	seen := map[string]bool{}
	for i, a := range f.Aliases {
		path := fmt.Sprintf("fixtures.aliases[%d]", i)
		switch {
		case a == "":
			p.add(path, "an alias must not be empty")
		case seen[a]:
			p.add(path, "alias %q is listed twice", a)
		}
		seen[a] = true
	}
}

func (f Fixtures) checkCreate(p *problems) {
	if f.Sessions < 1 {
		p.add("fixtures.sessions", "%d is too small; create at least 1 session", f.Sessions)
	}
	switch n := f.ParticipantsPerSession; {
	case n < 1:
		p.add("fixtures.participants_per_session", "%d is too small; a session needs at least 1 participant", n)
	case n > MaxParticipantsPerSession:
		p.add("fixtures.participants_per_session", "%d is too many; the API allows at most %d participants in a session", n, MaxParticipantsPerSession)
	}
	switch n := f.PublishersPerSession; {
	case n < 0:
		p.add("fixtures.publishers_per_session", "%d must not be negative", n)
	case n > f.ParticipantsPerSession:
		p.add("fixtures.publishers_per_session", "%d is more than participants_per_session %d; publishers are some of the participants", n, f.ParticipantsPerSession)
	}
	if len(f.Static) > 0 {
		p.add("fixtures.static", "lists existing sessions and needs mode: static")
	}
}

func (f Fixtures) checkStatic(p *problems) {
	const createOnly = "only for mode: create; with mode: static, list the sessions under static"
	if f.Sessions != 0 {
		p.add("fixtures.sessions", createOnly)
	}
	if f.ParticipantsPerSession != 0 {
		p.add("fixtures.participants_per_session", createOnly)
	}
	if f.PublishersSet || f.PublishersPerSession != 0 {
		p.add("fixtures.publishers_per_session", createOnly)
	}
	if len(f.Static) == 0 {
		p.add("fixtures.static", "mode: static needs at least one session, e.g. static: [{session: ID, participants: [ID, ID], publishers: [ID]}]")
	}
	sessions := map[string]string{}     // session id → path
	participants := map[string]string{} // participant id → session path
	for i, ss := range f.Static {
		path := fmt.Sprintf("fixtures.static[%d]", i)
		switch {
		case ss.Session == "":
			p.add(path+".session", "required: the id of an existing session")
		case sessions[ss.Session] != "":
			p.add(path+".session", "session %q is already listed at %s", ss.Session, sessions[ss.Session])
		default:
			sessions[ss.Session] = path
		}
		switch n := len(ss.Participants); {
		case n == 0:
			p.add(path+".participants", "a session needs at least 1 participant")
		case n > MaxParticipantsPerSession:
			p.add(path+".participants", "%d participants are too many; the API allows at most %d participants in a session", n, MaxParticipantsPerSession)
		}
		mine := map[string]bool{}
		for j, id := range ss.Participants {
			pp := fmt.Sprintf("%s.participants[%d]", path, j)
			switch {
			case id == "":
				p.add(pp, "a participant id must not be empty")
			case mine[id]:
				p.add(pp, "participant %q is listed twice", id)
			case participants[id] != "":
				p.add(pp, "participant %q is also in %s; a participant sits in one session at a time", id, participants[id])
			default:
				participants[id] = path
			}
			mine[id] = true
		}
		pubs := map[string]bool{}
		for j, id := range ss.Publishers {
			pp := fmt.Sprintf("%s.publishers[%d]", path, j)
			switch {
			case !mine[id]:
				p.add(pp, "publisher %q is not one of the session's participants", id)
			case pubs[id]:
				p.add(pp, "publisher %q is listed twice", id)
			}
			pubs[id] = true
		}
	}
}

func (l LoadSpec) check(p *problems) {
	switch l.Model {
	case "open":
		hasRate, hasStages := l.Rate != units.Rate{}, len(l.Stages) > 0
		switch {
		case hasRate && hasStages:
			p.add("load.stages", "give rate or stages, not both")
		case !hasRate && !hasStages:
			p.add("load", "the open model needs rate (e.g. rate: 100/s) or stages")
		}
		if hasRate && !(l.Rate.PerSecond > 0) || math.IsInf(l.Rate.PerSecond, 0) {
			p.add("load.rate", "%s must be greater than 0", l.Rate)
		}
		if l.Concurrency != 0 {
			p.add("load.concurrency", "applies to the closed model only; set model: closed or remove it")
		}
		if l.Slack > MaxSlack {
			p.add("load.slack", "%s is more than %s; slack saves wake-ups, it is not a pacing tool", l.Slack, MaxSlack)
		}
		if l.ThinkTime != 0 {
			p.add("load.think_time", "applies to the closed model only; set model: closed or remove it")
		}
	case "closed":
		if l.Concurrency < 1 {
			p.add("load.concurrency", "the closed model needs concurrency of at least 1, e.g. concurrency: 16")
		}
		if l.Rate != (units.Rate{}) {
			p.add("load.rate", "applies to the open model only; the closed model's pace is set by concurrency and think_time")
		}
		if len(l.Stages) > 0 {
			p.add("load.stages", "apply to the open model only; the closed model's pace is set by concurrency and think_time")
		}
		if l.Slack != 0 {
			p.add("load.slack", "applies to the open model only; remove it")
		}
		if l.ThinkTime < 0 {
			p.add("load.think_time", "%s must not be negative", l.ThinkTime)
		}
	default:
		p.add("load.model", "%q is not allowed; use open or closed", l.Model)
	}
	l.checkStages(p)
	l.checkLength(p)
	if l.MaxInFlight < 1 {
		p.add("load.max_in_flight", "%d is too small; it must be at least 1", l.MaxInFlight)
	}
	if l.OnSaturation != "queue" && l.OnSaturation != "drop" {
		p.add("load.on_saturation", "%q is not allowed; use queue or drop", l.OnSaturation)
	}
}

func (l LoadSpec) checkStages(p *problems) {
	peak := 0.0
	for i, st := range l.Stages {
		path := fmt.Sprintf("load.stages[%d]", i)
		if st.Duration <= 0 {
			p.add(path+".duration", "%s must be greater than 0", st.Duration)
		}
		if st.Rate.PerSecond < 0 || math.IsNaN(st.Rate.PerSecond) || math.IsInf(st.Rate.PerSecond, 0) {
			p.add(path+".rate", "%s must be 0 or more", st.Rate)
		}
		peak = max(peak, st.Rate.PerSecond)
	}
	if len(l.Stages) > 0 && peak == 0 {
		p.add("load.stages", "every stage has rate 0, so no request would be sent")
	}
}

// checkLength checks duration, requests and warmup.
func (l LoadSpec) checkLength(p *problems) {
	if l.Duration < 0 {
		p.add("load.duration", "%s must be greater than 0", l.Duration)
	}
	if l.Requests < 0 {
		p.add("load.requests", "%d is too small; it must be at least 1", l.Requests)
	}
	if l.PerCase != 0 {
		switch {
		case l.PerCase < 0:
			p.add("load.per_case", "%d is too small; it must be at least 1", l.PerCase)
		case len(l.Stages) > 0:
			p.add("load.per_case", "sets the run's length, and so do the stages; use rate with per_case")
		case l.Duration != 0 || l.Requests != 0:
			p.add("load.per_case", "sets the run's length (per_case × the cases of the mix); remove duration and requests")
		}
		if l.Warmup != 0 {
			p.add("load.warmup", "would leave requests out of the exact per_case counts; remove it, or per_case")
		}
		return
	}
	if len(l.Stages) > 0 {
		if total := stagesDuration(l.Stages); l.Duration != total {
			p.add("load.duration", "%s differs from the stages' total %s; leave it out or make them equal", l.Duration, total)
		}
		if l.Requests != 0 {
			p.add("load.requests", "the stages set the run's length; remove requests or use rate")
		}
	} else {
		switch {
		case l.Duration != 0 && l.Requests != 0:
			p.add("load.requests", "give duration or requests, not both")
		case l.Duration == 0 && l.Requests == 0:
			p.add("load", "needs duration (e.g. duration: 30s) or requests (e.g. requests: 1000) to know when to stop")
		}
	}
	switch {
	case l.Warmup < 0:
		p.add("load.warmup", "%s must not be negative", l.Warmup)
	case l.Duration > 0 && l.Warmup >= l.Duration:
		p.add("load.warmup", "%s must be shorter than load.duration %s", l.Warmup, l.Duration)
	}
}

// checkMix checks the mix entries and that the fixtures can serve every case.
func (s *Scenario) checkMix(p *problems) {
	if len(s.Mix) == 0 {
		p.add("mix", "needs at least one case, e.g. mix: [{case: subscribe_all, weight: 1}]")
	}
	seen := map[string]string{}
	for i, e := range s.Mix {
		path := fmt.Sprintf("mix[%d]", i)
		if e.Weight <= 0 || math.IsNaN(e.Weight) || math.IsInf(e.Weight, 0) {
			p.add(path+".weight", "%v must be a number greater than 0", e.Weight)
		} else if s.Load.PerCase > 0 && e.Weight != DefaultWeight {
			p.add(path+".weight", "does not apply with load.per_case, which sends every case the same number of times; remove it")
		}
		for j, code := range e.Expect {
			if code < 100 || code > 599 {
				p.add(fmt.Sprintf("%s.expect[%d]", path, j), "%d is not an HTTP status; use codes from 100 to 599", code)
			}
		}
		if e.Case == "" {
			p.add(path+".case", "required; allowed: %s", strings.Join(contract.CaseNames(), ", "))
			continue
		}
		if _, ok := contract.LookupCase(e.Case); !ok {
			p.add(path+".case", "unknown case %q; allowed: %s%s", e.Case, strings.Join(contract.CaseNames(), ", "), yamlnode.DidYouMean(e.Case, contract.CaseNames()))
			continue
		}
		if first, dup := seen[e.Case]; dup {
			p.add(path+".case", "%s is already in the mix at %s; give each case once and add up the weights", e.Case, first)
			continue
		}
		seen[e.Case] = path
		if e.Line > 0 {
			seen[e.Case] = "line " + strconv.Itoa(e.Line)
		}
		c, _ := contract.LookupCase(e.Case)
		if why := s.Fixtures.cannotServe(c); why != "" {
			p.add(path+".case", "%s", why)
		}
	}
}

// cannotServe says why the fixtures cannot give case c what it needs
// (contract.Needs), or "".
func (f Fixtures) cannotServe(c contract.Case) string {
	type shape struct{ participants, publishers int }
	var sessions []shape
	if f.Mode == "static" {
		for _, ss := range f.Static {
			sessions = append(sessions, shape{len(ss.Participants), len(ss.Publishers)})
		}
	} else {
		for range max(f.Sessions, 0) {
			sessions = append(sessions, shape{f.ParticipantsPerSession, f.PublishersPerSession})
		}
	}
	n := c.Needs
	if len(sessions) < n.Sessions {
		return fmt.Sprintf("%s needs %s: use at least %d sessions", c.Name, n.Why, n.Sessions)
	}
	if n.Seated && !f.SeatEnabled() {
		return fmt.Sprintf("%s needs %s: set fixtures.seat: true", c.Name, n.Why)
	}
	if n.OtherPublisher {
		// The participant being added subscribes to publishers other than
		// itself, so a session needs one publisher that is not the subscriber:
		// two publishers, or one publisher and another participant.
		for _, sh := range sessions {
			if sh.publishers < 2 && !(sh.publishers == 1 && sh.participants > 1) {
				return c.Name + " needs, in every session, a publisher other than the participant being added: " +
					"set fixtures.publishers_per_session to 2 or more, or to 1 with at least 2 participants"
			}
		}
	}
	if n.Aliases && len(f.Aliases) == 0 {
		return c.Name + " needs stream aliases to choose from: list some under fixtures.aliases"
	}
	return ""
}

// checkThresholds re-parses each threshold and checks that a case label names
// a case of the mix, and that an abort_on_fail threshold can be judged while
// the run goes on.
func (s *Scenario) checkThresholds(p *problems) {
	inMix := map[string]bool{}
	for _, e := range s.Mix {
		inMix[e.Case] = true
	}
	for i, t := range s.Thresholds {
		path := fmt.Sprintf("thresholds[%d]", i)
		if t.Expr != "" {
			if _, err := threshold.Parse(t.Expr); err != nil {
				p.add(path, "%s", err)
				continue
			}
		}
		if t.Case != "" && !inMix[t.Case] {
			p.add(path, "%s: case %s is not in the mix, so the threshold would have nothing to measure", t.Expr, t.Case)
		}
		switch {
		case t.Grace < 0:
			p.add(path+".grace", "%s must not be negative", t.Grace)
		case t.Grace > 0 && !t.AbortOnFail:
			p.add(path+".grace", "applies with abort_on_fail: true; add it, or remove grace")
		}
		if t.AbortOnFail && t.Metric != nil {
			if err := t.Live(); err != nil {
				p.add(path, "%s: %v", t.Expr, err)
			}
		}
	}
}
