package memkv_test

import (
	"context"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/kv/kvtest"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// linPrefix is where the linearizability workloads keep their keys.
var linPrefix = []byte("lin\x00")

// TestLinearizable checks that concurrent, randomized workloads on the
// engine are strictly serializable: without faults, with latency, and with
// injected conflicts, too-old reads and commit_unknown_result both before
// and after applying.
func TestLinearizable(t *testing.T) {
	faults := memkv.Options{
		Seed:              3,
		ReadLatency:       50 * time.Microsecond,
		CommitLatency:     100 * time.Microsecond,
		ConflictRate:      0.05,
		TooOldRate:        0.02,
		UnknownBeforeRate: 0.04,
		UnknownAfterRate:  0.04,
	}
	cases := []struct {
		name        string
		db          memkv.Options
		wantUnknown bool
	}{
		{"plain", memkv.Options{Seed: 1}, false},
		{"latency", memkv.Options{
			Seed: 2, ReadLatency: 100 * time.Microsecond, CommitLatency: 200 * time.Microsecond,
		}, false},
		{"faults", faults, true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := memkv.New(c.db)
			h := kvtest.CheckLinearizable(t, db, linPrefix, kvtest.LinearOptions{
				Seed:     uint64(i + 1),
				Clients:  4,
				Keys:     3,
				Ops:      200,
				Duration: time.Second,
			})
			if c.wantUnknown && h.Unknown == 0 {
				t.Errorf("no transaction had an unknown outcome; the faults were not exercised")
			}
		})
	}
}

// TestLinearizableNegativeControl checks that the same checker rejects a
// database that serves stale reads, so that a passing TestLinearizable
// means something.
func TestLinearizableNegativeControl(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	db := kvtest.StaleReader(memkv.New(memkv.Options{Seed: 4}))
	h, err := kvtest.RecordHistory(ctx, db, linPrefix, kvtest.LinearOptions{
		Seed:    4,
		Clients: 3,
		Keys:    2,
		Ops:     60,
	})
	if err != nil {
		t.Fatalf("RecordHistory: %v", err)
	}
	if got := h.Check(30 * time.Second); got != kvtest.NotLinearizable {
		t.Errorf("stale-read database, %d transactions: got %v, want %v",
			h.Len(), got, kvtest.NotLinearizable)
	}
}
