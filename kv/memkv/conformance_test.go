package memkv_test

import (
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
		opts := memkv.Options{ReadLatency: 200 * time.Microsecond, CommitLatency: 500 * time.Microsecond}
		return memkv.New(opts), []byte("\xfe")
	})
}
