package scenarios

import (
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/faults"
	"github.com/wrtcbench/wrtcbench/internal/report"
	"github.com/wrtcbench/wrtcbench/internal/threshold"
	"github.com/wrtcbench/wrtcbench/internal/units"
	"github.com/wrtcbench/wrtcbench/internal/yamlnode"
)

// Load reads and parses the scenario file at path, expanding ${NAME} from the
// process environment. See Parse.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, os.LookupEnv)
}

// Parse decodes a scenario file, applies defaults and validates it. file names
// the source in error messages. ${NAME} in any scalar value is replaced by
// lookupEnv(NAME) (nil means an empty environment), and $$ stands for a
// literal $; an unset variable is an error.
//
// The error, if any, joins one *Error per problem found, each on one line
// that starts with file:line:column.
func Parse(file string, data []byte, lookupEnv func(string) (string, bool)) (*Scenario, error) {
	d := decoder{yamlnode.NewDecoder(file, lookupEnv)}
	root, err := d.Document(data, "a scenario file")
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, &Error{File: file, Line: 1, Column: 1, Msg: "the file is empty; a scenario needs at least name, load and mix"}
	}
	s := &Scenario{File: file}
	d.scenario(root, s)
	s.Target.Origin = d.fileOrigin(file, s.Target)
	if s.Target.URL != "" && !s.Target.IsEmbedded() {
		s.Target.FillFromEnv(lookupEnv)
	}
	s.ApplyDefaults()
	d.Locate(s.check())
	if err := d.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// fileOrigin names the scenario file as the origin of each identity value it
// gives, and the environment variable it read, if any: "target.username in
// s.yaml", "${WRTC_PASSWORD} in target.password of s.yaml".
func (d decoder) fileOrigin(file string, t Target) Origin {
	from := func(v, key string) string {
		switch {
		case v == "":
			return ""
		case len(d.Env("target."+key)) > 0:
			return "${" + strings.Join(d.Env("target."+key), "}${") + "} in target." + key + " of " + file
		}
		return "target." + key + " in " + file
	}
	return Origin{Account: from(t.AccountID, "account_id"), Username: from(t.Username, "username"), Password: from(t.Password, "password")}
}

// decoder decodes the scenario file's blocks with the generic walker.
type decoder struct{ *yamlnode.Decoder }

// topKeys are the keys of the root mapping, in the order messages list them.
var topKeys = []string{"name", "description", "target", "fixtures", "load", "mix", "thresholds", "checks", "coverage"}

// scenario decodes the root mapping.
func (d decoder) scenario(n *yaml.Node, s *Scenario) {
	if n.Kind != yaml.MappingNode {
		d.Fail(n, "", "a scenario file is a mapping with the keys %s; got %s", strings.Join(topKeys, ", "), yamlnode.Describe(n))
		return
	}
	defer func() {
		if !d.Given("load") {
			d.Fail(n, "load", "required; e.g. load: {rate: 10/s, duration: 10s}")
		}
	}()
	d.Mapping(n, "", []yamlnode.Field{
		{Name: "name", Decode: d.Str(&s.Name)},
		{Name: "description", Decode: d.Str(&s.Description)},
		{Name: "target", Decode: func(v *yaml.Node, p string) { d.target(v, p, &s.Target) }},
		{Name: "fixtures", Decode: func(v *yaml.Node, p string) { d.fixtures(v, p, &s.Fixtures) }},
		{Name: "load", Decode: func(v *yaml.Node, p string) { d.load(v, p, &s.Load) }},
		{Name: "mix", Decode: func(v *yaml.Node, p string) { d.mix(v, p, &s.Mix) }},
		{Name: "thresholds", Decode: func(v *yaml.Node, p string) { d.thresholds(v, p, &s.Thresholds) }},
		{Name: "checks", Decode: func(v *yaml.Node, p string) { d.budgets(v, p, &s.Checks) }},
		{Name: "coverage", Decode: func(v *yaml.Node, p string) {
			d.Mapping(v, p, []yamlnode.Field{{Name: "require_every_case", Decode: d.OptBool(&s.Coverage.RequireEveryCase)}})
		}},
	})
}

