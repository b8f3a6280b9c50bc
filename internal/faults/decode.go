package faults

import (
	"os"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/wrtcbench/wrtcbench/internal/yamlnode"
)

// probHint follows "is not a number;" for every probability.
const probHint = "a probability is a number from 0 to 1, e.g. 0.01"

// Decode returns the decode function of a fault block (the YAML shape of
// Faults) that writes into f: unknown keys, values of the wrong type and
// negative durations are errors at their place in the file. It does not run
// Check: the caller does, once the whole file is read, and passes the
// problems to d.Locate.
func Decode(d *yamlnode.Decoder, f *Faults) yamlnode.Func {
	return func(n *yaml.Node, path string) {
		d.Mapping(n, path, []yamlnode.Field{
			{Name: "routes", Decode: d.OneOf((*string)(&f.Routes), string(RoutesAddParticipant), string(RoutesAll))},
			{Name: "latency", Decode: func(n *yaml.Node, p string) { decodeLatency(d, n, p, &f.Latency) }},
			{Name: "errors", Decode: func(n *yaml.Node, p string) { decodeErrors(d, n, p, f) }},
			{Name: "rate_limit", Decode: func(n *yaml.Node, p string) {
				d.Mapping(n, p, []yamlnode.Field{
					{Name: "rate", Decode: d.Rate(&f.RateLimit.Rate, true)},
					{Name: "burst", Decode: d.Int(&f.RateLimit.Burst, 0, nil)},
				})
			}},
			{Name: "stall", Decode: func(n *yaml.Node, p string) {
				d.Mapping(n, p, []yamlnode.Field{
					{Name: "every", Decode: d.Duration(&f.Stall.Every, false)},
					{Name: "for", Decode: d.Duration(&f.Stall.For, false)},
				})
			}},
			{Name: "reset", Decode: d.Number(&f.Reset, probHint)},
			{Name: "close", Decode: d.Number(&f.Close, probHint)},
			{Name: "slow_body", Decode: func(n *yaml.Node, p string) {
				d.Mapping(n, p, []yamlnode.Field{
					{Name: "probability", Decode: d.Number(&f.SlowBody.Probability, probHint)},
					{Name: "delay", Decode: d.Duration(&f.SlowBody.Delay, false)},
				})
			}},
			{Name: "bad", Decode: func(n *yaml.Node, p string) {
				d.Mapping(n, p, []yamlnode.Field{
					{Name: "wrong_status", Decode: d.Number(&f.Bad.WrongStatus, probHint)},
					{Name: "bad_error_body", Decode: d.Number(&f.Bad.BadErrorBody, probHint)},
				})
			}},
			{Name: "accept_invalid", Decode: d.OneOf((*string)(&f.AcceptInvalid), shapeNames()...)},
		})
	}
}

// shapeNames lists the AcceptInvalid shapes as strings.
func shapeNames() []string {
	var out []string
	for _, s := range AcceptInvalidShapes() {
		out = append(out, string(s))
	}
	return out
}

func decodeLatency(d *yamlnode.Decoder, n *yaml.Node, path string, l *Latency) {
	d.Mapping(n, path, []yamlnode.Field{
		{Name: "fixed", Decode: d.Duration(&l.Fixed, false)},
		{Name: "uniform", Decode: func(n *yaml.Node, p string) {
			d.Mapping(n, p, []yamlnode.Field{
				{Name: "min", Decode: d.Duration(&l.Uniform.Min, false)},
				{Name: "max", Decode: d.Duration(&l.Uniform.Max, false)},
			})
		}},
		{Name: "lognormal", Decode: func(n *yaml.Node, p string) {
			d.Mapping(n, p, []yamlnode.Field{
				{Name: "median", Decode: d.Duration(&l.LogNormal.Median, false)},
				{Name: "sigma", Decode: d.Number(&l.LogNormal.Sigma, "sigma is a number from 0 to 10, e.g. 0.5")},
				{Name: "max", Decode: d.Duration(&l.LogNormal.Max, false)},
			})
		}},
		{Name: "tail", Decode: func(n *yaml.Node, p string) { decodeTail(d, n, p, &l.Tail) }},
		{Name: "tails", Decode: func(n *yaml.Node, p string) {
			d.Sequence(n, p, "tails {fraction, latency}", func(c *yaml.Node, p string) {
				l.Tails = append(l.Tails, Tail{})
				decodeTail(d, c, p, &l.Tails[len(l.Tails)-1])
			})
		}},
	})
}

func decodeTail(d *yamlnode.Decoder, n *yaml.Node, path string, t *Tail) {
	d.Mapping(n, path, []yamlnode.Field{
		{Name: "fraction", Decode: d.Number(&t.Fraction, "a fraction is a number from 0 to 1, e.g. 0.01")},
		{Name: "latency", Decode: d.Duration(&t.Latency, false)},
	})
}

// decodeErrors reads {STATUS: PROBABILITY, ...}.
func decodeErrors(d *yamlnode.Decoder, n *yaml.Node, path string, f *Faults) {
	if f.Errors == nil {
		f.Errors = map[int]float64{}
	}
	d.Map(n, path, "statuses and probabilities, e.g. {503: 0.01}", func(k, v *yaml.Node, p string) {
		code, err := strconv.Atoi(k.Value)
		if err != nil {
			d.Fail(k, p, "%q is not an HTTP status; write a status code and its probability, e.g. 503: 0.01", k.Value)
			return
		}
		if _, dup := f.Errors[code]; dup {
			d.Fail(k, p, "status %d is given twice", code)
			return
		}
		var prob float64
		d.Number(&prob, probHint)(v, p)
		f.Errors[code] = prob
	})
}

// Load reads the fault file at path, a mapping in the shape of Faults'
// example, expanding ${NAME} from the environment. See Parse.
func Load(path string) (Faults, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Faults{}, err
	}
	return Parse(path, data, os.LookupEnv)
}

// Parse decodes and checks a fault file; file names it in errors, and
// ${NAME} is replaced by lookupEnv(NAME) (nil: an empty environment). An
// empty file means no faults. The error, if any, joins one *yamlnode.Error
// per problem, each on one line that starts with file:line:column.
func Parse(file string, data []byte, lookupEnv func(string) (string, bool)) (Faults, error) {
	d := yamlnode.NewDecoder(file, lookupEnv)
	root, err := d.Document(data, "a fault file")
	if err != nil || root == nil {
		return Faults{}, err
	}
	var f Faults
	Decode(d, &f)(root, "")
	var p yamlnode.Problems
	f.Check(&p, "")
	d.Locate(p)
	if err := d.Err(); err != nil {
		return Faults{}, err
	}
	return f, nil
}
