package memkv_test

import (
	"context"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/kvtest"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// TestConformance runs the kv conformance suite on a fresh engine per
// subtest, under a non-empty prefix so that the suite's prefix discipline
// is exercised too.
func TestConformance(t *testing.T) {
	kvtest.Run(t, func(t *testing.T) (kv.Database, []byte) {
		return memkv.New(memkv.Options{}), []byte("kvtest\x00")
	})
}

// TestConformanceWithLatency runs the suite again with read and commit
// latency, so that reads, commits and watches overlap in time the way they
// do on a cluster.
func TestConformanceWithLatency(t *testing.T) {
	kvtest.Run(t, func(t *testing.T) (kv.Database, []byte) {
		opts := memkv.Options{
			ReadLatency:   200 * time.Microsecond,
			CommitLatency: 500 * time.Microsecond,
		}
		return memkv.New(opts), []byte("\xfe")
	})
}

// TestConformanceShared runs the suite on one engine shared by every
// subtest, each under a random prefix that is cleared when it ends. That
// the engine is empty afterwards shows that the suite writes only under
// the prefixes it is given.
func TestConformanceShared(t *testing.T) {
	db := memkv.New(memkv.Options{})
	kvtest.Run(t, kvtest.SharedOpener(db, []byte("shared/")))

	err := db.ReadTransact(context.Background(), func(tr kv.ReadTransaction) error {
		kvs, err := tr.GetRange(kv.Range{Begin: nil, End: []byte("\xff")},
			kv.RangeOptions{Limit: 5}).
			GetSliceWithError()
		if err == nil && len(kvs) > 0 {
			t.Errorf("after the suite, keys remain outside cleared prefixes, e.g. %q", kvs[0].Key)
		}
		return err
	})
	if err != nil {
		t.Fatalf("reading what remains: %v", err)
	}
}
