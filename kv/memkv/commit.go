package memkv

import (
	"github.com/fdbelect/fdbelect/kv"
)

// hasWrites reports whether committing t changes anything or records a
// write conflict; a transaction without writes commits at once.
func (t *Txn) hasWrites() bool {
	return t.writes.len() > 0 || len(t.clears) > 0 ||
		len(t.vsKeys) > 0 || len(t.writeConf) > 0
}

// Commit applies the transaction's writes atomically, or returns the
// *kv.Error that says why not: not_committed (1020) on a conflict,
// transaction_too_old (1007) past the five-second window,
// commit_unknown_result (1021) when a fault hides the outcome, a size or
// argument error, or the deferred error of an earlier call. A transaction
// without writes commits at once. Commit blocks for CommitLatency. A second
// Commit without Reset fails with used_during_commit (2017).
func (t *Txn) Commit() error {
	if err := t.usable(); err != nil {
		// Also a second Commit: the first one's watches and versionstamp
		// keep the outcome they have.
		return err
	}
	// From here on the transaction is spent, whatever the outcome, until
	// Reset or OnError: committing again would apply atomic operations a
	// second time after an ambiguous commit that did apply.
	t.started = true
	err := t.commit()
	if err != nil {
		t.db.mu.Lock()
		t.failPendingLocked(err)
		t.db.mu.Unlock()
	}
	return err
}

func (t *Txn) commit() error {
	if !t.hasWrites() {
		t.db.mu.Lock()
		t.committed = true
		t.armWatchesLocked()
		t.failStampLocked(kv.NewError(kv.CodeNoCommitVersion))
		t.db.mu.Unlock()
		return nil
	}
	if t.size > maxTxnSize {
		return kv.NewError(kv.CodeTransactionTooLarge)
	}
	if d := t.db.opts.CommitLatency; d > 0 {
		if err := t.await(t.db.clock.Mono() + d); err != nil {
			return err
		}
	}
	return t.db.commit(t)
}

// commit checks t for conflicts and applies it under the commit lock.
func (db *DB) commit(t *Txn) error {
	db.mu.Lock()
	defer db.mu.Unlock()

	if t.cancelled.Load() {
		return kv.NewError(kv.CodeTransactionCancelled)
	}
	if !t.hasRV {
		// A blind write needs no snapshot; it reads at the newest version.
		t.rv, t.hasRV = db.readVersionLocked(), true
	}
	if db.tooOldLocked(t.rv) {
		return kv.NewError(kv.CodeTransactionTooOld)
	}
	for _, r := range t.readConf {
		if db.data.newer(r.Begin, r.End, t.rv) || db.conf.newer(r.Begin, r.End, t.rv) {
			return kv.NewError(kv.CodeNotCommitted)
		}
	}

	cv := max(db.clockVersion(), db.issued+1)
	info := CommitInfo{ReadVersion: t.rv, Version: cv, Versionstamp: stamp(cv)}
	info.Mutations = t.resolveLocked(&info.Versionstamp)

	switch f := db.faultLocked(info); f {
	case FaultConflict:
		return kv.NewError(kv.CodeNotCommitted)
	case FaultTooOld:
		return kv.NewError(kv.CodeTransactionTooOld)
	case FaultUnknownBefore:
		return kv.NewError(kv.CodeCommitUnknownResult)
	case FaultUnknownAfter:
		// The commit applies, but its caller learns only that it may have:
		// its watches and versionstamp fail like those of a failed commit.
		db.applyLocked(t, info)
		return kv.NewError(kv.CodeCommitUnknownResult)
	}
	db.applyLocked(t, info)
	t.committed, t.version = true, cv
	t.armWatchesLocked()
	if t.vstamp != nil {
		t.vstamp.resolve(info.Versionstamp[:], nil)
	}
	return nil
}

