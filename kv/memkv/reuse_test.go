package memkv_test

import (
	"encoding/binary"
	"testing"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// A transaction is spent once Commit is called, whatever the outcome, until
// Reset or OnError: FoundationDB reports used_during_commit (2017).

func TestCommitAgainAfterAmbiguousCommitDoesNotApplyTwice(t *testing.T) {
	first := true
	fault := func(memkv.CommitInfo) memkv.Fault {
		if first {
			first = false
			return memkv.FaultUnknownAfter
		}
		return memkv.FaultNone
	}
	db := memkv.New(memkv.Options{Clock: newFake(), CommitFault: fault})
	tr := db.CreateTransaction()
	tr.Add([]byte("ctr"), []byte{1, 0, 0, 0, 0, 0, 0, 0})
	if err := tr.Commit(); codeOf(err) != kv.CodeCommitUnknownResult {
		t.Fatalf("first commit = %v; want commit_unknown_result", err)
	}
	if err := tr.Commit(); codeOf(err) != kv.CodeUsedDuringCommit {
		t.Fatalf("second commit = %v; want used_during_commit", err)
	}
	if got := binary.LittleEndian.Uint64(get(t, db, "ctr")); got != 1 {
		t.Errorf("counter = %d after one applied commit; want 1", got)
	}
}

func TestUseAfterCommitFailsAtOnce(t *testing.T) {
	db := memkv.New(memkv.Options{Clock: newFake()})
	tr := db.CreateTransaction()
	tr.Set([]byte("k"), []byte("v"))
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}

	f := tr.GetVersionstamp()
	if !f.IsReady() {
		t.Fatal("a versionstamp asked for after the commit never resolves")
	}
	if _, err := f.Get(); codeOf(err) != kv.CodeUsedDuringCommit {
		t.Errorf("GetVersionstamp after commit = %v; want used_during_commit", err)
	}
	w := tr.Watch([]byte("k"))
	if err := w.Get(); codeOf(err) != kv.CodeUsedDuringCommit {
		t.Errorf("Watch after commit = %v; want used_during_commit", err)
	}
	if _, err := tr.GetReadVersion().Get(); err != nil {
		t.Errorf("GetReadVersion after commit = %v; want the version read at", err)
	}

	tr.Reset()
	tr.Set([]byte("k"), []byte("w"))
	if err := tr.Commit(); err != nil {
		t.Errorf("commit after Reset = %v", err)
	}
}

func TestWatchFiresOnItsOwnTransactionsLaterWrite(t *testing.T) {
	db := memkv.New(memkv.Options{Clock: newFake()})
	tr := db.CreateTransaction()
	tr.Set([]byte("k"), []byte("a"))
	w := tr.Watch([]byte("k"))
	tr.Set([]byte("k"), []byte("b"))
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}
	if !w.IsReady() {
		t.Fatal("a watch created on \"a\" did not fire when the commit wrote \"b\"")
	}
	if err := w.Get(); err != nil {
		t.Errorf("watch = %v; want it fired", err)
	}
}

func TestCancelFromAnotherGoroutineDuringReset(t *testing.T) {
	db := memkv.New(memkv.Options{Clock: newFake()})
	for range 100 {
		tr := db.CreateTransaction()
		done := make(chan struct{})
		go func() {
			defer close(done)
			tr.Cancel()
		}()
		tr.Reset()
		<-done
	}
}
