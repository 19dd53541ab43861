package kvtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// SharedOpener returns an Opener for one database that all subtests share,
// such as a FoundationDB cluster: each subtest gets db and a fresh prefix,
// base followed by sixteen random hex digits and a slash, and the
// prefix's keys are cleared when the subtest ends. A failure to clear is
// reported as a test error.
func SharedOpener(db kv.Database, base []byte) Opener {
	return func(t *testing.T) (kv.Database, []byte) {
		var id [8]byte
		_, _ = rand.Read(id[:])
		prefix := append(append([]byte(nil), base...), hex.EncodeToString(id[:])...)
		prefix = append(prefix, '/')

		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := db.Transact(ctx, func(tr kv.Transaction) error {
				tr.ClearRange(PrefixRange(prefix))
				return nil
			})
			if err != nil {
				t.Errorf("clearing prefix %q: %v", prefix, err)
			}
		})
		return db, prefix
	}
}

// PrefixRange returns the range of every key that starts with prefix. For
// an empty prefix, or one made only of 0xff bytes, the range ends at 0xff,
// where FoundationDB's system keys begin.
func PrefixRange(prefix []byte) kv.Range {
	begin := append([]byte(nil), prefix...)
	n := len(begin)
	for n > 0 && begin[n-1] == 0xff {
		n--
	}
	if n == 0 {
		return kv.Range{Begin: begin, End: []byte{0xff}}
	}
	end := append([]byte(nil), begin[:n]...)
	end[n-1]++
	return kv.Range{Begin: begin, End: end}
}
