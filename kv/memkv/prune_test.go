package memkv

import (
	"fmt"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/clock"
	kvpkg "github.com/fdbelect/fdbelect/kv"
)

func TestHistoryPruned(t *testing.T) {
	fake := clock.NewFake(time.Unix(0, 0))
	db := New(Options{Clock: fake})
	commit := func(fn func(tr *Txn)) {
		t.Helper()
		tr := db.CreateTransaction()
		fn(tr)
		if err := tr.Commit(); err != nil {
			t.Fatal(err)
		}
	}

	// 30 s of writes to one key, 100 per second: the window needs about
	// 500 versions of it.
	for i := range 3000 {
		commit(func(tr *Txn) { tr.Set([]byte("hot"), []byte(fmt.Sprint(i))) })
		fake.Advance(10 * time.Millisecond)
	}
	if n := len(db.data.find([]byte("hot")).vers); n > 510 {
		t.Errorf("hot key holds %d versions, want at most about 500", n)
	}

	// Keys written once and cleared leave no trace once the window passes.
	for i := range 3000 {
		commit(func(tr *Txn) { tr.Set([]byte(fmt.Sprintf("tmp%05d", i)), nil) })
	}
	commit(func(tr *Txn) { tr.ClearRange(rng("tmp", "tmq")) })
	fake.Advance(6 * time.Second)
	commit(func(tr *Txn) { tr.Set([]byte("tick"), nil) })
	if n := db.data.tree.Len(); n > 2 {
		t.Errorf("store holds %d items after the window, want 2 (hot, tick)", n)
	}
	if n := db.conf.tree.Len(); n > 4 {
		t.Errorf("conflict index holds %d bounds after the window, want at most 4", n)
	}
	if db.data.records != db.data.tree.Len() {
		t.Errorf("records = %d for %d items, want one each", db.data.records, db.data.tree.Len())
	}
}

func TestReadInsideWindowAfterPrune(t *testing.T) {
	fake := clock.NewFake(time.Unix(0, 0))
	db := New(Options{Clock: fake})
	set := func(v string) {
		tr := db.CreateTransaction()
		tr.Set([]byte("k"), []byte(v))
		if err := tr.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	set("old")
	reader := db.CreateTransaction()
	reader.GetReadVersion()
	for i := range 2000 {
		fake.Advance(2 * time.Millisecond)
		set(fmt.Sprint(i))
	}
	v, err := reader.Snapshot().Get([]byte("k")).Get()
	if err != nil || string(v) != "old" {
		t.Errorf("read at an old version inside the window = %q, %v; want old", v, err)
	}
}

type kvRange = kvpkg.Range

func rng(b, e string) kvRange { return kvRange{Begin: []byte(b), End: []byte(e)} }
