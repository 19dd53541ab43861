package fdbkv

import (
	"runtime"
	"sync"

	"github.com/fdbelect/fdbelect/kv"
)

// result is a future over one value: kv.FutureValue ([]byte), kv.FutureKey
// ([]byte) and kv.FutureInt64 (int64). The first Get waits and keeps the
// outcome; later and concurrent Gets return the same one, so the bindings'
// future is waited on by one goroutine only (the bindings arm a C callback
// per wait, and only some of their future types guard against two).
type result[T any] struct {
	wait  func() (T, error) // waits and returns *kv.Error values
	ready func() bool

	// keep holds what must stay reachable while the future is: the
	// transaction, whose finalizer would otherwise cancel pending reads.
	keep any

	once sync.Once
	v    T
	err  error
}

// failed returns a future that is ready with err.
func failed[T any](err error) *result[T] {
	return &result[T]{
		wait:  func() (T, error) { var zero T; return zero, err },
		ready: func() bool { return true },
	}
}

// Get waits for the value.
func (r *result[T]) Get() (T, error) {
	r.once.Do(func() {
		perr := protect(func() error {
			r.v, r.err = r.wait()
			return nil
		})
		if perr != nil {
			r.err = perr
		}
		runtime.KeepAlive(r.keep)
	})
	return r.v, r.err
}

// MustGet is Get that panics with the error, as kv documents.
func (r *result[T]) MustGet() T {
	v, err := r.Get()
	if err != nil {
		panic(err)
	}
	return v
}

// IsReady reports whether Get would return without waiting.
func (r *result[T]) IsReady() bool {
	ready := false
	_ = protect(func() error {
		ready = r.ready()
		return nil
	})
	return ready
}

// waitable is the part of a bindings future that a watch needs.
type waitable interface {
	BlockUntilReady()
	IsReady() bool
	Cancel()
}

// watchFuture is a kv.FutureNil over a watch of the bindings.
//
// Ready starts, on its first call, one goroutine that waits for the watch
// and closes the channel. That goroutine ends with the future: when the
// watch fires, fails, or is cancelled. A watch that is neither fired nor
// cancelled keeps its goroutine (and its slot among the database's
// outstanding watches), so cancel watches you stop waiting for.
//
// Get waits on the same goroutine rather than on the bindings' future
// directly, so that one watch never has two C callbacks armed at once.
type watchFuture struct {
	f   waitable
	get func() error // the outcome once ready, as *kv.Error values

	once  sync.Once
	ready chan struct{}
}

// Get waits until the watch fires (nil) or fails.
func (w *watchFuture) Get() error {
	<-w.Ready()
	return protect(w.get)
}

// MustGet is Get that panics with the error.
func (w *watchFuture) MustGet() {
	if err := w.Get(); err != nil {
		panic(err)
	}
}

// IsReady reports whether Get would return without waiting.
func (w *watchFuture) IsReady() bool {
	ready := false
	_ = protect(func() error {
		ready = w.f.IsReady()
		return nil
	})
	return ready
}

// Ready returns a channel closed once the watch has fired, failed or been
// cancelled.
func (w *watchFuture) Ready() <-chan struct{} {
	w.once.Do(func() {
		w.ready = make(chan struct{})
		go func() {
			defer close(w.ready)
			_ = protect(func() error {
				w.f.BlockUntilReady()
				return nil
			})
		}()
	})
	return w.ready
}

// Cancel stops the watch. The bindings then report operation_cancelled
// (1101) from Get unless the watch had already fired. Cancel is safe to
// call more than once.
func (w *watchFuture) Cancel() {
	_ = protect(func() error {
		w.f.Cancel()
		return nil
	})
}

// doneWaitable is a waitable that is ready from the start, for a watch that
// could not be created.
type doneWaitable struct{}

func (doneWaitable) BlockUntilReady() {}
func (doneWaitable) IsReady() bool    { return true }
func (doneWaitable) Cancel()          {}

// rangeIter is a kv.RangeIterator over the bindings' iterator, whose pairs
// have type T.
//
// The bindings' Advance keeps returning true after a batch failed, and their
// Get panics on an index out of range when called at the wrong time; here
// the first error ends the iteration and no panic escapes.
type rangeIter[T any] struct {
	advance func() bool
	get     func() (T, error) // returns *kv.Error values
	conv    func(T) kv.KeyValue
	keep    any // the transaction, as in result

	done bool
	err  error
}

// Advance reports whether another pair (or an error) is available.
func (it *rangeIter[T]) Advance() bool {
	if it.done {
		return false
	}
	if it.err != nil {
		return true
	}
	more := false
	if err := protect(func() error {
		more = it.advance()
		return nil
	}); err != nil {
		it.err = err
		return true
	}
	runtime.KeepAlive(it.keep)
	if !more {
		it.done = true
	}
	return more
}

// Get returns the current pair or the error that ended the read.
func (it *rangeIter[T]) Get() (kv.KeyValue, error) {
	if it.err != nil {
		it.done = true
		return kv.KeyValue{}, it.err
	}
	var pair T
	err := protect(func() error {
		var err error
		pair, err = it.get()
		return err
	})
	if err != nil {
		it.err, it.done = err, true
		return kv.KeyValue{}, err
	}
	return it.conv(pair), nil
}

// MustGet is Get that panics with the error.
func (it *rangeIter[T]) MustGet() kv.KeyValue {
	pair, err := it.Get()
	if err != nil {
		panic(err)
	}
	return pair
}
