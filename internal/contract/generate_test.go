package contract

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// drawN draws n requests of a generated case from one Generation, as a plan
// renders its pool.
func drawN(t testing.TB, name string, seed uint64, n int) []Draft {
	t.Helper()
	c, ok := LookupCase(name)
	require.True(t, ok)
	r := rand.New(rand.NewPCG(seed, 7))
	w := testWorld()
	g := NewGeneration(Default())
	out := make([]Draft, n)
	for i := range out {
		p := NewPick(r, w)
		p.Gen = g
		d, err := c.Draw(p)
		require.NoError(t, err)
		out[i] = d
	}
	return out
}

// TestGeneratedDeterministic: the same seed draws the same requests, and
// another seed others.
func TestGeneratedDeterministic(t *testing.T) {
	for _, name := range []string{GeneratedBody, GeneratedPath} {
		a, b, c := drawN(t, name, 1, 300), drawN(t, name, 1, 300), drawN(t, name, 2, 300)
		same := 0
		for i := range a {
			require.Equal(t, a[i], b[i], "%s: request %d differs under the same seed", name, i)
			if string(a[i].Body) == string(c[i].Body) && a[i].Segments == c[i].Segments && a[i].Participant == c[i].Participant {
				same++
			}
		}
		assert.Less(t, same, 150, "%s: another seed draws other requests", name)
	}
}

// TestGeneratedPool draws a pool of each generated case and checks what a
// run relies on: every body is JSON that the tree reads as encoding/json
// does, every request expects only statuses its row lists and carries a
// reason, every mutation is one the row declares, every kind is drawn, and
// the costly bodies stay within their budget.
func TestGeneratedPool(t *testing.T) {
	k := Default()
	for _, name := range []string{GeneratedBody, GeneratedPath} {
		t.Run(name, func(t *testing.T) {
			c, _ := LookupCase(name)
			space := c.Mutations(k)
			kinds := map[string]bool{}
			var valid, undecided, huge int
			for i, d := range drawN(t, name, 3, 4096) {
				require.NotNil(t, d.Gen, "request %d has its own expectation", i)
				e := d.Gen
				assert.False(t, e.Expect.Empty())
				assert.NotEmpty(t, e.Why)
				for _, code := range e.Expect.Codes() {
					assert.True(t, c.Expect.Has(code), "request %d expects %d, which the row does not list: %s (%s)", i, code, e.Why, MutationText(e.Mutations))
				}
				for _, m := range e.Mutations {
					assert.True(t, slices.Contains(space, m), "request %d: %s, a mutation the row does not declare", i, m)
					kinds[m.Kind] = true
				}
				if len(e.Mutations) == 0 {
					valid++
					assert.Equal(t, []int{204}, e.Expect.Codes(), "an unmutated request is valid: %s", d.Body)
				}
				if e.Source == Undecided {
					undecided++
				}
				if d.Body != nil {
					require.True(t, json.Valid(d.Body), "request %d: %.200s", i, d.Body)
					if len(d.Body) > MaxBodyBytes {
						huge++
						continue
					}
					if i%8 == 0 {
						n, err := parseJSON(d.Body)
						require.NoError(t, err)
						assert.Equal(t, decodeStd(t, d.Body), n.value(false))
					}
				}
			}
			want := []string{MutUnknownID, MutNonUUID, MutOtherSession}
			if name == GeneratedBody {
				for _, bk := range bodyKinds {
					want = append(want, bk.name)
				}
			} else {
				for _, pk := range pathKinds {
					want = append(want, pk.name)
				}
			}
			for _, kind := range want {
				assert.True(t, kinds[kind], "%s never drawn in 4096 requests", kind)
			}
			assert.Greater(t, valid, 4096/16, "about one in eight requests is left valid")
			assert.Greater(t, undecided, 0)
			assert.LessOrEqual(t, huge, maxHuge)
			t.Logf("%s: %d valid, %d undecided, %d over the body limit", name, valid, undecided, huge)
		})
	}
}

// TestMutationSpace: the pairs a row declares are those of the schema's
// places, each kind where its type allows it.
func TestMutationSpace(t *testing.T) {
	body := bodyMutationSpace(Default())
	assert.Contains(t, body, Mutation{"participants[].participantId", MutWrongType})
	assert.Contains(t, body, Mutation{"participants[].streamAliases", MutManyItems})
	assert.Contains(t, body, Mutation{"body", MutExtraProperty})
	assert.NotContains(t, body, Mutation{"body", MutMissing}, "the body itself is no property")
	assert.NotContains(t, body, Mutation{"participants", MutLongString}, "an array is no string")
	assert.NotContains(t, body, Mutation{"participants[].streamAliases[]", MutUnknownID}, "an alias is no id")
	path := pathMutationSpace(Default())
	assert.Contains(t, path, Mutation{"path.sessionId", MutPercentEncoded})
	assert.NotContains(t, path, Mutation{"path.accountId", MutOtherSession})
	assert.False(t, slices.ContainsFunc(append(body, path...), func(m Mutation) bool { return m.Where == "" || m.Kind == "" }))
}

// BenchmarkGenerate measures drawing one generated request: writing it from
// the schema, mutating it and classifying it, as a plan does for its pool
// of each generated case.
func BenchmarkGenerate(b *testing.B) {
	for _, name := range []string{GeneratedBody, GeneratedPath} {
		b.Run(name, func(b *testing.B) {
			c, _ := LookupCase(name)
			r := rand.New(rand.NewPCG(1, 7))
			w := testWorld()
			g := NewGeneration(Default())
			b.ReportAllocs()
			for b.Loop() {
				p := NewPick(r, w)
				p.Gen = g
				if _, err := c.Draw(p); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
		})
	}
}
