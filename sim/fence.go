package sim

import (
	"fmt"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/subspace"
	"github.com/fdbelect/fdbelect/tuple"
)

// FencedKey returns the key under work that fenced writes set.
func FencedKey(work subspace.Subspace) []byte {
	return work.Pack(tuple.Tuple{"token"})
}

// WriteFenced buffers, in tr, the fenced write that the Checker verifies:
// the key FencedKey(work) set to the writer's id, registration versionstamp
// and ballot. Call it inside a transaction that has verified leadership
// (election.Machine.Fence, election.Elector.Do); the Checker then confirms
// at the commit that the leader record named the writer.
func WriteFenced(tr kv.Transaction, work subspace.Subspace, id string,
	stamp tuple.Versionstamp, ballot uint64) error {
	b, err := tuple.Tuple{id, stamp.Bytes(), ballot}.PackErr()
	if err != nil {
		return fmt.Errorf("sim: encoding fenced write: %w", err)
	}
	tr.Set(FencedKey(work), b)
	return nil
}

// fenced is a decoded fenced write.
type fenced struct {
	id     string
	stamp  tuple.Versionstamp
	ballot uint64
}

// decodeFenced parses the value WriteFenced stores.
func decodeFenced(b []byte) (fenced, error) {
	var f fenced
	var raw []byte
	if err := tuple.UnpackExact(b, &f.id, &raw, &f.ballot); err != nil {
		return fenced{}, err
	}
	st, err := tuple.VersionstampFromBytes(raw)
	if err != nil {
		return fenced{}, err
	}
	f.stamp = st
	return f, nil
}
