package memkv

import (
	"bytes"
	"unsafe"

	"github.com/google/btree"
)

// version is one committed state of a key: a value, or a tombstone.
type version struct {
	at   int64
	val  []byte
	gone bool
}

// item is a key and its committed versions, oldest first. It keeps every
// version newer than the window's horizon plus the newest one at or below
// it, which is what a read at any version inside the window needs.
//
// wrote is the version of the last write of the key itself (a set, a clear
// or an atomic operation, even one that left the value as it was): the
// conflict check compares it with read versions. Range clears and explicit
// write conflict ranges are recorded in the conflicts index instead.
type item struct {
	key   []byte
	vers  []version
	wrote int64
}

func itemLess(a, b *item) bool { return bytes.Compare(a.key, b.key) < 0 }

// store is the multi-version ordered map. It is guarded by DB.mu.
type store struct {
	tree *btree.BTreeG[*item]

	// index finds an item by key without a tree search; the tree is for
	// ordered scans. Both hold the same items.
	index map[string]*item

	// records counts versions held; tombs counts items whose newest
	// version is a tombstone. Both drive the sweep that drops history.
	records int
	tombs   int
	swept   int // records - items + tombs right after the last sweep
}

func newStore() store {
	return store{tree: btree.NewG(32, itemLess), index: make(map[string]*item)}
}

// find returns the item for key, or nil.
func (s *store) find(key []byte) *item {
	return s.index[string(key)]
}

// at returns the value of it at version v and whether it is present.
func (it *item) at(v int64) ([]byte, bool) {
	for i := len(it.vers) - 1; i >= 0; i-- {
		if it.vers[i].at <= v {
			if it.vers[i].gone {
				return nil, false
			}
			return it.vers[i].val, true
		}
	}
	return nil, false
}

// latest returns the newest committed value of it.
func (it *item) latest() ([]byte, bool) {
	last := it.vers[len(it.vers)-1]
	return last.val, !last.gone
}

// get returns the value of key at version v.
func (s *store) get(key []byte, v int64) ([]byte, bool) {
	it := s.find(key)
	if it == nil {
		return nil, false
	}
	return it.at(v)
}

// getLatest returns the newest committed value of key.
func (s *store) getLatest(key []byte) ([]byte, bool) {
	it := s.find(key)
	if it == nil {
		return nil, false
	}
	return it.latest()
}

// put records a new version of key at v; a nil val with gone set is a
// tombstone. horizon is the oldest version a read may still use.
func (s *store) put(key, val []byte, gone bool, v, horizon int64) {
	it := s.find(key)
	if it == nil {
		// A clear of an absent key still makes an item, so that the write
		// is seen by the conflict check until the window passes it.
		it := &item{key: key, vers: []version{{at: v, val: val, gone: gone}}, wrote: v}
		s.tree.ReplaceOrInsert(it)
		s.index[keyString(key)] = it
		s.records++
		if gone {
			s.tombs++
		}
		return
	}

	it.wrote = v
	wasGone := it.vers[len(it.vers)-1].gone
	if gone && wasGone {
		return
	}
	it.vers = append(it.vers, version{at: v, val: val, gone: gone})
	s.records++
	switch {
	case gone && !wasGone:
		s.tombs++
	case !gone && wasGone:
		s.tombs--
	}
	s.trim(it, horizon)
}

// clearRange writes a tombstone at v for every present key in [begin, end).
func (s *store) clearRange(begin, end []byte, v, horizon int64) {
	var hit []*item
	s.ascend(begin, end, func(it *item) bool {
		if !it.vers[len(it.vers)-1].gone {
			hit = append(hit, it)
		}
		return true
	})
	for _, it := range hit {
		it.vers = append(it.vers, version{at: v, gone: true})
		s.records++
		s.tombs++
		s.trim(it, horizon)
	}
}

// trim drops the versions of it that no read inside the window can see:
// every version older than the newest one at or below horizon. Dropping
// from the front by reslicing keeps a write O(1) on average; append
// compacts the slice when it next grows.
func (s *store) trim(it *item, horizon int64) {
	drop := 0
	for drop+1 < len(it.vers) && it.vers[drop+1].at <= horizon {
		drop++
	}
	if drop == 0 {
		return
	}
	clear(it.vers[:drop])
	it.vers = it.vers[drop:]
	s.records -= drop
}

// excess is how many records the sweep could at best remove.
func (s *store) excess() int { return s.records - s.tree.Len() + s.tombs }

// sweep trims every item and removes the ones that hold only a tombstone
// no read inside the window can see.
func (s *store) sweep(horizon int64) {
	var dead []*item
	s.tree.Ascend(func(it *item) bool {
		s.trim(it, horizon)
		if len(it.vers) == 1 && it.vers[0].gone && it.wrote <= horizon {
			dead = append(dead, it)
		}
		return true
	})
	for _, it := range dead {
		s.tree.Delete(it)
		delete(s.index, string(it.key))
		s.records--
		s.tombs--
	}
	s.swept = s.excess()
}

// ascend calls fn for each item with a key in [begin, end), in order.
func (s *store) ascend(begin, end []byte, fn func(*item) bool) {
	s.tree.AscendRange(&item{key: begin}, &item{key: end}, fn)
}

// descend calls fn for each item with a key in [begin, end), in reverse.
func (s *store) descend(begin, end []byte, fn func(*item) bool) {
	s.tree.DescendLessOrEqual(&item{key: end}, func(it *item) bool {
		if bytes.Compare(it.key, end) >= 0 {
			return true
		}
		if bytes.Compare(it.key, begin) < 0 {
			return false
		}
		return fn(it)
	})
}

// newer reports whether a key in [begin, end) was written itself (not by a
// range clear) after version v. A point range costs one search; a longer
// range visits the keys held in it, as many as a read of it returned.
func (s *store) newer(begin, end []byte, v int64) bool {
	if isPoint(begin, end) {
		it := s.find(begin)
		return it != nil && it.wrote > v
	}
	hit := false
	s.ascend(begin, end, func(it *item) bool {
		hit = it.wrote > v
		return !hit
	})
	return hit
}

// keyString views an immutable stored key as a string without copying it.
// Stored keys are never written after the commit that stores them.
func keyString(key []byte) string {
	if len(key) == 0 {
		return ""
	}
	return unsafe.String(&key[0], len(key))
}
