//go:build fdb

package fdbkv

import (
	"errors"
	"math"
	"sync"
	"time"

	"github.com/apple/foundationdb/bindings/go/src/fdb"

	"github.com/fdbelect/fdbelect/kv"
)

// convert turns an fdb.Error, possibly wrapped, into the *kv.Error with the
// same code. Other errors are returned unchanged.
func convert(err error) error {
	var fe fdb.Error
	if errors.As(err, &fe) {
		return kv.NewError(fe.Code)
	}
	return err
}

// catch recovers a panic raised by the bindings and stores it in *err. It
// must be deferred directly.
func catch(err *error) {
	if p := recover(); p != nil {
		*err = rescue(p)
	}
}

// rescue turns a recovered panic into an error: an fdb.Error (what the
// bindings' MustGet raises) becomes its *kv.Error, anything else goes
// through recovered.
func rescue(p any) error {
	if fe, ok := p.(fdb.Error); ok {
		return kv.NewError(fe.Code)
	}
	return recovered(p)
}

// attemptState collects what the write methods and option setters cannot
// return: the first error of an attempt, which fails the attempt when fn
// returns.
type attemptState struct {
	mu  sync.Mutex
	err error
}

func (s *attemptState) reset() {
	s.mu.Lock()
	s.err = nil
	s.mu.Unlock()
}

