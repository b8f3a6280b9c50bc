package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// shardID is where a report stands in its distributed run.
type shardID struct {
	index, count int
	whole        bool // a run without --shard: the only "shard" of its run
}

func (s shardID) String() string {
	if s.whole {
		return "a whole run (no --shard)"
	}
	return fmt.Sprintf("shard %d/%d", s.index, s.count)
}

// shardOf reads r's shard: report.json's shard object, or, for a report
// written before it existed, scenario.shard ("i/N"); a run without either
// is a whole run, shard 0 of 1.
func shardOf(r *Report) (shardID, error) {
	if s := r.Shard; s != nil {
		if s.Count < 1 || s.Index < 0 || s.Index >= s.Count {
			return shardID{}, fmt.Errorf("shard %d/%d is not a shard", s.Index, s.Count)
		}
		return shardID{index: s.Index, count: s.Count}, nil
	}
	if r.Scenario.Shard == "" {
		return shardID{index: 0, count: 1, whole: true}, nil
	}
	a, b, _ := strings.Cut(r.Scenario.Shard, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return shardID{}, fmt.Errorf("scenario.shard %q is not a shard", r.Scenario.Shard)
	}
	return shardID{index: i, count: n}, nil
}

// checkShards checks that rs are the shards of one run, each once, and
// every one unless opts.AllowPartial; it returns what the merged report is
// made of and rs in shard order.
func checkShards(rs []*Report, opts MergeOptions) (*MergeInfo, []*Report, error) {
	if len(rs) == 0 {
		return nil, nil, fmt.Errorf("merge: no report")
	}
	name := func(i int) string {
		if i < len(opts.Names) && opts.Names[i] != "" {
			return opts.Names[i]
		}
		return fmt.Sprintf("report %d", i+1)
	}
	ids := make([]shardID, len(rs))
	by := map[int]int{} // shard index → position in rs
	first := rs[0]
	for i, r := range rs {
		if r.Format != Format {
			return nil, nil, fmt.Errorf("%s: format %q is not %s", name(i), r.Format, Format)
		}
		if r.Outcome == OutcomeRunning {
			return nil, nil, fmt.Errorf("%s is the partial report of a run that did not finish; merge finished shards only", name(i))
		}
		id, err := shardOf(r)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name(i), err)
		}
		ids[i] = id
		switch {
		case id.whole != ids[0].whole:
			return nil, nil, fmt.Errorf("%s is %s and %s is %s: only the shards of one run (run --shard i/N) can be merged",
				name(0), ids[0], name(i), id)
		case id.count != ids[0].count:
			return nil, nil, fmt.Errorf("%s is %s and %s is %s: the shards of one run have one count",
				name(0), ids[0], name(i), id)
		}
		if err := sameRun(first, r, name(0), name(i)); err != nil {
			return nil, nil, err
		}
		if j, dup := by[id.index]; dup {
			return nil, nil, fmt.Errorf("%s and %s are both %s: each shard is merged once", name(j), name(i), id)
		}
		by[id.index] = i
	}
	info := &MergeInfo{Count: ids[0].count, Shards: []int{}}
	for k := range ids[0].count {
		if _, ok := by[k]; ok {
			info.Shards = append(info.Shards, k)
		} else {
			info.Missing = append(info.Missing, k)
		}
	}
	if len(info.Missing) > 0 && !opts.AllowPartial {
		verb := "is"
		if len(info.Missing) > 1 {
			verb = "are"
		}
		return nil, nil, fmt.Errorf("%s of %d %s missing (given: %s): merge needs every shard of the run, or --allow-partial to merge the ones given",
			plural(info.Missing), info.Count, verb, list(info.Shards))
	}
	sorted := slices.Clone(rs)
	slices.SortFunc(sorted, func(a, b *Report) int {
		x, _ := shardOf(a)
		y, _ := shardOf(b)
		return cmp.Compare(x.index, y.index)
	})
	return info, sorted, nil
}

// sameRun refuses b when it is not of a's run: another scenario (name, file
// contents, whole-run load shape), seed or load model.
func sameRun(a, b *Report, an, bn string) error {
	differ := func(what, x, y string) error {
		return fmt.Errorf("%s and %s are not shards of one run: %s %s vs %s", an, bn, what, x, y)
	}
	switch {
	case a.Scenario.Name != b.Scenario.Name:
		return differ("scenario", a.Scenario.Name, b.Scenario.Name)
	case a.Scenario.Hash != "" && b.Scenario.Hash != "" && a.Scenario.Hash != b.Scenario.Hash:
		return differ("scenario file", short(a.Scenario.Hash), short(b.Scenario.Hash))
	case a.Scenario.Seed != b.Scenario.Seed:
		return differ("seed", strconv.FormatUint(a.Scenario.Seed, 10), strconv.FormatUint(b.Scenario.Seed, 10))
	case a.Load.Model != b.Load.Model:
		return differ("load model", a.Load.Model, b.Load.Model)
	case a.Shard != nil && b.Shard != nil && a.Shard.RunShape != b.Shard.RunShape:
		return differ("load", a.Shard.RunShape, b.Shard.RunShape)
	}
	return nil
}

// short abbreviates a "sha256:…" hash for a message.
func short(h string) string {
	if len(h) > 19 {
		return h[:19] + "…"
	}
	return h
}

// plural says "shard 1" or "shards 1, 2".
func plural(idx []int) string {
	if len(idx) == 1 {
		return "shard " + list(idx)
	}
	return "shards " + list(idx)
}

func list(idx []int) string {
	s := make([]string, len(idx))
	for i, k := range idx {
		s[i] = strconv.Itoa(k)
	}
	return strings.Join(s, ", ")
}
