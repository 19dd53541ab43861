package kv

import (
	"context"
	"time"
)

// Database is a transactional ordered key-value store with FoundationDB's
// semantics. Implementations are safe for concurrent use.
type Database interface {
	// Transact runs fn in a read-write transaction and commits it, retrying
	// fn in a fresh transaction whenever FoundationDB's client would retry
	// (see IsRetryable). Because commit_unknown_result is retried, fn may run
	// again after an attempt whose commit did apply: fn must be idempotent,
	// or must check what an earlier attempt wrote. Transact returns fn's
	// error as is when it is not retryable, ctx.Err() (wrapped) when the
	// context ends, transaction_timed_out (1031) when the transaction's
	// timeout passes, and the last error when its retry limit is reached.
	Transact(ctx context.Context, fn func(tr Transaction) error) error

	// ReadTransact runs fn in a transaction that may only read, with the
	// same retry rules as Transact. Nothing is committed.
	ReadTransact(ctx context.Context, fn func(tr ReadTransaction) error) error
}

// ReadTransaction is the read side of a transaction. Method names and meaning
// follow the official Go bindings' fdb.ReadTransaction, except that keys are
// plain byte slices.
//
// A transaction takes its read version at its first read and then sees one
// consistent snapshot of the database plus its own writes. Reads issued
// before waiting on any of them proceed together: issuing three Gets and
// then calling Get on each future costs one round trip, not three.
type ReadTransaction interface {
	// Get reads key. The future yields nil for an absent key and a non-nil
	// (possibly empty) slice for a present one.
	Get(key []byte) FutureValue

	// GetRange reads the keys in [r.Begin, r.End) in key order, or in
	// reverse order with opts.Reverse, at most opts.Limit of them when
	// opts.Limit > 0.
	GetRange(r Range, opts RangeOptions) RangeResult

	// GetReadVersion returns the transaction's read version, taking it now
	// if no read has taken it yet.
	GetReadVersion() FutureInt64

	// Snapshot returns a view of the same transaction whose reads add no
	// read conflict ranges. It still sees the transaction's own writes.
	Snapshot() ReadTransaction

	// SetTimeout bounds the whole transaction, retries included, to d from
	// the first attempt; zero means no bound. Like FoundationDB's timeout
	// option, it persists across retries.
	SetTimeout(d time.Duration)

	// SetRetryLimit bounds how many times the retry loop retries; a negative
	// value means no bound. It persists across retries.
	SetRetryLimit(n int)
}

// Transaction is a read-write transaction. Writes are buffered and applied
// atomically at commit; the transaction's own reads see them at once.
type Transaction interface {
	ReadTransaction

	// Set writes value at key.
	Set(key, value []byte)

	// Clear removes key.
	Clear(key []byte)

	// ClearRange removes every key in [r.Begin, r.End).
	ClearRange(r Range)

	// Add treats param and the stored value as little-endian integers and
	// stores their sum, truncated to len(param) bytes.
	Add(key, param []byte)

	// BitAnd stores the bitwise AND of the stored value and param.
	BitAnd(key, param []byte)

	// BitOr stores the bitwise OR of the stored value and param.
	BitOr(key, param []byte)

	// BitXor stores the bitwise XOR of the stored value and param.
	BitXor(key, param []byte)

	// AppendIfFits appends param to the stored value unless the result
	// would exceed the value size limit, in which case nothing changes.
	AppendIfFits(key, param []byte)

	// Max stores the larger of the stored value and param, compared as
	// little-endian unsigned integers.
	Max(key, param []byte)

	// Min stores the smaller of the stored value and param, compared as
	// little-endian unsigned integers.
	Min(key, param []byte)

	// ByteMax stores the lexicographically larger of the stored value and
	// param.
	ByteMax(key, param []byte)

	// ByteMin stores the lexicographically smaller of the stored value and
	// param.
	ByteMin(key, param []byte)

	// CompareAndClear clears key if its stored value equals param.
	CompareAndClear(key, param []byte)

	// SetVersionstampedKey writes param at a key made from key by replacing
	// ten bytes with the commit's versionstamp. The last four bytes of key
	// are a little-endian offset of those ten bytes and are removed.
	SetVersionstampedKey(key, param []byte)

	// SetVersionstampedValue writes at key a value made from param the same
	// way: its last four bytes are a little-endian offset of ten bytes that
	// the commit's versionstamp replaces. Reading key afterwards in the same
	// transaction fails with accessed_unreadable (1036).
	SetVersionstampedValue(key, param []byte)

	// Watch returns a future that becomes ready when the committed value of
	// key differs from the value this transaction read or wrote for it. The
	// watch is armed when the transaction commits and fails if it does not;
	// it outlives the transaction until it fires or is cancelled.
	Watch(key []byte) FutureNil

	// GetVersionstamp returns a future that yields the ten-byte versionstamp
	// of this transaction's commit once it has committed.
	GetVersionstamp() FutureKey

	// AddReadConflictKey adds key to the transaction's read conflict set.
	AddReadConflictKey(key []byte) error

	// AddReadConflictRange adds [r.Begin, r.End) to the read conflict set.
	AddReadConflictRange(r Range) error

	// AddWriteConflictKey adds key to the write conflict set.
	AddWriteConflictKey(key []byte) error

	// AddWriteConflictRange adds [r.Begin, r.End) to the write conflict set.
	AddWriteConflictRange(r Range) error
}

