package memkv

import (
	"bytes"

	"github.com/google/btree"
)

// bound starts a run of keys: every key from key up to the next bound was
// last written at version at (zero: not within the window).
type bound struct {
	key []byte
	at  int64
}

func boundLess(a, b bound) bool { return bytes.Compare(a.key, b.key) < 0 }

// conflicts maps key ranges to the version of their last range write (a
// clear range or an explicit write conflict range), as a step function kept
// in an ordered tree of bounds; writes of single keys are recorded on their
// items in the store instead. Recording a write and checking
// a read both cost a logarithmic search plus the bounds inside the range.
// Bounds older than the window merge away in sweep. Guarded by DB.mu.
type conflicts struct {
	tree  *btree.BTreeG[bound]
	swept int // bounds right after the last sweep
	del   [][]byte
}

func newConflicts() conflicts {
	return conflicts{tree: btree.NewG(32, boundLess)}
}

// cover returns the version of the run that holds key.
func (c *conflicts) cover(key []byte) int64 {
	var at int64
	c.tree.DescendLessOrEqual(bound{key: key}, func(b bound) bool {
		at = b.at
		return false
	})
	return at
}

// write records that [begin, end) was written at version v, which is newer
// than every version recorded so far.
func (c *conflicts) write(begin, end []byte, v int64) {
	if _, ok := c.tree.Get(bound{key: end}); !ok {
		c.tree.ReplaceOrInsert(bound{key: end, at: c.cover(end)})
	}

	c.del = c.del[:0]
	c.tree.AscendRange(bound{key: begin}, bound{key: end}, func(b bound) bool {
		c.del = append(c.del, b.key)
		return true
	})
	for _, k := range c.del {
		c.tree.Delete(bound{key: k})
	}
	c.del = c.del[:0]
	c.tree.ReplaceOrInsert(bound{key: begin, at: v})
}

// newer reports whether any key in [begin, end) was written after version v.
func (c *conflicts) newer(begin, end []byte, v int64) bool {
	if c.cover(begin) > v {
		return true
	}
	if isPoint(begin, end) {
		// No bound lies strictly between a key and its successor.
		return false
	}
	hit := false
	c.tree.AscendRange(bound{key: begin}, bound{key: end}, func(b bound) bool {
		hit = b.at > v
		return !hit
	})
	return hit
}

// sweep merges runs whose versions are at or below horizon: no transaction
// that may still commit reads at a version below it, so such runs cannot
// cause a conflict and are as good as never written.
func (c *conflicts) sweep(horizon int64) {
	c.del = c.del[:0]
	prevOld := true
	c.tree.Ascend(func(b bound) bool {
		old := b.at <= horizon
		if old && prevOld {
			c.del = append(c.del, b.key)
		} else {
			prevOld = old
		}
		return true
	})
	for _, k := range c.del {
		c.tree.Delete(bound{key: k})
	}
	c.del = c.del[:0]
	c.swept = c.tree.Len()
}

// isPoint reports whether [begin, end) holds begin alone.
func isPoint(begin, end []byte) bool {
	return len(end) == len(begin)+1 && end[len(begin)] == 0 && bytes.Equal(begin, end[:len(begin)])
}
