package memkv_test

import (
	"context"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/kvtest"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// linPrefix is where the linearizability workloads keep their keys.
var linPrefix = []byte("lin\x00")

// linSeeds returns how many seeds each linearizability case runs: one by
// default, more when KVTEST_LIN_SEEDS asks for a longer search.
func linSeeds(t *testing.T) int {
	s := os.Getenv("KVTEST_LIN_SEEDS")
	if s == "" {
		return 1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("KVTEST_LIN_SEEDS=%q: want a positive integer", s)
	}
	return n
}

// TestLinearizable checks that concurrent, randomized workloads on the
// engine are strictly serializable: without faults, with latency, and with
// injected conflicts, too-old reads and commit_unknown_result both before
// and after applying.
func TestLinearizable(t *testing.T) {
	faults := memkv.Options{
		ReadLatency:       50 * time.Microsecond,
		CommitLatency:     100 * time.Microsecond,
		ConflictRate:      0.05,
		TooOldRate:        0.02,
		UnknownBeforeRate: 0.04,
		UnknownAfterRate:  0.04,
	}
	latency := memkv.Options{
		ReadLatency:   100 * time.Microsecond,
		CommitLatency: 200 * time.Microsecond,
	}
	cases := []struct {
		name        string
		db          memkv.Options
		wantUnknown bool
	}{
		{"plain", memkv.Options{}, false},
		{"latency", latency, false},
		{"faults", faults, true},
	}
	seeds := linSeeds(t)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			unknown := 0
			for s := range seeds {
				seed := uint64(1000*i + s + 1)
				opts := c.db
				opts.Seed = int64(seed)
				h := kvtest.CheckLinearizable(t, memkv.New(opts), linPrefix, kvtest.LinearOptions{
					Seed:     seed,
					Clients:  4,
					Keys:     3,
					Ops:      200,
					Duration: time.Second,
				})
				unknown += h.Unknown
			}
			if c.wantUnknown && unknown == 0 {
				t.Errorf("no transaction had an unknown outcome; the faults were not exercised")
			}
		})
	}
}

// TestLinearizableNegativeControl checks that the same checker rejects
// databases that are broken on purpose, so that a passing TestLinearizable
// means something: one serves stale reads, the other reports some commits
// as successful while dropping their writes.
func TestLinearizableNegativeControl(t *testing.T) {
	cases := []struct {
		name string
		db   kv.Database
	}{
		{"stale reads", kvtest.StaleReader(memkv.New(memkv.Options{Seed: 4}))},
		{"lost writes", &lossyDB{Database: memkv.New(memkv.Options{Seed: 5})}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()

			h, err := kvtest.RecordHistory(ctx, c.db, linPrefix, kvtest.LinearOptions{
				Seed:    4,
				Clients: 3,
				Keys:    2,
				Ops:     60,
			})
			if err != nil {
				t.Fatalf("RecordHistory: %v", err)
			}
			if got := h.Check(30 * time.Second); got != kvtest.NotLinearizable {
				t.Errorf("%s, %d transactions: got %v, want %v",
					c.name, h.Len(), got, kvtest.NotLinearizable)
			}
		})
	}
}

// lossyDB drops the writes of every third Transact call and still reports
// success.
type lossyDB struct {
	kv.Database
	calls atomic.Int64
}

// Transact runs fn on a transaction whose writes are discarded on every
// third call.
func (l *lossyDB) Transact(ctx context.Context, fn func(kv.Transaction) error) error {
	if l.calls.Add(1)%3 != 0 {
		return l.Database.Transact(ctx, fn)
	}
	return l.Database.Transact(ctx, func(tr kv.Transaction) error {
		return fn(deaf{tr})
	})
}

// deaf is a transaction that ignores sets and clears.
type deaf struct{ kv.Transaction }

func (deaf) Set(key, value []byte) {}
func (deaf) Clear(key []byte)      {}