// Range is the half-open key range [Begin, End).
type Range struct {
	Begin, End []byte
}

// KeyValue is one key and its value, as returned by a range read.
type KeyValue struct {
	Key, Value []byte
}

// RangeOptions shape a range read. The zero value reads the whole range in
// ascending order.
type RangeOptions struct {
	// Limit caps how many pairs are returned; zero or less means no cap.
	Limit int

	// Reverse returns pairs in descending key order. With a limit, it keeps
	// the last Limit keys of the range instead of the first.
	Reverse bool
}

// FutureValue is the pending result of a Get.
type FutureValue interface {
	// Get waits for the value. It returns nil, nil for an absent key.
	Get() ([]byte, error)

	// MustGet is Get that panics with the error instead of returning it.
	// Transact and ReadTransact recover such a panic and treat it as the
	// error fn returned, as the official bindings do.
	MustGet() []byte

	// IsReady reports whether Get would return without waiting.
	IsReady() bool
}

// FutureKey is the pending result of GetVersionstamp.
type FutureKey interface {
	Get() ([]byte, error)
	MustGet() []byte
	IsReady() bool
}

// FutureInt64 is the pending result of GetReadVersion.
type FutureInt64 interface {
	Get() (int64, error)
	MustGet() int64
	IsReady() bool
}

// FutureNil is the pending result of a watch.
type FutureNil interface {
	// Get waits until the watch fires (nil) or fails (an error such as
	// transaction_cancelled after Cancel, or the commit's error).
	Get() error

	// MustGet is Get that panics with the error.
	MustGet()

	// IsReady reports whether Get would return without waiting.
	IsReady() bool

	// Ready returns a channel that is closed when Get would return without
	// waiting, for use in a select.
	Ready() <-chan struct{}

	// Cancel stops the watch; Get then returns operation_cancelled (1101)
	// unless it had already fired, as a cancelled FoundationDB future does.
	// (A watch whose transaction is reset or cancelled before it commits
	// fails with transaction_cancelled, 1025.) Cancel is safe to call more
	// than once.
	Cancel()
}

// RangeResult is the pending result of a GetRange.
type RangeResult interface {
	// GetSliceWithError waits for and returns every pair of the range.
	GetSliceWithError() ([]KeyValue, error)

	// Iterator returns an iterator over the pairs, fetched in batches.
	Iterator() RangeIterator
}

// RangeIterator walks a range read. Call Advance before each Get.
type RangeIterator interface {
	// Advance reports whether another pair (or an error) is available.
	Advance() bool

	// Get returns the current pair or the error that ended the read.
	Get() (KeyValue, error)

	// MustGet is Get that panics with the error.
	MustGet() KeyValue
}
