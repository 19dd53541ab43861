//go:build fdb

package fdbkv_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/apple/foundationdb/bindings/go/src/fdb"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/fdbkv"
	"github.com/fdbelect/fdbelect/kv/kvtest"
)

// These tests need a FoundationDB cluster: set FDB_CLUSTER_FILE to its
// cluster file and run
//
//	go test -tags fdb ./kv/fdbkv/
//
// Every test works under a fresh random prefix that it clears afterwards,
// so a shared development cluster can be used.

// testBase is the first part of every key these tests write.
const testBase = "fdbelect-test/"

// openCluster opens the cluster named by FDB_CLUSTER_FILE, or skips t.
func openCluster(t *testing.T) *fdbkv.DB {
	t.Helper()
	file := os.Getenv("FDB_CLUSTER_FILE")
	if file == "" {
		t.Skip("FDB_CLUSTER_FILE is not set; point it at a cluster file to run this test")
	}
	db, err := fdbkv.Open(file)
	if err != nil {
		t.Fatalf("Open(%q): %v", file, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// prefixFor returns a fresh prefix for t on db, cleared when t ends.
func prefixFor(t *testing.T, db kv.Database) []byte {
	t.Helper()
	_, prefix := kvtest.SharedOpener(db, []byte(testBase))(t)
	return prefix
}

func key(prefix []byte, name string) []byte {
	return append(append([]byte(nil), prefix...), name...)
}

func TestConformance(t *testing.T) {
	db := openCluster(t)
	kvtest.Run(t, kvtest.SharedOpener(db, []byte(testBase)))
}

func TestLinearizable(t *testing.T) {
	db := openCluster(t)
	kvtest.CheckLinearizable(t, db, prefixFor(t, db), kvtest.LinearOptions{Seed: 1})
}

func TestAPIVersionSelected(t *testing.T) {
	openCluster(t)
	v, err := fdb.GetAPIVersion()
	if err != nil || v != fdbkv.APIVersion {
		t.Fatalf("fdb.GetAPIVersion() = %d, %v; want %d, nil", v, err, fdbkv.APIVersion)
	}
	if !fdbkv.Enabled {
		t.Fatal("Enabled = false in a build with -tags fdb")
	}
}

func TestHandleSharingAndClose(t *testing.T) {
	a := openCluster(t)
	b := openCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	prefix := prefixFor(t, b) // cleared through b, which stays open

	if err := a.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("second Close() = %v", err)
	}
	err := a.Transact(ctx, func(tr kv.Transaction) error { return nil })
	if !errors.Is(err, fdbkv.ErrClosed) {
		t.Fatalf("Transact after Close = %v, want ErrClosed", err)
	}

	// b shares the handle a released, which must still work.
	err = b.Transact(ctx, func(tr kv.Transaction) error {
		tr.Set(key(prefix, "k"), []byte("v"))
		return nil
	})
	if err != nil {
		t.Fatalf("Transact on the other DB after Close: %v", err)
	}
}

func TestWrapSharesTheCallersHandle(t *testing.T) {
	opened := openCluster(t)
	prefix := prefixFor(t, opened)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	raw, err := fdb.OpenDatabase(os.Getenv("FDB_CLUSTER_FILE"))
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := fdbkv.Wrap(raw)
	if err != nil {
		t.Fatalf("Wrap: %v", err)
	}
	err = wrapped.Transact(ctx, func(tr kv.Transaction) error {
		tr.Set(key(prefix, "k"), []byte("through Wrap"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = wrapped.Close() // must not close raw

	got, err := raw.ReadTransact(func(tr fdb.ReadTransaction) (any, error) {
		return tr.Get(fdb.Key(key(prefix, "k"))).Get()
	})
	if err != nil || string(got.([]byte)) != "through Wrap" {
		t.Fatalf("read through the bindings = %q, %v; want %q", got, err, "through Wrap")
	}

	if _, err := fdbkv.Wrap(fdb.Database{}); !errors.Is(err, fdbkv.ErrInvalidArgument) {
		t.Fatalf("Wrap(zero) = %v, want ErrInvalidArgument", err)
	}
}

// TestWatchOutlivesTransaction is the kv-level failover path: a follower
// watches the leader key in one transaction and wakes when another writer
// replaces it, long after the watching transaction returned.
func TestWatchOutlivesTransaction(t *testing.T) {
	db := openCluster(t)
	prefix := prefixFor(t, db)
	leader := key(prefix, "leader")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var w kv.FutureNil
	err := db.Transact(ctx, func(tr kv.Transaction) error {
		tr.Set(leader, []byte("a"))
		w = tr.Watch(leader)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Cancel()

	select {
	case <-w.Ready():
		t.Fatalf("watch ready before the key changed: %v", w.Get())
	case <-time.After(100 * time.Millisecond):
	}

	err = db.Transact(ctx, func(tr kv.Transaction) error {
		tr.Set(leader, []byte("b"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.Ready():
	case <-ctx.Done():
		t.Fatal("watch did not fire after the leader key changed")
	}
	if err := w.Get(); err != nil {
		t.Fatalf("watch Get() = %v, want nil", err)
	}
}

func TestContextBoundsRetries(t *testing.T) {
	db := openCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()

	calls := 0
	err := db.Transact(ctx, func(tr kv.Transaction) error {
		calls++
		return kv.NewError(kv.CodeNotCommitted) // retryable forever
	})
	timedOut := errors.Is(err, kv.ErrTransactionTimedOut)
	if !errors.Is(err, context.DeadlineExceeded) && !timedOut {
		t.Fatalf("Transact = %v after %d calls, want the deadline or transaction_timed_out",
			err, calls)
	}
	if calls < 2 {
		t.Errorf("fn ran %d times, want retries before the deadline", calls)
	}
}

func TestSnapshotOptionsDoNotRecurse(t *testing.T) {
	db := openCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := db.ReadTransact(ctx, func(tr kv.ReadTransaction) error {
		snap := tr.Snapshot()
		snap.SetTimeout(10 * time.Second)
		snap.SetRetryLimit(3)
		_, err := snap.GetReadVersion().Get()
		return err
	})
	if err != nil {
		t.Fatalf("ReadTransact with snapshot options: %v", err)
	}
}

func TestBindingsErrorsBecomeKVErrors(t *testing.T) {
	db := openCluster(t)
	prefix := prefixFor(t, db)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	err := db.Transact(ctx, func(tr kv.Transaction) error {
		tr.Set(key(prefix, "big"), make([]byte, 100_001))
		return nil
	})
	var ke *kv.Error
	if !errors.As(err, &ke) || ke.Code != kv.CodeValueTooLarge {
		t.Fatalf("oversized value: got %v, want *kv.Error value_too_large (2103)", err)
	}
}
