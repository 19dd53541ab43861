package memkv_test

import (
	"context"
	"errors"
	"testing"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// watchKey commits a read-only transaction that watches key.
func watchKey(t *testing.T, db *memkv.DB, key string) kv.FutureNil {
	t.Helper()
	tr := db.CreateTransaction()
	w := tr.Watch([]byte(key))
	if err := tr.Commit(); err != nil {
		t.Fatalf("commit watch: %v", err)
	}
	return w
}

func TestWatchFiresOnChange(t *testing.T) {
	db := memkv.New(memkv.Options{})
	set(t, db, "k", "1")
	w := watchKey(t, db, "k")
	if w.IsReady() {
		t.Fatal("watch ready before any change")
	}
	set(t, db, "k", "1")
	set(t, db, "other", "x")
	if w.IsReady() {
		t.Fatal("watch fired on a write of the same value")
	}
	set(t, db, "k", "2")
	select {
	case <-w.Ready():
	default:
		t.Fatal("watch not ready after the value changed")
	}
	if err := w.Get(); err != nil {
		t.Errorf("Get = %v, want nil", err)
	}
}

func TestWatchClearAndClearRange(t *testing.T) {
	db := memkv.New(memkv.Options{})
	set(t, db, "k", "1")
	w := watchKey(t, db, "k")
	err := db.Transact(context.Background(), func(tr kv.Transaction) error {
		tr.ClearRange(kv.Range{Begin: []byte("a"), End: []byte("z")})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !w.IsReady() {
		t.Error("watch did not fire on clear range")
	}

	absent := watchKey(t, db, "k")
	db.Transact(context.Background(), func(tr kv.Transaction) error {
		tr.Clear([]byte("k"))
		return nil
	})
	if absent.IsReady() {
		t.Error("watch on absent key fired on a clear")
	}
	set(t, db, "k", "")
	if !absent.IsReady() {
		t.Error("watch on absent key did not fire when it appeared empty")
	}
}

func TestWatchActivatesAtCommit(t *testing.T) {
	db := memkv.New(memkv.Options{})
	set(t, db, "k", "1")
	tr := db.CreateTransaction()
	w := tr.Watch([]byte("k"))
	set(t, db, "k", "2")
	if w.IsReady() {
		t.Fatal("watch fired before its transaction committed")
	}
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}
	if !w.IsReady() || w.Get() != nil {
		t.Error("watch not fired right after commit though the value had changed")
	}
}

func TestWatchOwnWrite(t *testing.T) {
	db := memkv.New(memkv.Options{})
	tr := db.CreateTransaction()
	tr.Set([]byte("k"), []byte("mine"))
	w := tr.Watch([]byte("k"))
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}
	if w.IsReady() {
		t.Fatal("watch fired on its own transaction's write")
	}
	set(t, db, "k", "theirs")
	if !w.IsReady() {
		t.Error("watch did not fire on a later change")
	}
}

func TestWatchFailures(t *testing.T) {
	db := memkv.New(memkv.Options{})
	tr := db.CreateTransaction()
	tr.Get([]byte("k"))
	tr.Set([]byte("x"), nil)
	w := tr.Watch([]byte("k"))
	set(t, db, "k", "changed")
	if err := tr.Commit(); !errors.Is(err, kv.ErrNotCommitted) {
		t.Fatalf("commit = %v, want not_committed", err)
	}
	if err := w.Get(); !errors.Is(err, kv.ErrNotCommitted) {
		t.Errorf("watch of failed commit = %v, want not_committed", err)
	}

	w = watchKey(t, db, "k")
	w.Cancel()
	w.Cancel()
	if err := w.Get(); !errors.Is(err, kv.ErrOperationCancelled) {
		t.Errorf("cancelled watch = %v, want operation_cancelled", err)
	}

	tr = db.CreateTransaction()
	w = tr.Watch([]byte("k"))
	tr.Reset()
	if err := w.Get(); !errors.Is(err, kv.ErrCancelled) {
		t.Errorf("watch of reset transaction = %v, want transaction_cancelled", err)
	}
}

func TestWatchLimit(t *testing.T) {
	db := memkv.New(memkv.Options{})
	tr := db.CreateTransaction()
	var ws []kv.FutureNil
	for range 10_000 {
		ws = append(ws, tr.Watch([]byte("k")))
	}
	over := tr.Watch([]byte("k"))
	if err := over.Get(); !errors.Is(err, kv.ErrTooManyWatches) {
		t.Fatalf("watch 10,001 = %v, want too_many_watches", err)
	}
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}

	ws[0].Cancel()
	again := watchKey(t, db, "k")
	if again.IsReady() {
		t.Errorf("watch after a cancel failed: %v", again.Get())
	}

	set(t, db, "k", "fire all")
	for i, w := range append(ws[1:], again) {
		if err := w.Get(); err != nil {
			t.Fatalf("watch %d = %v", i, err)
		}
	}
	if w := watchKey(t, db, "k"); w.IsReady() {
		t.Errorf("slots not returned after firing: %v", w.Get())
	}
}

func TestWatchOfFailedTransactIsReleased(t *testing.T) {
	db := memkv.New(memkv.Options{})
	var w kv.FutureNil
	boom := errors.New("boom")
	err := db.Transact(context.Background(), func(tr kv.Transaction) error {
		w = tr.Watch([]byte("k"))
		return boom
	})
	if err != boom {
		t.Fatalf("Transact = %v, want boom", err)
	}
	if err := w.Get(); !errors.Is(err, kv.ErrCancelled) {
		t.Errorf("watch of a transaction that never committed = %v, want cancelled", err)
	}
}