func (d decoder) target(n *yaml.Node, path string, t *Target) {
	d.Mapping(n, path, []yamlnode.Field{
		{Name: "url", Decode: func(v *yaml.Node, p string) {
			d.Str(&t.URL)(v, p)
			if t.URL != Embedded {
				t.URL = strings.TrimRight(t.URL, "/")
			}
		}},
		{Name: "account_id", Decode: d.Str(&t.AccountID)},
		{Name: "username", Decode: d.Str(&t.Username)},
		{Name: "password", Decode: d.Str(&t.Password)},
		{Name: "timeout", Decode: d.Duration(&t.Timeout, true)},
		{Name: "http2", Decode: d.OneOf(&t.HTTP2, "auto", "on", "off")},
		{Name: "engine", Decode: d.OneOf(&t.Engine, "auto", "nethttp")},
		{Name: "tls", Decode: func(v *yaml.Node, p string) {
			d.Mapping(v, p, []yamlnode.Field{
				{Name: "insecure_skip_verify", Decode: d.Bool(&t.TLS.InsecureSkipVerify)},
				{Name: "ca_file", Decode: d.Str(&t.TLS.CAFile)},
			})
		}},
		{Name: "allow_production", Decode: d.Bool(&t.AllowProduction)},
		{Name: "max_rate", Decode: d.Rate(&t.MaxRate, false)},
		{Name: "embedded", Decode: func(v *yaml.Node, p string) {
			t.Embedded = &faults.Faults{}
			faults.Decode(d.Decoder, t.Embedded)(v, p)
		}},
	})
}

func (d decoder) fixtures(n *yaml.Node, path string, f *Fixtures) {
	d.Mapping(n, path, []yamlnode.Field{
		{Name: "mode", Decode: d.OneOf(&f.Mode, "create", "static")},
		{Name: "sessions", Decode: d.Int(&f.Sessions, 1, nil)},
		{Name: "participants_per_session", Decode: d.Int(&f.ParticipantsPerSession, 1, nil)},
		{Name: "publishers_per_session", Decode: d.Int(&f.PublishersPerSession, 0, &f.PublishersSet)},
		{Name: "aliases", Decode: d.Strings(&f.Aliases)},
		{Name: "seat", Decode: d.OptBool(&f.Seat)},
		{Name: "cleanup", Decode: d.OptBool(&f.Cleanup)},
		{Name: "rate", Decode: d.Rate(&f.Rate, false)},
		{Name: "concurrency", Decode: d.Int(&f.Concurrency, 1, nil)},
		{Name: "static", Decode: func(v *yaml.Node, p string) {
			f.Static = []StaticSession{}
			d.Sequence(v, p, "sessions", func(c *yaml.Node, p string) {
				var ss StaticSession
				d.Mapping(c, p, []yamlnode.Field{
					{Name: "session", Decode: d.Str(&ss.Session)},
					{Name: "participants", Decode: d.Strings(&ss.Participants)},
					{Name: "publishers", Decode: d.Strings(&ss.Publishers)},
				})
				f.Static = append(f.Static, ss)
			})
		}},
	})
}

func (d decoder) load(n *yaml.Node, path string, l *LoadSpec) {
	d.Mapping(n, path, []yamlnode.Field{
		{Name: "model", Decode: d.OneOf(&l.Model, "open", "closed")},
		{Name: "rate", Decode: d.Rate(&l.Rate, false)},
		{Name: "stages", Decode: func(v *yaml.Node, p string) {
			l.Stages = []Stage{}
			d.Sequence(v, p, "stages {duration, rate}", func(c *yaml.Node, p string) {
				var st Stage
				got := map[string]bool{}
				ok := d.Mapping(c, p, []yamlnode.Field{
					{Name: "duration", Decode: func(v *yaml.Node, p string) { got["duration"] = true; d.Duration(&st.Duration, true)(v, p) }},
					{Name: "rate", Decode: func(v *yaml.Node, p string) { got["rate"] = true; d.Rate(&st.Rate, true)(v, p) }},
				})
				for _, k := range []string{"duration", "rate"} {
					if ok && !got[k] {
						d.Fail(c, p, "a stage needs %s; write e.g. {duration: 30s, rate: 100/s}", k)
					}
				}
				l.Stages = append(l.Stages, st)
			})
		}},
		{Name: "duration", Decode: d.Duration(&l.Duration, true)},
		{Name: "requests", Decode: d.Int64(&l.Requests, 1, nil)},
		{Name: "per_case", Decode: d.Int64(&l.PerCase, 1, nil)},
		{Name: "warmup", Decode: d.Duration(&l.Warmup, false)},
		{Name: "max_in_flight", Decode: d.Int(&l.MaxInFlight, 1, nil)},
		{Name: "on_saturation", Decode: d.OneOf(&l.OnSaturation, "queue", "drop")},
		{Name: "concurrency", Decode: d.Int(&l.Concurrency, 1, nil)},
		{Name: "seed", Decode: func(v *yaml.Node, p string) {
			s, ok := d.Scalar(v, p, "a whole number")
			if !ok {
				return
			}
			seed, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				d.Fail(v, p, "%q is not a seed; use a whole number from 0 to %d", s, uint64(1<<64-1))
				return
			}
			l.Seed, l.SeedSet = seed, true
		}},
		{Name: "think_time", Decode: d.Duration(&l.ThinkTime, false)},
		{Name: "slack", Decode: func(n *yaml.Node, path string) {
			d.Duration(&l.Slack, false)(n, path)
			l.SlackSet = true
		}},
	})
}

