package memkv

import (
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// valueFuture is the result of a Get, computed when the Get was issued and
// released once the read latency has passed.
type valueFuture struct {
	t   *Txn // nil: ready at once
	at  time.Duration
	val []byte
	err error
}

func (f *valueFuture) Get() ([]byte, error) {
	if f.t != nil && f.err == nil {
		if err := f.t.await(f.at); err != nil {
			return nil, err
		}
	}
	return f.val, f.err
}

func (f *valueFuture) MustGet() []byte {
	v, err := f.Get()
	if err != nil {
		panic(err)
	}
	return v
}

func (f *valueFuture) IsReady() bool { return f.t == nil || ready(f.t, f.at) }

// ready reports whether a result due at at is available without waiting.
func ready(t *Txn, at time.Duration) bool {
	return at == 0 || t.db.clock.Mono() >= at
}

// int64Future is the result of GetReadVersion.
type int64Future struct {
	t   *Txn
	at  time.Duration
	v   int64
	err error
}

func (f *int64Future) Get() (int64, error) {
	if f.t != nil && f.err == nil {
		if err := f.t.await(f.at); err != nil {
			return 0, err
		}
	}
	return f.v, f.err
}

func (f *int64Future) MustGet() int64 {
	v, err := f.Get()
	if err != nil {
		panic(err)
	}
	return v
}

func (f *int64Future) IsReady() bool { return f.t == nil || ready(f.t, f.at) }

// keyFuture is the result of GetVersionstamp, resolved by the commit.
type keyFuture struct {
	done chan struct{}
	val  []byte
	err  error
}

func newKeyFuture() *keyFuture { return &keyFuture{done: make(chan struct{})} }

// resolve completes f once; callers hold db.mu.
func (f *keyFuture) resolve(val []byte, err error) {
	select {
	case <-f.done:
		return
	default:
	}
	f.val, f.err = append([]byte(nil), val...), err
	close(f.done)
}

func (f *keyFuture) Get() ([]byte, error) {
	<-f.done
	return f.val, f.err
}

func (f *keyFuture) MustGet() []byte {
	v, err := f.Get()
	if err != nil {
		panic(err)
	}
	return v
}

func (f *keyFuture) IsReady() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// rangeResult is the result of a GetRange, computed when it was issued.
type rangeResult struct {
	t   *Txn
	at  time.Duration
	kvs []kv.KeyValue
	err error
}

func (r *rangeResult) wait() error {
	if r.err != nil || r.t == nil {
		return r.err
	}
	return r.t.await(r.at)
}

func (r *rangeResult) GetSliceWithError() ([]kv.KeyValue, error) {
	if err := r.wait(); err != nil {
		return nil, err
	}
	return r.kvs, nil
}

func (r *rangeResult) Iterator() kv.RangeIterator { return &rangeIter{r: r, i: -1} }

// rangeIter walks a rangeResult; the first Advance waits for the result.
type rangeIter struct {
	r       *rangeResult
	i       int
	err     error
	started bool
}

func (it *rangeIter) Advance() bool {
	if !it.started {
		it.started = true
		it.err = it.r.wait()
		if it.err != nil {
			return true
		}
	}
	if it.err != nil {
		return false
	}
	it.i++
	return it.i < len(it.r.kvs)
}

func (it *rangeIter) Get() (kv.KeyValue, error) {
	if it.err != nil {
		return kv.KeyValue{}, it.err
	}
	if it.i < 0 || it.i >= len(it.r.kvs) {
		return kv.KeyValue{}, kv.NewError(kv.CodeClientInvalidOperation)
	}
	return it.r.kvs[it.i], nil
}

func (it *rangeIter) MustGet() kv.KeyValue {
	v, err := it.Get()
	if err != nil {
		panic(err)
	}
	return v
}