func (s *attemptState) result() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *attemptState) record(err error) {
	if err == nil {
		return
	}
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

// guard is deferred by methods that return nothing: a panic of the
// bindings becomes the attempt's error.
func (s *attemptState) guard() {
	if p := recover(); p != nil {
		s.record(rescue(p))
	}
}

// reader is a kv.ReadTransaction over a bindings transaction, serializable
// or (from Snapshot) snapshot.
type reader struct {
	// tr is the transaction itself. Options are always set through it:
	// Options() on the bindings' Snapshot calls itself forever in
	// release-7.3, so it is never called on rt.
	tr fdb.Transaction

	// rt is tr, or tr.Snapshot() for snapshot reads.
	rt fdb.ReadTransaction

	st *attemptState
}

func key(k []byte) fdb.Key { return fdb.Key(k) }

func keyRange(r kv.Range) fdb.KeyRange {
	return fdb.KeyRange{Begin: key(r.Begin), End: key(r.End)}
}

// Get reads key; the future yields nil for an absent key.
func (r *reader) Get(k []byte) (fv kv.FutureValue) {
	defer func() {
		if p := recover(); p != nil {
			fv = failed[[]byte](rescue(p))
		}
	}()
	f := r.rt.Get(key(k))
	return &result[[]byte]{
		wait: func() ([]byte, error) {
			v, err := f.Get()
			return v, convert(err)
		},
		ready: f.IsReady,
		keep:  r.tr,
	}
}

// GetRange reads [rg.Begin, rg.End) with opts.
func (r *reader) GetRange(rg kv.Range, opts kv.RangeOptions) (res kv.RangeResult) {
	defer func() {
		if p := recover(); p != nil {
			res = &rangeResult{err: rescue(p)}
		}
	}()
	// The C API takes the limit as an int; zero means no limit.
	ro := fdb.RangeOptions{Limit: min(max(opts.Limit, 0), math.MaxInt32), Reverse: opts.Reverse}
	return &rangeResult{rr: r.rt.GetRange(keyRange(rg), ro), keep: r.tr}
}

// GetReadVersion returns the transaction's read version.
func (r *reader) GetReadVersion() (fv kv.FutureInt64) {
	defer func() {
		if p := recover(); p != nil {
			fv = failed[int64](rescue(p))
		}
	}()
	f := r.rt.GetReadVersion()
	return &result[int64]{
		wait: func() (int64, error) {
			v, err := f.Get()
			return v, convert(err)
		},
		ready: f.IsReady,
		keep:  r.tr,
	}
}

// Snapshot returns a view of the transaction whose reads add no read
// conflict ranges.
func (r *reader) Snapshot() kv.ReadTransaction {
	return &reader{tr: r.tr, rt: r.tr.Snapshot(), st: r.st}
}

// SetTimeout sets the transaction's timeout option; it persists across
// retries (API version 610 and later).
func (r *reader) SetTimeout(d time.Duration) {
	defer r.st.guard()
	r.st.record(convert(r.tr.Options().SetTimeout(timeoutMillis(d))))
}

// SetRetryLimit sets the transaction's retry_limit option; it persists
// across retries (API version 610 and later).
func (r *reader) SetRetryLimit(n int) {
	defer r.st.guard()
	r.st.record(convert(r.tr.Options().SetRetryLimit(retryLimit(n))))
}

// rangeResult is a kv.RangeResult over the bindings' range read.
type rangeResult struct {
	rr   fdb.RangeResult
	keep fdb.Transaction
	err  error // the range read could not be started
}

func toKV(p fdb.KeyValue) kv.KeyValue {
	return kv.KeyValue{Key: []byte(p.Key), Value: p.Value}
}

// GetSliceWithError waits for and returns every pair of the range.
func (rr *rangeResult) GetSliceWithError() (out []kv.KeyValue, err error) {
	if rr.err != nil {
		return nil, rr.err
	}
	defer catch(&err)
	pairs, err := rr.rr.GetSliceWithError()
	if err != nil {
		return nil, convert(err)
	}
	out = make([]kv.KeyValue, len(pairs))
	for i, p := range pairs {
		out[i] = toKV(p)
	}
	return out, nil
}

// Iterator returns an iterator over the pairs, fetched in batches.
func (rr *rangeResult) Iterator() kv.RangeIterator {
	if rr.err != nil {
		return &rangeIter[fdb.KeyValue]{err: rr.err}
	}
	var it *fdb.RangeIterator
	if err := protect(func() error {
		it = rr.rr.Iterator()
		return nil
	}); err != nil {
		return &rangeIter[fdb.KeyValue]{err: err}
	}
	return &rangeIter[fdb.KeyValue]{
		advance: it.Advance,
		get: func() (fdb.KeyValue, error) {
			p, err := it.Get()
			return p, convert(err)
		},
		conv: toKV,
		keep: rr.keep,
	}
}

// txn is a kv.Transaction over a bindings transaction.
type txn struct {
	reader
}

func (t *txn) Set(k, value []byte) {
	defer t.st.guard()
	t.tr.Set(key(k), value)
}

func (t *txn) Clear(k []byte) {
	defer t.st.guard()
	t.tr.Clear(key(k))
}

func (t *txn) ClearRange(r kv.Range) {
	defer t.st.guard()
	t.tr.ClearRange(keyRange(r))
}

// Atomic operations, each the bindings' method of the same name.

func (t *txn) Add(k, param []byte) {
	defer t.st.guard()
	t.tr.Add(key(k), param)
}

func (t *txn) BitAnd(k, param []byte) {
	defer t.st.guard()
	t.tr.BitAnd(key(k), param)
}

func (t *txn) BitOr(k, param []byte) {
	defer t.st.guard()
	t.tr.BitOr(key(k), param)
}

func (t *txn) BitXor(k, param []byte) {
	defer t.st.guard()
	t.tr.BitXor(key(k), param)
}

func (t *txn) AppendIfFits(k, param []byte) {
	defer t.st.guard()
	t.tr.AppendIfFits(key(k), param)
}

func (t *txn) Max(k, param []byte) {
	defer t.st.guard()
	t.tr.Max(key(k), param)
}

func (t *txn) Min(k, param []byte) {
	defer t.st.guard()
	t.tr.Min(key(k), param)
}

func (t *txn) ByteMax(k, param []byte) {
	defer t.st.guard()
	t.tr.ByteMax(key(k), param)
}

func (t *txn) ByteMin(k, param []byte) {
	defer t.st.guard()
	t.tr.ByteMin(key(k), param)
}

func (t *txn) CompareAndClear(k, param []byte) {
	defer t.st.guard()
	t.tr.CompareAndClear(key(k), param)
}

func (t *txn) SetVersionstampedKey(k, param []byte) {
	defer t.st.guard()
	t.tr.SetVersionstampedKey(key(k), param)
}

func (t *txn) SetVersionstampedValue(k, param []byte) {
	defer t.st.guard()
	t.tr.SetVersionstampedValue(key(k), param)
}

// Watch returns a future that fires when key's committed value changes.
// The bindings' watch outlives its transaction once the transaction has
// committed, so the future does not keep the transaction reachable; if the
// attempt fails or is retried, the watch fails with the attempt's error.
func (t *txn) Watch(k []byte) (fn kv.FutureNil) {
	defer func() {
		if p := recover(); p != nil {
			err := rescue(p)
			fn = &watchFuture{f: doneWaitable{}, get: func() error { return err }}
		}
	}()
	f := t.tr.Watch(key(k))
	return &watchFuture{f: f, get: func() error { return convert(f.Get()) }}
}

// GetVersionstamp returns a future for the commit's ten-byte versionstamp.
// Read it after Transact returns: it is ready once the commit succeeded.
// The future keeps the transaction reachable, so the bindings' finalizer
// cannot cancel it first.
func (t *txn) GetVersionstamp() (fk kv.FutureKey) {
	defer func() {
		if p := recover(); p != nil {
			fk = failed[[]byte](rescue(p))
		}
	}()
	f := t.tr.GetVersionstamp()
	return &result[[]byte]{
		wait: func() ([]byte, error) {
			v, err := f.Get()
			return []byte(v), convert(err)
		},
		ready: f.IsReady,
		keep:  t.tr,
	}
}

func (t *txn) AddReadConflictKey(k []byte) (err error) {
	defer catch(&err)
	return convert(t.tr.AddReadConflictKey(key(k)))
}

func (t *txn) AddReadConflictRange(r kv.Range) (err error) {
	defer catch(&err)
	return convert(t.tr.AddReadConflictRange(keyRange(r)))
}

func (t *txn) AddWriteConflictKey(k []byte) (err error) {
	defer catch(&err)
	return convert(t.tr.AddWriteConflictKey(key(k)))
}

func (t *txn) AddWriteConflictRange(r kv.Range) (err error) {
	defer catch(&err)
	return convert(t.tr.AddWriteConflictRange(keyRange(r)))
}
