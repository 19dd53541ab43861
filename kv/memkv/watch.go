package memkv

import (
	"bytes"

	"github.com/fdbelect/fdbelect/kv"
)

// watch is a pending kv.FutureNil for a key's value.
type watch struct {
	db  *DB
	key []byte

	// Guarded by db.mu.
	val     []byte // value seen by the transaction (unless local)
	present bool
	local   bool // the transaction wrote key: compare with what it committed
	armed   bool
	counted bool // holds one of the DB's watch slots
	done    bool
	err     error

	ready chan struct{} // closed when done
}

var _ kv.FutureNil = (*watch)(nil)

// Watch returns a future that fires when key's committed value differs from
// the value this transaction saw for it (read or written). It is armed when
// the transaction commits and fails with the commit's error if it does not.
// At most 10,000 watches may be outstanding per DB (too_many_watches, 1032).
func (t *Txn) Watch(key []byte) kv.FutureNil {
	db := t.db
	w := &watch{db: db, ready: make(chan struct{})}
	if err := t.watchable(key); err != nil {
		w.done, w.err = true, err
		close(w.ready)
		return w
	}

	// The watch compares with the value the transaction sees now, its own
	// writes included, as FoundationDB's does: a later write of the key in
	// the same transaction fires it at commit. Only a value that contains
	// the commit's versionstamp is taken at commit instead.
	w.key = append([]byte(nil), key...)
	e := t.entry(key)
	w.local = t.isUnreadable(key) || (e != nil && e.base == baseStamp)
	rv := t.readVersion()

	db.mu.Lock()
	defer db.mu.Unlock()
	if db.nwatches >= maxWatches {
		w.finishLocked(kv.NewError(kv.CodeTooManyWatches))
		return w
	}
	if !w.local {
		var v []byte
		var ok bool
		if e != nil || !t.locallyCleared(key) {
			v, ok = db.data.get(key, rv)
		}
		if e != nil {
			v, ok = e.resolve(v, ok, nil)
		}
		w.val, w.present = present(v, ok), ok
	}
	db.nwatches++
	w.counted = true
	t.watches = append(t.watches, w)
	return w
}

func (t *Txn) watchable(key []byte) error {
	if err := t.usable(); err != nil {
		return err
	}
	if systemKey(key) {
		return kv.NewError(kv.CodeKeyOutsideLegalRange)
	}
	if len(key) > maxKeySize {
		return kv.NewError(kv.CodeKeyTooLarge)
	}
	return nil
}

// finishLocked completes w with err (nil: it fired). Only the first call
// counts.
func (w *watch) finishLocked(err error) {
	if w.done {
		return
	}
	if w.armed {
		w.db.unlistLocked(w)
	}
	if w.counted {
		w.db.nwatches--
		w.counted = false
	}
	w.done, w.err = true, err
	close(w.ready)
}

// armWatchesLocked arms t's watches after its commit. A watch whose key has
// already changed since the transaction saw it fires at once.
func (t *Txn) armWatchesLocked() {
	db := t.db
	for _, w := range t.watches {
		if w.done {
			continue
		}
		if w.local {
			w.val, w.present = db.data.getLatest(w.key)
			w.local = false
		}
		cur, ok := db.data.getLatest(w.key)
		if ok != w.present || !bytes.Equal(cur, w.val) {
			w.finishLocked(nil)
			continue
		}
		w.armed = true
		db.watches[string(w.key)] = append(db.watches[string(w.key)], w)
	}
	t.watches = nil
}

// unlistLocked removes an armed watch from the DB's index.
func (db *DB) unlistLocked(w *watch) {
	list := db.watches[string(w.key)]
	for i, x := range list {
		if x == w {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(db.watches, string(w.key))
	} else {
		db.watches[string(w.key)] = list
	}
	w.armed = false
}

// fireWatchesLocked fires the armed watches whose key a commit changed to a
// value other than the one they wait on.
func (db *DB) fireWatchesLocked(muts []Mutation) {
	var hit []*watch
	for _, m := range muts {
		if m.Kind == MutationClearRange {
			for k, list := range db.watches {
				if inRange([]byte(k), kv.Range{Begin: m.Key, End: m.End}) {
					hit = append(hit, list...)
				}
			}
			continue
		}
		hit = append(hit, db.watches[string(m.Key)]...)
	}
	for _, w := range hit {
		if w.done {
			continue
		}
		cur, ok := db.data.getLatest(w.key)
		if ok != w.present || !bytes.Equal(cur, w.val) {
			w.finishLocked(nil)
		}
	}
}

// Get waits until the watch fires (nil) or fails.
func (w *watch) Get() error {
	<-w.ready
	w.db.mu.Lock()
	defer w.db.mu.Unlock()
	return w.err
}

// MustGet is Get that panics with the error.
func (w *watch) MustGet() {
	if err := w.Get(); err != nil {
		panic(err)
	}
}

// IsReady reports whether the watch has fired or failed.
func (w *watch) IsReady() bool {
	select {
	case <-w.ready:
		return true
	default:
		return false
	}
}

// Ready returns a channel closed when the watch has fired or failed.
func (w *watch) Ready() <-chan struct{} { return w.ready }

// Cancel stops the watch; Get then returns operation_cancelled (1101).
func (w *watch) Cancel() {
	w.db.mu.Lock()
	defer w.db.mu.Unlock()
	w.finishLocked(kv.NewError(kv.CodeOperationCancelled))
}
