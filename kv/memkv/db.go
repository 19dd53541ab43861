package memkv

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fdbelect/fdbelect/clock"
	"github.com/fdbelect/fdbelect/kv"
)

// FoundationDB's limits, in bytes, and its five-second window in versions.
const (
	maxKeySize    = 10_000
	maxValueSize  = 100_000
	maxTxnSize    = 10_000_000
	maxWatches    = 10_000
	window        = 5_000_000
	versionsPerUs = 1
)

// DB is the embedded engine. It implements kv.Database and is safe for
// concurrent use by many goroutines.
type DB struct {
	opts  Options
	clock clock.Clock
	base  time.Duration // clock.Mono() at New
	seq   atomic.Uint64 // transactions created, for their jitter seeds

	// mu is the commit lock. It guards everything below: storage, the
	// conflict index, the version counters, the fault generator and the
	// watches, and the watch lists of transactions.
	mu        sync.Mutex
	data      store
	conf      conflicts
	committed int64 // newest committed version
	issued    int64 // newest version handed out, read or commit
	lastSweep int64 // version of the last full sweep
	faults    *rand.Rand
	watches   map[string][]*watch
	nwatches  int
}

var _ kv.Database = (*DB)(nil)

// New returns an empty database configured by opts. It never fails:
// negative latencies are treated as zero, fault rates are clamped to
// [0, 1] (and, if they add up to more than 1, the later ones in the order
// conflict, too old, unknown before, unknown after get what is left).
// Options.Validate reports such corrections.
func New(opts Options) *DB {
	if opts.Clock == nil {
		opts.Clock = clock.NewReal()
	}
	opts.ReadLatency = max(opts.ReadLatency, 0)
	opts.CommitLatency = max(opts.CommitLatency, 0)
	for _, r := range []*float64{&opts.ConflictRate, &opts.TooOldRate,
		&opts.UnknownBeforeRate, &opts.UnknownAfterRate} {
		if !(*r > 0) { // also NaN
			*r = 0
		}
		*r = min(*r, 1)
	}

	seed := uint64(opts.Seed)
	return &DB{
		opts:    opts,
		clock:   opts.Clock,
		base:    opts.Clock.Mono(),
		data:    newStore(),
		conf:    newConflicts(),
		faults:  rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d)),
		watches: make(map[string][]*watch),
	}
}

// Transact runs fn in a transaction and commits it, retrying as
// kv.Database documents. fn may run more than once, also after an attempt
// whose commit applied (commit_unknown_result): it must be idempotent.
func (db *DB) Transact(ctx context.Context, fn func(kv.Transaction) error) error {
	t := db.CreateTransaction()
	err := kv.Run(ctx, attempt{t}, fn)
	if err != nil {
		// Watches of the last attempt must not wait for a commit that
		// will never come.
		t.Cancel()
	}
	return err
}

// ReadTransact runs fn in a transaction that is never committed, retrying
// as kv.Database documents.
func (db *DB) ReadTransact(ctx context.Context, fn func(kv.ReadTransaction) error) error {
	t := db.CreateTransaction()
	err := kv.RunRead(ctx, attempt{t}, fn)
	t.Cancel()
	return err
}

// CreateTransaction returns a new explicit transaction. The caller commits
// it with Commit and retries with OnError, as with FoundationDB's bindings.
func (db *DB) CreateTransaction() *Txn {
	t := &Txn{db: db}
	t.snap.t = t
	t.retry.Init(db.clock, splitmix(uint64(db.opts.Seed)+db.seq.Add(1)))
	return t
}

// clockVersion is the version the clock alone gives: one per
// microsecond since New.
func (db *DB) clockVersion() int64 {
	return int64((db.clock.Mono() - db.base) / time.Microsecond * versionsPerUs)
}

// nowVersionLocked is the newest version at this instant.
func (db *DB) nowVersionLocked() int64 {
	return max(db.clockVersion(), db.issued)
}

// readVersion hands out a read version: every commit so far is at or below
// it and every later commit above it.
func (db *DB) readVersion() int64 {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.readVersionLocked()
}

func (db *DB) readVersionLocked() int64 {
	rv := max(db.clockVersion(), db.committed)
	db.issued = max(db.issued, rv)
	return rv
}

// tooOldLocked reports whether reads at rv have left the window.
func (db *DB) tooOldLocked(rv int64) bool {
	return db.nowVersionLocked()-rv > window
}

// read returns the committed value of key at rv.
func (db *DB) read(key []byte, rv int64) ([]byte, bool, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.tooOldLocked(rv) {
		return nil, false, kv.NewError(kv.CodeTransactionTooOld)
	}
	v, ok := db.data.get(key, rv)
	return v, ok, nil
}

// stamp returns the versionstamp of commit version v.
func stamp(v int64) [10]byte {
	var s [10]byte
	binary.BigEndian.PutUint64(s[:8], uint64(v))
	return s
}

// splitmix scrambles x into a well-mixed seed.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// attempt adapts a Txn to kv.Attempt: its Reset keeps the options, as
// FoundationDB's on_error does, where Txn.Reset clears them.
type attempt struct{ *Txn }

func (a attempt) Reset()               { a.Txn.reset(kv.ErrCancelled, true) }
func (a attempt) Retrier() *kv.Retrier { return &a.Txn.retry }