// faultLocked decides the fault injected into a commit.
func (db *DB) faultLocked(info CommitInfo) Fault {
	o := &db.opts
	if o.CommitFault != nil {
		return o.CommitFault(info)
	}
	if o.ConflictRate+o.TooOldRate+o.UnknownBeforeRate+o.UnknownAfterRate == 0 {
		return FaultNone
	}
	x := db.faults.Float64()
	for _, c := range []struct {
		rate  float64
		fault Fault
	}{
		{o.ConflictRate, FaultConflict},
		{o.TooOldRate, FaultTooOld},
		{o.UnknownBeforeRate, FaultUnknownBefore},
		{o.UnknownAfterRate, FaultUnknownAfter},
	} {
		if x < c.rate {
			return c.fault
		}
		x -= c.rate
	}
	return FaultNone
}

// resolveLocked turns t's pending writes into the mutations the commit
// applies: the cleared ranges, merged, in key order; then each key in key
// order, with its atomic operations applied to the newest committed value;
// then the versionstamped keys.
func (t *Txn) resolveLocked(st *[10]byte) []Mutation {
	db := t.db
	n := len(t.clears) + len(t.vsKeys)
	n += t.writes.len()
	muts := make([]Mutation, 0, n)

	for _, r := range t.clears {
		muts = append(muts, Mutation{Kind: MutationClearRange, Key: r.Begin, End: r.End})
	}
	{
		t.writes.ascend(func(e *wentry) bool {
			var old []byte
			var ok bool
			if e.base == baseDB {
				old, ok = db.data.getLatest(e.key)
			}
			if v, ok := e.resolve(old, ok, st); ok {
				muts = append(muts, Mutation{Kind: MutationSet, Key: e.key, Value: v})
			} else {
				muts = append(muts, Mutation{Kind: MutationClear, Key: e.key})
			}
			return true
		})
	}
	for _, vk := range t.vsKeys {
		key := substitute(vk.key, vk.pos, st)
		muts = append(muts, Mutation{Kind: MutationSet, Key: key, Value: vk.param})
	}
	return muts
}

// applyLocked makes a commit durable at info.Version: storage, the
// conflict index, the watches it fires and the observer.
func (db *DB) applyLocked(t *Txn, info CommitInfo) {
	cv := info.Version
	db.issued, db.committed = cv, cv
	horizon := cv - window

	// What the store keeps is copied into one buffer of the exact size, so
	// that history does not pin the transaction's larger arena.
	need := 0
	for _, m := range info.Mutations {
		need += len(m.Key) + len(m.Value) + len(m.End)
	}
	for _, r := range t.writeConf {
		need += len(r.Begin) + len(r.End)
	}
	buf := make([]byte, 0, need)
	keep := func(b []byte) []byte {
		n := len(buf)
		buf = append(buf, b...)
		return buf[n:len(buf):len(buf)]
	}

	for _, m := range info.Mutations {
		switch m.Kind {
		case MutationSet:
			db.data.put(keep(m.Key), keep(m.Value), false, cv, horizon)
		case MutationClear:
			db.data.put(keep(m.Key), nil, true, cv, horizon)
		case MutationClearRange:
			b, e := keep(m.Key), keep(m.End)
			db.data.clearRange(b, e, cv, horizon)
			db.conf.write(b, e, cv)
		}
	}
	for _, r := range t.writeConf {
		db.conf.write(keep(r.Begin), keep(r.End), cv)
	}
	if len(db.watches) > 0 {
		db.fireWatchesLocked(info.Mutations)
	}
	db.maybeSweepLocked(cv)

	if db.opts.OnCommit != nil {
		db.opts.OnCommit(info)
	}
}

// maybeSweepLocked drops history the window no longer needs, when it has
// doubled since the last sweep or a window's worth of versions has passed.
// The cost of a sweep is linear in what is held, and it runs at most once
// per doubling, so it adds a constant per commit on average.
func (db *DB) maybeSweepLocked(cv int64) {
	horizon := cv - window
	aged := cv-db.lastSweep > window
	dataDue := db.data.excess() > max(1024, 2*db.data.swept)
	confDue := db.conf.tree.Len() > max(2048, 2*db.conf.swept)
	if aged && (db.data.excess() > 0 || db.conf.tree.Len() > 0) {
		dataDue, confDue = true, true
	}
	if dataDue {
		db.data.sweep(horizon)
	}
	if confDue {
		db.conf.sweep(horizon)
	}
	if dataDue || confDue {
		db.lastSweep = cv
	}
}
