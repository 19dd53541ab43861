package memkv

import (
	"bytes"
	"sync/atomic"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// baseKind says what a key's value was before the transaction's pending
// atomic operations on it.
type baseKind uint8

const (
	baseDB     baseKind = iota // the committed value, read at commit
	baseAbsent                 // cleared by this transaction
	baseSet                    // set by this transaction to val
	baseStamp                  // versionstamped value val, offset pos
)

// wentry is the transaction's pending state for one key.
type wentry struct {
	key  []byte
	base baseKind
	val  []byte
	pos  int
	ops  []atomicOp
}

func wentryLess(a, b *wentry) bool { return bytes.Compare(a.key, b.key) < 0 }

// resolve returns the value of e over a base value read from the database
// (used only when e.base is baseDB) and the versionstamp to substitute.
func (e *wentry) resolve(db []byte, dbOK bool, st *[10]byte) ([]byte, bool) {
	var v []byte
	var ok bool
	switch e.base {
	case baseDB:
		v, ok = db, dbOK
	case baseSet:
		v, ok = e.val, true
	case baseStamp:
		v, ok = substitute(e.val, e.pos, st), true
	}
	for _, op := range e.ops {
		v, ok = op.apply(v, ok)
	}
	return v, ok
}

// substitute returns a copy of b with st written at pos.
func substitute(b []byte, pos int, st *[10]byte) []byte {
	out := append([]byte(nil), b...)
	copy(out[pos:pos+10], st[:])
	return out
}

// vsKey is a pending SET_VERSIONSTAMPED_KEY.
type vsKey struct {
	key   []byte
	pos   int
	param []byte
}

// Txn is an explicit transaction of a DB. It implements kv.Transaction and
// adds Commit, OnError, Reset and Cancel, the way FoundationDB's bindings
// drive a transaction by hand.
//
// A Txn is used by one goroutine at a time; only Cancel may be called from
// another. Futures may be waited on from any goroutine.
type Txn struct {
	db    *DB
	retry kv.Retrier
	snap  snapshot

	cancelled atomic.Bool

	txnAttempt
}

// txnAttempt is the state of one attempt of a Txn, cleared by Reset. It is
// kept apart from the fields above so that Reset rewrites only it, while
// Cancel may read db and write cancelled from another goroutine.
type txnAttempt struct {
	hasRV      bool
	rv         int64
	writes     writeSet
	clears     []kv.Range
	vsKeys     []vsKey
	unreadable []kv.Range
	readConf   []kv.Range
	writeConf  []kv.Range
	size       int
	arena      []byte
	deferred   error // a write error, reported by every later call
	started    bool  // Commit was called: every later use fails with 2017
	committed  bool
	version    int64

	// Room for the first few entries and conflict ranges, so that a small
	// transaction makes no allocation for them.
	entryBuf [4]wentry
	smallBuf [4]*wentry
	rangeBuf [4]kv.Range

	// Guarded by db.mu: they change under Cancel too.
	watches []*watch
	vstamp  *keyFuture
}

var _ kv.Transaction = (*Txn)(nil)

// copyBytes returns b copied into the transaction's arena. Arena bytes are
// never overwritten: Reset drops the arena instead of reusing it, because
// futures and the CommitInfo given to the hooks keep pointing into it.
func (t *Txn) copyBytes(b []byte) []byte {
	if len(b) > 4096 {
		return append([]byte(nil), b...)
	}
	if cap(t.arena)-len(t.arena) < len(b) {
		t.arena = make([]byte, 0, max(256, 2*len(b)))
	}
	n := len(t.arena)
	t.arena = append(t.arena, b...)
	return t.arena[n : n+len(b) : n+len(b)]
}

// usable returns the error that every operation now reports, if any.
func (t *Txn) usable() error {
	if t.cancelled.Load() {
		return kv.NewError(kv.CodeTransactionCancelled)
	}
	if t.deferred != nil {
		return t.deferred
	}
	if t.started {
		return kv.NewError(kv.CodeUsedDuringCommit)
	}
	if t.retry.TimedOut() {
		return kv.NewError(kv.CodeTransactionTimedOut)
	}
	return nil
}

// readVersion returns the read version, taking it at the first call.
func (t *Txn) readVersion() int64 {
	if !t.hasRV {
		t.rv = t.db.readVersion()
		t.hasRV = true
	}
	return t.rv
}

// readyAt is when a read issued now completes.
func (t *Txn) readyAt() time.Duration {
	if t.db.opts.ReadLatency == 0 {
		return 0
	}
	return t.db.clock.Mono() + t.db.opts.ReadLatency
}

// await waits on the clock until at, failing with transaction_timed_out
// when the timeout comes first.
func (t *Txn) await(at time.Duration) error {
	if at == 0 {
		return nil
	}
	d := at - t.db.clock.Mono()
	if d <= 0 {
		return nil
	}
	if left, ok := t.retry.Remaining(); ok && left < d {
		sleep(t.db, left)
		return kv.NewError(kv.CodeTransactionTimedOut)
	}
	sleep(t.db, d)
	if t.cancelled.Load() {
		return kv.NewError(kv.CodeTransactionCancelled)
	}
	return nil
}

func sleep(db *DB, d time.Duration) {
	if d <= 0 {
		return
	}
	tm := db.clock.NewTimer(d)
	<-tm.C()
}

// entry returns the pending state of key, or nil.
func (t *Txn) entry(key []byte) *wentry {
	return t.writes.get(key)
}

// upsert returns the pending state of key, creating it over the right base.
func (t *Txn) upsert(key []byte) *wentry {
	if e := t.entry(key); e != nil {
		return e
	}
	var e *wentry
	if n := t.writes.len(); n < len(t.entryBuf) {
		e = &t.entryBuf[n]
		e.key = t.copyBytes(key)
	} else {
		e = &wentry{key: t.copyBytes(key)}
	}
	if t.writes.small == nil && t.writes.tree == nil {
		t.writes.small = t.smallBuf[:0]
	}
	if t.locallyCleared(key) {
		e.base = baseAbsent
	}
	t.writes.insert(e)
	t.size += 2*len(key) + 1 // the key's write conflict range
	return e
}

// isUnreadable reports whether key may be written by a pending
// versionstamped key.
func (t *Txn) isUnreadable(key []byte) bool {
	for _, r := range t.unreadable {
		if inRange(key, r) {
			return true
		}
	}
	return false
}

func inRange(key []byte, r kv.Range) bool {
	return bytes.Compare(key, r.Begin) >= 0 && bytes.Compare(key, r.End) < 0
}

func overlaps(a, b kv.Range) bool {
	return bytes.Compare(a.Begin, b.End) < 0 && bytes.Compare(b.Begin, a.End) < 0
}

// keyAfter returns key followed by a zero byte: the end of the range that
// holds only key.
func keyAfter(key []byte) []byte {
	out := make([]byte, len(key)+1)
	copy(out, key)
	return out
}

// systemKey reports whether key lies in FoundationDB's system key space,
// which only system access may touch.
func systemKey(key []byte) bool { return len(key) > 0 && key[0] == 0xff }

// Get reads key. See kv.ReadTransaction.
func (t *Txn) Get(key []byte) kv.FutureValue { return t.get(key, false) }

// Snapshot returns a view whose reads add no read conflict ranges.
func (t *Txn) Snapshot() kv.ReadTransaction { return &t.snap }

func (t *Txn) get(key []byte, snap bool) kv.FutureValue {
	if err := t.usable(); err != nil {
		return &valueFuture{err: err}
	}
	if systemKey(key) {
		return &valueFuture{err: kv.NewError(kv.CodeKeyOutsideLegalRange)}
	}
	if len(key) > maxKeySize {
		// No stored key is that long, so it is absent; FoundationDB
		// answers the same way without a read conflict.
		return &valueFuture{}
	}
	if t.isUnreadable(key) {
		return &valueFuture{err: kv.NewError(kv.CodeAccessedUnreadable)}
	}

	// A value the transaction knows by itself costs no round trip.
	e := t.entry(key)
	if e == nil && t.locallyCleared(key) {
		return &valueFuture{}
	}
	if e != nil && e.base == baseStamp {
		return &valueFuture{err: kv.NewError(kv.CodeAccessedUnreadable)}
	}
	if e != nil && e.base != baseDB {
		v, ok := e.resolve(nil, false, nil)
		return &valueFuture{val: present(v, ok)}
	}

	f := &valueFuture{t: t, at: t.readyAt()}
	rv := t.readVersion()
	v, ok, err := t.db.read(key, rv)
	if err != nil {
		f.err = err
		return f
	}
	if !snap {
		t.addReadConflict(t.pointRange(key), false)
	}
	if e != nil {
		v, ok = e.resolve(v, ok, nil)
	}
	f.val = present(v, ok)
	return f
}

// present returns a copy of v for a present value, nil for an absent one.
func present(v []byte, ok bool) []byte {
	if !ok {
		return nil
	}
	return append(make([]byte, 0, len(v)), v...)
}

// pointRange returns [key, key+00) with both keys in the arena.
func (t *Txn) pointRange(key []byte) kv.Range {
	if cap(t.arena)-len(t.arena) < len(key)+1 {
		t.arena = make([]byte, 0, max(256, 2*len(key)+2))
	}
	n := len(t.arena)
	t.arena = append(append(t.arena, key...), 0)
	end := t.arena[n : n+len(key)+1 : n+len(key)+1]
	return kv.Range{Begin: end[:len(key):len(key)], End: end}
}

// addReadConflict records r; copy says whether r's keys must be copied.
func (t *Txn) addReadConflict(r kv.Range, copyKeys bool) {
	if copyKeys {
		r = kv.Range{Begin: t.copyBytes(r.Begin), End: t.copyBytes(r.End)}
	}
	if t.readConf == nil {
		t.readConf = t.rangeBuf[:0]
	}
	t.readConf = append(t.readConf, r)
	t.size += len(r.Begin) + len(r.End)
}

// GetReadVersion returns the transaction's read version. After Commit it
// still returns the version the transaction read at, if it took one.
func (t *Txn) GetReadVersion() kv.FutureInt64 {
	if t.started && t.hasRV && !t.cancelled.Load() {
		return &int64Future{v: t.rv}
	}
	if err := t.usable(); err != nil {
		return &int64Future{err: err}
	}
	return &int64Future{t: t, v: t.readVersion(), at: t.readyAt()}
}

// SetTimeout bounds the transaction, retries included; see kv.
func (t *Txn) SetTimeout(d time.Duration) { t.retry.SetTimeout(d) }

// SetRetryLimit bounds the retries of the retry loop; see kv.
func (t *Txn) SetRetryLimit(n int) { t.retry.SetRetryLimit(n) }

// GetRange reads a range, merged with the transaction's own writes.
func (t *Txn) GetRange(r kv.Range, opts kv.RangeOptions) kv.RangeResult {
	return t.getRange(r, opts, false)
}

func (t *Txn) getRange(r kv.Range, opts kv.RangeOptions, snap bool) kv.RangeResult {
	if err := t.usable(); err != nil {
		return &rangeResult{err: err}
	}
	if bytes.Compare(r.Begin, []byte{0xff}) > 0 || bytes.Compare(r.End, []byte{0xff}) > 0 {
		return &rangeResult{err: kv.NewError(kv.CodeKeyOutsideLegalRange)}
	}
	if bytes.Compare(r.Begin, r.End) >= 0 {
		return &rangeResult{}
	}
	for _, u := range t.unreadable {
		if overlaps(r, u) {
			return &rangeResult{err: kv.NewError(kv.CodeAccessedUnreadable)}
		}
	}

	res := &rangeResult{t: t, at: t.readyAt()}
	kvs, full, err := t.scan(r, opts)
	if err != nil {
		res.err = err
		return res
	}
	res.kvs = kvs
	if !snap {
		for _, piece := range t.unknownParts(readSpan(r, opts, kvs, full)) {
			t.addReadConflict(piece, true)
		}
	}
	return res
}

// unknownParts returns the parts of r whose values this transaction learnt
// from the database: r minus the ranges it cleared and the keys it set or
// cleared itself, which need no read conflict.
func (t *Txn) unknownParts(r kv.Range) []kv.Range {
	if len(t.clears) == 0 && t.writes.len() == 0 {
		return []kv.Range{r}
	}
	known := append([]kv.Range(nil), t.clearsIn(r)...)
	t.writes.ascendRange(r.Begin, r.End, func(e *wentry) bool {
		if e.base == baseSet || e.base == baseAbsent {
			known = append(known, kv.Range{Begin: e.key, End: keyAfter(e.key)})
		}
		return true
	})
	parts := []kv.Range{r}
	for _, k := range known {
		var next []kv.Range
		for _, p := range parts {
			if !overlaps(p, k) {
				next = append(next, p)
				continue
			}
			if bytes.Compare(p.Begin, k.Begin) < 0 {
				next = append(next, kv.Range{Begin: p.Begin, End: k.Begin})
			}
			if bytes.Compare(k.End, p.End) < 0 {
				next = append(next, kv.Range{Begin: k.End, End: p.End})
			}
		}
		parts = next
	}
	return parts
}

// readSpan is the part of r a range read depends on: all of it, unless a
// limit cut the read short, then up to just past the last key returned in
// the direction read.
func readSpan(r kv.Range, opts kv.RangeOptions, kvs []kv.KeyValue, full bool) kv.Range {
	if full || len(kvs) == 0 {
		return r
	}
	last := kvs[len(kvs)-1].Key
	if opts.Reverse {
		return kv.Range{Begin: last, End: r.End}
	}
	return kv.Range{Begin: r.Begin, End: keyAfter(last)}
}

// scan merges the committed pairs in r at the read version with the
// transaction's pending writes. full reports that no limit cut it short.
func (t *Txn) scan(r kv.Range, opts kv.RangeOptions) ([]kv.KeyValue, bool, error) {
	local, err := t.localIn(r, opts.Reverse)
	if err != nil {
		return nil, false, err
	}

	var out []kv.KeyValue
	limit := opts.Limit
	full := true
	emit := func(k, v []byte) bool {
		out = append(out, kv.KeyValue{Key: present(k, true), Value: present(v, true)})
		if limit > 0 && len(out) >= limit {
			full = false
			return false
		}
		return true
	}
	// before reports whether a comes before b in the direction read.
	before := func(a, b []byte) bool {
		c := bytes.Compare(a, b)
		return (c < 0) != opts.Reverse && c != 0
	}

	rv := t.readVersion()
	db := t.db
	db.mu.Lock()
	if db.tooOldLocked(rv) {
		db.mu.Unlock()
		return nil, false, kv.NewError(kv.CodeTransactionTooOld)
	}
	more := true
	visit := func(it *item) bool {
		for len(local) > 0 && before(local[0].key, it.key) {
			e := local[0]
			local = local[1:]
			if v, ok := e.resolve(nil, false, nil); ok && !emit(e.key, v) {
				return false
			}
		}
		v, ok := it.at(rv)
		if len(local) > 0 && bytes.Equal(local[0].key, it.key) {
			e := local[0]
			local = local[1:]
			v, ok = e.resolve(v, ok, nil)
		} else if t.locallyCleared(it.key) {
			ok = false
		}
		if ok && !emit(it.key, v) {
			return false
		}
		return true
	}
	if opts.Reverse {
		db.data.descend(r.Begin, r.End, func(it *item) bool { more = visit(it); return more })
	} else {
		db.data.ascend(r.Begin, r.End, func(it *item) bool { more = visit(it); return more })
	}
	db.mu.Unlock()

	for more && len(local) > 0 {
		e := local[0]
		local = local[1:]
		if v, ok := e.resolve(nil, false, nil); ok {
			more = emit(e.key, v)
		}
	}
	return out, full, nil
}

// localIn returns the pending entries in r in the direction read. An entry
// whose base is the committed value resolves against it during the scan;
// a versionstamped value makes the whole read fail.
func (t *Txn) localIn(r kv.Range, reverse bool) ([]*wentry, error) {
	var local []*wentry
	var err error
	t.writes.ascendRange(r.Begin, r.End, func(e *wentry) bool {
		if e.base == baseStamp {
			err = kv.NewError(kv.CodeAccessedUnreadable)
			return false
		}
		local = append(local, e)
		return true
	})
	if reverse {
		for i, j := 0, len(local)-1; i < j; i, j = i+1, j-1 {
			local[i], local[j] = local[j], local[i]
		}
	}
	return local, err
}