func (d decoder) mix(n *yaml.Node, path string, mix *[]MixEntry) {
	*mix = []MixEntry{}
	d.Sequence(n, path, "cases {case, weight, expect}", func(c *yaml.Node, p string) {
		e := MixEntry{Line: c.Line}
		d.Mapping(c, p, []yamlnode.Field{
			{Name: "case", Decode: d.Str(&e.Case)},
			{Name: "weight", Decode: func(v *yaml.Node, p string) {
				s, ok := d.Scalar(v, p, "a number greater than 0")
				if !ok {
					return
				}
				w, err := units.ParseNumber(s)
				switch {
				case err != nil:
					d.Fail(v, p, "%q is not a number; a weight is a number greater than 0, e.g. 70", s)
				case w <= 0:
					d.Fail(v, p, "%s must be greater than 0; remove the entry to leave the case out", s)
				default:
					e.Weight = w
				}
			}},
			{Name: "expect", Decode: func(v *yaml.Node, p string) {
				e.Expect = []int{}
				code := func(c *yaml.Node, p string) {
					var i int
					ok := false
					d.Int(&i, 100, &ok)(c, p)
					if ok && i > 599 {
						d.Fail(c, p, "%d is not an HTTP status; use codes from 100 to 599", i)
						ok = false
					}
					if ok {
						e.Expect = append(e.Expect, i)
					}
				}
				if v.Kind == yaml.ScalarNode {
					code(v, p)
					return
				}
				d.Sequence(v, p, "HTTP status codes", code)
			}},
		})
		*mix = append(*mix, e)
	})
}

// thresholds decodes the list of thresholds: each an expression, or a
// mapping {threshold: EXPR, abort_on_fail: true, grace: 1m}.
func (d decoder) thresholds(n *yaml.Node, path string, ts *[]threshold.Threshold) {
	*ts = []threshold.Threshold{}
	const what = "a threshold expression such as latency.p99 < 250ms, or {threshold: EXPR, abort_on_fail: true, grace: 1m}"
	d.Sequence(n, path, "threshold expressions such as latency.p99 < 250ms", func(c *yaml.Node, p string) {
		var t threshold.Threshold
		expr := func(v *yaml.Node, p string) {
			s, ok := d.Scalar(v, p, what)
			if !ok {
				return
			}
			parsed, err := threshold.Parse(s)
			if err != nil {
				d.Fail(v, p, "%s", err)
			}
			parsed.AbortOnFail, parsed.Grace = t.AbortOnFail, t.Grace
			t = parsed
		}
		if c.Kind == yaml.MappingNode {
			var abort bool
			var grace time.Duration
			d.Mapping(c, p, []yamlnode.Field{
				{Name: "threshold", Decode: expr},
				{Name: "abort_on_fail", Decode: d.Bool(&abort)},
				{Name: "grace", Decode: d.Duration(&grace, false)},
			})
			if !d.Given(p + ".threshold") {
				d.Fail(c, p, "a threshold mapping needs threshold: EXPR, e.g. {threshold: latency.p99 < 250ms, abort_on_fail: true}")
			}
			t.AbortOnFail, t.Grace = abort, grace
		} else {
			expr(c, p)
		}
		t.Line = c.Line
		*ts = append(*ts, t) // even when bad, so indexes match the file's
	})
}

// budgets decodes the checks block: for each check, its error budget
// {max_rate: 0.1%, max_count: 10}.
func (d decoder) budgets(n *yaml.Node, path string, out *map[string]report.Budget) {
	*out = map[string]report.Budget{}
	names := checkNames()
	d.Map(n, path, "checks and their error budgets, e.g. {no_server_error: {max_rate: 0.1%}}", func(k, v *yaml.Node, p string) {
		if _, ok := contract.ParseCheck(k.Value); !ok {
			d.Fail(k, p, "%q is not a check; use one of %s%s", k.Value, strings.Join(names, ", "), yamlnode.DidYouMean(k.Value, names))
			return
		}
		var b report.Budget
		d.Mapping(v, p, []yamlnode.Field{
			{Name: "max_rate", Decode: func(v *yaml.Node, p string) {
				s, ok := d.Scalar(v, p, "a share such as 0.1%")
				if !ok {
					return
				}
				f, _, err := units.ParseFraction(s)
				if err != nil {
					d.Fail(v, p, "%s", err)
					return
				}
				b.MaxRate = &f
			}},
			{Name: "max_count", Decode: func(v *yaml.Node, p string) {
				var c int64
				ok := false
				d.Int64(&c, 0, &ok)(v, p)
				if ok {
					b.MaxCount = &c
				}
			}},
		})
		(*out)[k.Value] = b
	})
}

// checkNames lists the contract's checks in report order.
func checkNames() []string {
	var out []string
	for _, c := range contract.Checks() {
		out = append(out, c.String())
	}
	return out
}
