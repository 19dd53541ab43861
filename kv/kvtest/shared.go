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

// PrefixRange returns the range of every key that starts with prefix, for
// a prefix that is not empty and does not end in 0xff.
func PrefixRange(prefix []byte) kv.Range {
	end := append([]byte(nil), prefix...)
	end[len(end)-1]++
	return kv.Range{Begin: append([]byte(nil), prefix...), End: end}
}
