package contract

import (
	"iter"
	"slices"
	"unicode/utf8"
)

// maxItemCuts bounds how many items of one array Smaller tries to remove,
// and looks into; a longer array is cut in halves first.
const maxItemCuts = 16

// Smaller yields bodies made from body by one reduction each, each shorter
// than body, the shortest first: half of an array dropped, a property or an array item removed, a
// container replaced by its only child of the same kind (one level of
// nesting less), a string emptied or halved, a number made 0. Names given
// twice and the exact text of everything untouched are kept. A body that
// is not JSON yields nothing.
//
// A shrinker takes the first candidate that still shows its failure and
// asks again, until none does (cmd/wrtcbench's shrink phase).
func Smaller(body []byte) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		root, err := parseJSON(body)
		if err != nil {
			return
		}
		type cand struct {
			root *node
			size int
		}
		var cands []cand
		whole := root.size()
		for _, e := range edits(root) {
			if c := e(root.clone()); c != nil && c.size() < whole {
				cands = append(cands, cand{c, c.size()})
			}
		}
		slices.SortStableFunc(cands, func(a, b cand) int { return a.size - b.size })
		seen := map[string]bool{string(body): true}
		for _, c := range cands {
			b := c.root.appendJSON(make([]byte, 0, c.size))
			if seen[string(b)] {
				continue
			}
			seen[string(b)] = true
			if !yield(b) {
				return
			}
		}
	}
}

// edit changes a copy of the body and returns its root, or nil when it
// does not apply.
type edit func(root *node) *node

// edits lists every reduction of root, each addressed by the path of
// indices from the root to the value it changes.
func edits(root *node) []edit {
	var out []edit
	var walk func(n *node, path []int)
	walk = func(n *node, path []int) {
		path = slices.Clip(path)
		at := func(f func(n *node) *node) {
			out = append(out, func(r *node) *node { return replaceAt(r, path, f) })
		}
		switch n.kind {
		case kArray:
			if k := len(n.items); k >= 2 {
				at(func(n *node) *node { n.items = n.items[k/2:]; return n })
				at(func(n *node) *node { n.items = n.items[:k/2]; return n })
			}
			for i := range min(len(n.items), maxItemCuts) {
				at(func(n *node) *node { n.items = slices.Delete(n.items, i, i+1); return n })
			}
			if len(n.items) == 1 && n.items[0].kind == kArray {
				at(func(n *node) *node { return n.items[0] })
			}
			for i, it := range n.items[:min(len(n.items), maxItemCuts)] {
				walk(it, append(path, i))
			}
		case kObject:
			for i := range n.members {
				at(func(n *node) *node { n.members = slices.Delete(n.members, i, i+1); return n })
			}
			if len(n.members) == 1 && n.members[0].value.kind == kObject {
				at(func(n *node) *node { return n.members[0].value })
			}
			for i, m := range n.members {
				walk(m.value, append(path, i))
			}
		case kString:
			if s := n.stringValue(); s != "" {
				at(func(*node) *node { return jString("") })
				if k := utf8.RuneCountInString(s); k > 1 {
					at(func(*node) *node { return jString(string([]rune(s)[:k/2])) })
				}
			}
		case kNumber:
			if n.raw != "0" {
				at(func(*node) *node { return jNumber("0") })
			}
		}
	}
	walk(root, nil)
	return out
}

// replaceAt replaces the value at path in root by f of it and returns the
// root.
func replaceAt(root *node, path []int, f func(*node) *node) *node {
	if len(path) == 0 {
		return f(root)
	}
	n := root
	for _, i := range path[:len(path)-1] {
		n = child(n, i)
	}
	last := path[len(path)-1]
	if n.kind == kObject {
		n.members[last].value = f(n.members[last].value)
	} else {
		n.items[last] = f(n.items[last])
	}
	return root
}

func child(n *node, i int) *node {
	if n.kind == kObject {
		return n.members[i].value
	}
	return n.items[i]
}
