package kvtest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/fdbelect/fdbelect/kv"
)

// errRetried is returned by a held transaction that Transact ran a second
// time although its retry limit was zero.
var errRetried = errors.New("kvtest: transaction retried despite a retry limit of 0")

// env is what one subtest works with: its database, its prefix and a
// context that bounds it.
type env struct {
	t      *testing.T
	db     kv.Database
	prefix []byte
	ctx    context.Context
}

// key returns the subtest's key for name: the prefix followed by name.
func (e *env) key(name string) []byte {
	k := make([]byte, 0, len(e.prefix)+len(name))
	k = append(k, e.prefix...)
	return append(k, name...)
}

// span returns the range [key(begin), key(end)).
func (e *env) span(begin, end string) kv.Range {
	return kv.Range{Begin: e.key(begin), End: e.key(end)}
}

// name strips the subtest's prefix from key, for messages and comparisons.
func (e *env) name(key []byte) string {
	return string(bytes.TrimPrefix(key, e.prefix))
}

// commit runs fn through Transact and fails the subtest on any error.
func (e *env) commit(fn func(tr kv.Transaction) error) {
	e.t.Helper()
	if err := e.db.Transact(e.ctx, fn); err != nil {
		e.t.Fatalf("Transact: %v", err)
	}
}

// set commits name/value pairs in one transaction.
func (e *env) set(pairs ...string) {
	e.t.Helper()
	if len(pairs)%2 != 0 {
		panic("kvtest: set needs name/value pairs")
	}
	e.commit(func(tr kv.Transaction) error {
		for i := 0; i < len(pairs); i += 2 {
			tr.Set(e.key(pairs[i]), []byte(pairs[i+1]))
		}
		return nil
	})
}

// get reads the committed value of key in a transaction of its own.
func (e *env) get(key []byte) []byte {
	e.t.Helper()
	var v []byte
	err := e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
		var err error
		v, err = tr.Get(key).Get()
		return err
	})
	if err != nil {
		e.t.Fatalf("ReadTransact Get %q: %v", e.name(key), err)
	}
	return v
}

// names reads the committed keys of r, without the prefix.
func (e *env) names(r kv.Range) []string {
	e.t.Helper()
	var got []string
	err := e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
		kvs, err := tr.GetRange(r, kv.RangeOptions{}).GetSliceWithError()
		got = got[:0]
		for _, p := range kvs {
			got = append(got, e.name(p.Key))
		}
		return err
	})
	if err != nil {
		e.t.Fatalf("ReadTransact GetRange: %v", err)
	}
	return got
}

// held is a transaction that Transact runs on a goroutine of its own and
// that pauses between two steps, so that a test can commit other
// transactions while it is open. Its retry limit is zero: the error of its
// one commit is what commit returns.
type held struct {
	e      *env
	paused chan struct{}
	resume chan struct{}
	done   chan error
	calls  atomic.Int32
}

// hold starts a held transaction, runs first in it and returns once first
// has finished. second runs after commit is called, before the commit.
func (e *env) hold(first, second func(tr kv.Transaction) error) *held {
	e.t.Helper()
	h := &held{
		e:      e,
		paused: make(chan struct{}),
		resume: make(chan struct{}),
		done:   make(chan error, 1),
	}
	go func() {
		h.done <- e.db.Transact(e.ctx, h.body(first, second))
	}()

	select {
	case <-h.paused:
	case err := <-h.done:
		e.t.Fatalf("held transaction ended before its pause: %v", err)
	case <-e.ctx.Done():
		e.t.Fatalf("held transaction did not reach its pause: %v", e.ctx.Err())
	}
	return h
}

// body is the function Transact runs for a held transaction.
func (h *held) body(first, second func(tr kv.Transaction) error) func(kv.Transaction) error {
	return func(tr kv.Transaction) error {
		tr.SetRetryLimit(0)
		if h.calls.Add(1) > 1 {
			return errRetried
		}
		if first != nil {
			if err := first(tr); err != nil {
				return err
			}
		}
		close(h.paused)

		select {
		case <-h.resume:
		case <-h.e.ctx.Done():
			return h.e.ctx.Err()
		}
		if second != nil {
			return second(tr)
		}
		return nil
	}
}

// commit lets the held transaction finish and returns Transact's error.
func (h *held) commit() error {
	h.e.t.Helper()
	close(h.resume)
	select {
	case err := <-h.done:
		return err
	case <-h.e.ctx.Done():
		h.e.t.Fatalf("held transaction did not finish: %v", h.e.ctx.Err())
		return nil
	}
}

// race holds a transaction open across reads, commits interfere in another
// transaction, then lets the held one write a marker key (so that it is
// not read-only) and commit. It returns the held transaction's error.
func (e *env) race(reads, interfere func(tr kv.Transaction) error) error {
	e.t.Helper()
	h := e.hold(reads, func(tr kv.Transaction) error {
		tr.Set(e.key("~marker"), []byte("m"))
		return nil
	})
	e.commit(interfere)
	return h.commit()
}

// wantConflict fails the subtest unless err is not_committed (when want is
// true) or nil (when want is false).
func (e *env) wantConflict(what string, err error, want bool) {
	e.t.Helper()
	switch {
	case want && !errors.Is(err, kv.ErrNotCommitted):
		e.t.Errorf("%s: got %v, want not_committed (1020)", what, err)
	case !want && err != nil:
		e.t.Errorf("%s: got %v, want a successful commit", what, err)
	}
}

// wantCode fails the subtest unless err carries FoundationDB code want.
func (e *env) wantCode(what string, err error, want int) {
	e.t.Helper()
	if got, ok := kv.Code(err); !ok || got != want {
		e.t.Errorf("%s: got error %v, want code %d (%s)", what, err, want, kv.NewError(want).Name)
	}
}

// hasCode reports whether err carries FoundationDB code want.
func hasCode(err error, want int) bool {
	got, ok := kv.Code(err)
	return ok && got == want
}

// be64 encodes n as eight big-endian bytes.
func be64(n int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(n))
}

// show renders a value for messages, telling absent from empty.
func show(v []byte) string {
	if v == nil {
		return "<absent>"
	}
	return fmt.Sprintf("%x", v)
}
