package memkv

import (
	"context"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// snapshot is the view of a Txn returned by Snapshot.
type snapshot struct{ t *Txn }

var _ kv.ReadTransaction = (*snapshot)(nil)

func (s *snapshot) Get(key []byte) kv.FutureValue { return s.t.get(key, true) }

func (s *snapshot) GetRange(r kv.Range, opts kv.RangeOptions) kv.RangeResult {
	return s.t.getRange(r, opts, true)
}

func (s *snapshot) GetReadVersion() kv.FutureInt64 { return s.t.GetReadVersion() }
func (s *snapshot) Snapshot() kv.ReadTransaction   { return s }
func (s *snapshot) SetTimeout(d time.Duration)     { s.t.SetTimeout(d) }
func (s *snapshot) SetRetryLimit(n int)            { s.t.SetRetryLimit(n) }

// GetVersionstamp returns a future for the versionstamp of this
// transaction's commit. It fails with no_commit_version (2021) if the
// transaction commits without writes, and with the commit's error (or
// transaction_cancelled after Reset or Cancel) if it does not commit.
func (t *Txn) GetVersionstamp() kv.FutureKey {
	t.db.mu.Lock()
	defer t.db.mu.Unlock()
	if t.vstamp == nil {
		t.vstamp = newKeyFuture()
		if err := t.usable(); err != nil {
			t.vstamp.resolve(nil, err)
		}
	}
	return t.vstamp
}

// failStampLocked fails a pending versionstamp future.
func (t *Txn) failStampLocked(err error) {
	if t.vstamp != nil {
		t.vstamp.resolve(nil, err)
	}
}

// failPendingLocked fails the watches and versionstamp of an attempt that
// did not commit.
func (t *Txn) failPendingLocked(err error) {
	for _, w := range t.watches {
		w.finishLocked(err)
	}
	t.watches = nil
	t.failStampLocked(err)
}

// OnError handles err like FoundationDB's on_error: for a retryable error
// within the retry limit it waits the jittered backoff on the DB's clock,
// resets the transaction (keeping its timeout and retry limit) and returns
// nil; otherwise it returns err (or transaction_timed_out).
func (t *Txn) OnError(err error) error {
	if werr := t.retry.Wait(context.Background(), err); werr != nil {
		return werr
	}
	t.reset(err, true)
	return nil
}

// OnErrorDelay decides like OnError but does not sleep: for a retryable
// error within the retry limit it resets the transaction and returns the
// jittered backoff the caller should wait before retrying; otherwise it
// returns err. A scheduler that runs many transactions on one goroutine in
// virtual time uses it instead of OnError, which would block that goroutine
// until someone else advanced the clock.
func (t *Txn) OnErrorDelay(err error) (time.Duration, error) {
	d, gaveUp := t.retry.Delay(err)
	if gaveUp != nil {
		return 0, gaveUp
	}
	t.reset(err, true)
	return d, nil
}

// Reset returns the transaction to its state when created: reads, writes
// and options are dropped and the timeout restarts. Pending watches and the
// versionstamp future fail with transaction_cancelled (1025).
func (t *Txn) Reset() {
	t.reset(kv.ErrCancelled, false)
}

// reset clears the attempt; keep says whether the retry state survives.
func (t *Txn) reset(err error, keep bool) {
	db := t.db
	db.mu.Lock()
	if !t.committed {
		t.failPendingLocked(err)
	}
	t.txnAttempt = txnAttempt{}
	t.cancelled.Store(false)
	db.mu.Unlock()

	if !keep {
		t.retry.Init(t.db.clock, splitmix(uint64(t.db.opts.Seed)+t.db.seq.Add(1)))
	}
}

// Cancel cancels the transaction: every later call fails with
// transaction_cancelled (1025), and so do its pending watches and
// versionstamp. Cancel may be called from any goroutine, more than once.
func (t *Txn) Cancel() {
	t.db.mu.Lock()
	defer t.db.mu.Unlock()
	// Stored under db.mu: Reset rewrites the whole Txn under the same lock.
	t.cancelled.Store(true)
	if !t.committed {
		t.failPendingLocked(kv.NewError(kv.CodeTransactionCancelled))
	}
}
