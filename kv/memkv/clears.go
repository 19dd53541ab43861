package memkv

import (
	"bytes"
	"sort"

	"github.com/fdbelect/fdbelect/kv"
)

// addClear merges the non-empty range r into t.clears, which stays sorted
// and made of disjoint, non-adjacent ranges, so that lookups are a binary
// search however many ranges a transaction clears.
func (t *Txn) addClear(r kv.Range) {
	cs := t.clears
	// First range that ends at or after r.Begin: it may touch r.
	i := sort.Search(len(cs), func(i int) bool { return bytes.Compare(cs[i].End, r.Begin) >= 0 })
	j := i
	for j < len(cs) && bytes.Compare(cs[j].Begin, r.End) <= 0 {
		if bytes.Compare(cs[j].Begin, r.Begin) < 0 {
			r.Begin = cs[j].Begin
		}
		if bytes.Compare(cs[j].End, r.End) > 0 {
			r.End = cs[j].End
		}
		j++
	}
	if i == j {
		cs = append(cs, kv.Range{})
		copy(cs[i+1:], cs[i:])
		cs[i] = r
	} else {
		cs[i] = r
		cs = append(cs[:i+1], cs[j:]...)
	}
	t.clears = cs
}

// locallyCleared reports whether a ClearRange of this transaction covers key.
func (t *Txn) locallyCleared(key []byte) bool {
	cs := t.clears
	i := sort.Search(len(cs), func(i int) bool { return bytes.Compare(cs[i].End, key) > 0 })
	return i < len(cs) && bytes.Compare(cs[i].Begin, key) <= 0
}

// clearsIn returns the cleared ranges that overlap r.
func (t *Txn) clearsIn(r kv.Range) []kv.Range {
	cs := t.clears
	i := sort.Search(len(cs), func(i int) bool { return bytes.Compare(cs[i].End, r.Begin) > 0 })
	j := i
	for j < len(cs) && bytes.Compare(cs[j].Begin, r.End) < 0 {
		j++
	}
	return cs[i:j]
}
