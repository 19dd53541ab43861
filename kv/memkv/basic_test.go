package memkv_test

import (
	"context"
	"errors"
	"testing"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

func TestTransactSetGet(t *testing.T) {
	db := memkv.New(memkv.Options{})
	ctx := context.Background()
	err := db.Transact(ctx, func(tr kv.Transaction) error {
		tr.Set([]byte("a"), []byte("1"))
		tr.Set([]byte("b"), []byte{})
		got, err := tr.Get([]byte("a")).Get()
		if err != nil || string(got) != "1" {
			t.Errorf("read own write = %q, %v; want 1", got, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := kv.ReadTransactValue(ctx, db, func(tr kv.ReadTransaction) ([]kv.KeyValue, error) {
		return tr.GetRange(kv.Range{Begin: []byte(""), End: []byte{0xff}}, kv.RangeOptions{}).
			GetSliceWithError()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || string(got[0].Key) != "a" || got[1].Value == nil || len(got[1].Value) != 0 {
		t.Fatalf("range = %q, want a=1 and b empty", got)
	}
}

func TestConflict(t *testing.T) {
	db := memkv.New(memkv.Options{})
	t1 := db.CreateTransaction()
	t2 := db.CreateTransaction()
	if _, err := t1.Get([]byte("k")).Get(); err != nil {
		t.Fatal(err)
	}
	t1.Set([]byte("x"), []byte("1"))
	t2.Set([]byte("k"), []byte("2"))
	if err := t2.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := t1.Commit(); !errors.Is(err, kv.ErrNotCommitted) {
		t.Fatalf("commit = %v, want not_committed", err)
	}
}
