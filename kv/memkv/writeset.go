package memkv

import (
	"bytes"
	"sort"

	"github.com/google/btree"
)

// smallWrites is how many keys a transaction keeps in a sorted slice before
// it moves them into a B-tree; most transactions write a handful of keys.
const smallWrites = 32

// writeSet holds a transaction's pending entries in key order.
type writeSet struct {
	small []*wentry // sorted by key, used while tree is nil
	tree  *btree.BTreeG[*wentry]
	probe wentry
}

func (w *writeSet) len() int {
	if w.tree != nil {
		return w.tree.Len()
	}
	return len(w.small)
}

// search returns the index of the first small entry not below key.
func (w *writeSet) search(key []byte) int {
	return sort.Search(len(w.small), func(i int) bool {
		return bytes.Compare(w.small[i].key, key) >= 0
	})
}

// get returns the entry for key, or nil.
func (w *writeSet) get(key []byte) *wentry {
	if w.tree != nil {
		w.probe.key = key
		e, _ := w.tree.Get(&w.probe)
		w.probe.key = nil
		return e
	}
	if i := w.search(key); i < len(w.small) && bytes.Equal(w.small[i].key, key) {
		return w.small[i]
	}
	return nil
}

// insert adds e, whose key is not in the set yet.
func (w *writeSet) insert(e *wentry) {
	if w.tree == nil && len(w.small) < smallWrites {
		i := w.search(e.key)
		w.small = append(w.small, nil)
		copy(w.small[i+1:], w.small[i:])
		w.small[i] = e
		return
	}
	if w.tree == nil {
		w.tree = btree.NewG(16, wentryLess)
		for _, x := range w.small {
			w.tree.ReplaceOrInsert(x)
		}
		w.small = nil
	}
	w.tree.ReplaceOrInsert(e)
}

// ascendRange calls fn for each entry with a key in [begin, end), in order,
// until fn returns false.
func (w *writeSet) ascendRange(begin, end []byte, fn func(*wentry) bool) {
	if w.tree != nil {
		w.tree.AscendRange(&wentry{key: begin}, &wentry{key: end}, fn)
		return
	}
	for i := w.search(begin); i < len(w.small); i++ {
		if bytes.Compare(w.small[i].key, end) >= 0 || !fn(w.small[i]) {
			return
		}
	}
}

// ascend calls fn for every entry in key order.
func (w *writeSet) ascend(fn func(*wentry) bool) {
	if w.tree != nil {
		w.tree.Ascend(fn)
		return
	}
	for _, e := range w.small {
		if !fn(e) {
			return
		}
	}
}
