package memkv_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

func TestReadConflicts(t *testing.T) {
	r := func(b, e string) kv.Range { return kv.Range{Begin: []byte(b), End: []byte(e)} }
	tests := []struct {
		name  string
		read  func(tr *memkv.Txn)
		write string // key another transaction writes after the read
		want  int    // commit code of the reader; 0 = success
	}{
		{"point read", func(tr *memkv.Txn) { tr.Get([]byte("b")) }, "b", 1020},
		{"point read other key", func(tr *memkv.Txn) { tr.Get([]byte("b")) }, "b\x00", 0},
		{"snapshot read", func(tr *memkv.Txn) { tr.Snapshot().Get([]byte("b")) }, "b", 0},
		{"own write then read", func(tr *memkv.Txn) {
			tr.Set([]byte("b"), []byte("mine"))
			tr.Get([]byte("b"))
		}, "b", 0},
		{"own clear then read", func(tr *memkv.Txn) {
			tr.ClearRange(r("a", "c"))
			tr.Get([]byte("b"))
		}, "b", 0},
		{"range read", func(tr *memkv.Txn) {
			tr.GetRange(r("a", "z"), kv.RangeOptions{})
		}, "q", 1020},
		{"range read limit stops early", func(tr *memkv.Txn) {
			tr.GetRange(r("a", "z"), kv.RangeOptions{Limit: 1})
		}, "c", 0},
		{"range read limit covers last key", func(tr *memkv.Txn) {
			tr.GetRange(r("a", "z"), kv.RangeOptions{Limit: 1})
		}, "b", 1020},
		{"range read limit covers gap", func(tr *memkv.Txn) {
			tr.GetRange(r("a", "z"), kv.RangeOptions{Limit: 1})
		}, "a", 1020},
		{"reverse limit stops early", func(tr *memkv.Txn) {
			tr.GetRange(r("a", "z"), kv.RangeOptions{Limit: 1, Reverse: true})
		}, "c", 0},
		{"reverse limit covers tail", func(tr *memkv.Txn) {
			tr.GetRange(r("a", "z"), kv.RangeOptions{Limit: 1, Reverse: true})
		}, "y\x01", 1020},
		{"range over own clear", func(tr *memkv.Txn) {
			tr.ClearRange(r("p", "r"))
			tr.GetRange(r("a", "z"), kv.RangeOptions{})
		}, "q", 0},
		{"range beside own clear", func(tr *memkv.Txn) {
			tr.ClearRange(r("p", "r"))
			tr.GetRange(r("a", "z"), kv.RangeOptions{})
		}, "r", 1020},
		{"range over own set key", func(tr *memkv.Txn) {
			tr.Set([]byte("q"), []byte("mine"))
			tr.GetRange(r("a", "z"), kv.RangeOptions{})
		}, "q", 0},
		{"range over own atomic op", func(tr *memkv.Txn) {
			tr.Add([]byte("q"), []byte{1})
			tr.GetRange(r("a", "z"), kv.RangeOptions{})
		}, "q", 1020},
		{"snapshot range", func(tr *memkv.Txn) {
			tr.Snapshot().GetRange(r("a", "z"), kv.RangeOptions{})
		}, "q", 0},
		{"explicit read range", func(tr *memkv.Txn) {
			_ = tr.AddReadConflictRange(r("m", "n"))
		}, "m1", 1020},
		{"explicit read key", func(tr *memkv.Txn) {
			_ = tr.AddReadConflictKey([]byte("m"))
		}, "m", 1020},
		{"blind write", func(*memkv.Txn) {}, "b", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := memkv.New(memkv.Options{})
			set(t, db, "b", "1")
			set(t, db, "y", "2")

			tr := db.CreateTransaction()
			tt.read(tr)
			tr.Set([]byte("out"), []byte("x"))
			set(t, db, tt.write, "new")
			if got := codeOf(tr.Commit()); got != tt.want {
				t.Errorf("commit code = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestWriteConflictRange(t *testing.T) {
	db := memkv.New(memkv.Options{})
	reader := db.CreateTransaction()
	reader.Get([]byte("k5"))
	reader.Set([]byte("x"), nil)

	w := db.CreateTransaction()
	if err := w.AddWriteConflictRange(kv.Range{Begin: []byte("k"), End: []byte("l")}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatalf("commit of a write conflict range alone = %v", err)
	}
	if got := codeOf(reader.Commit()); got != kv.CodeNotCommitted {
		t.Errorf("reader commit code = %d, want 1020", got)
	}
}

func TestReadOnlyCommitsAtOnce(t *testing.T) {
	db := memkv.New(memkv.Options{})
	tr := db.CreateTransaction()
	tr.Get([]byte("k"))
	set(t, db, "k", "changed")
	if err := tr.Commit(); err != nil {
		t.Errorf("read-only commit = %v, want nil", err)
	}
}

func TestReadYourWrites(t *testing.T) {
	db := memkv.New(memkv.Options{})
	set(t, db, "a", "1")
	set(t, db, "c", "3")
	set(t, db, "e", "5")

	tr := db.CreateTransaction()
	tr.Set([]byte("b"), []byte("2"))
	tr.Clear([]byte("c"))
	tr.Set([]byte("d"), []byte{})
	tr.ClearRange(kv.Range{Begin: []byte("e"), End: []byte("f")})
	tr.Set([]byte("e"), []byte("5b"))

	if v := mustGet(t, tr.Get([]byte("c"))); v != nil {
		t.Errorf("cleared key = %q, want absent", v)
	}
	if v := mustGet(t, tr.Snapshot().Get([]byte("d"))); v == nil || len(v) != 0 {
		t.Errorf("empty value = %v, want present and empty", v)
	}
	kvs, err := tr.GetRange(kv.Range{Begin: []byte("a"), End: []byte("z")}, kv.RangeOptions{}).
		GetSliceWithError()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range kvs {
		got = append(got, string(p.Key)+"="+string(p.Value))
	}
	want := "[a=1 b=2 d= e=5b]"
	if s := "[" + join(got) + "]"; s != want {
		t.Errorf("range = %s, want %s", s, want)
	}

	rev, _ := tr.GetRange(kv.Range{Begin: []byte("a"), End: []byte("z")},
		kv.RangeOptions{Reverse: true, Limit: 2}).GetSliceWithError()
	if len(rev) != 2 || string(rev[0].Key) != "e" || string(rev[1].Key) != "d" {
		t.Errorf("reverse limit 2 = %q, want e, d", rev)
	}

	it := tr.GetRange(kv.Range{Begin: []byte("a"), End: []byte("c")}, kv.RangeOptions{}).Iterator()
	var keys []string
	for it.Advance() {
		keys = append(keys, string(it.MustGet().Key))
	}
	if join(keys) != "a b" {
		t.Errorf("iterator = %q, want a b", keys)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

func TestValuesAreCopies(t *testing.T) {
	db := memkv.New(memkv.Options{})
	val := []byte("abc")
	err := db.Transact(context.Background(), func(tr kv.Transaction) error {
		tr.Set([]byte("k"), val)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	val[0] = 'X'
	got := get(t, db, "k")
	got[1] = 'Y'
	if v := get(t, db, "k"); string(v) != "abc" {
		t.Errorf("stored value = %q, want abc untouched by callers", v)
	}
}

func TestLimits(t *testing.T) {
	long := func(n int) []byte { return bytes.Repeat([]byte{'k'}, n) }
	tests := []struct {
		name string
		fn   func(tr kv.Transaction)
		want int
	}{
		{"key at limit", func(tr kv.Transaction) { tr.Set(long(10_000), nil) }, 0},
		{"key too large", func(tr kv.Transaction) { tr.Set(long(10_001), nil) }, 2102},
		{"value at limit", func(tr kv.Transaction) { tr.Set([]byte("k"), long(100_000)) }, 0},
		{"value too large", func(tr kv.Transaction) { tr.Set([]byte("k"), long(100_001)) }, 2103},
		{"atomic param too large", func(tr kv.Transaction) {
			tr.Add([]byte("k"), long(100_001))
		}, 2103},
		{"transaction too large", func(tr kv.Transaction) {
			for i := range 101 {
				tr.Set([]byte{byte(i)}, long(100_000))
			}
		}, 2101},
		{"inverted clear range", func(tr kv.Transaction) {
			tr.ClearRange(kv.Range{Begin: []byte("b"), End: []byte("a")})
		}, 2005},
		{"system key", func(tr kv.Transaction) { tr.Set([]byte("\xffx"), nil) }, 2004},
		{"clear too large key is a no-op", func(tr kv.Transaction) { tr.Clear(long(10_001)) }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := memkv.New(memkv.Options{})
			err := db.Transact(context.Background(), func(tr kv.Transaction) error {
				tt.fn(tr)
				return nil
			})
			if got := codeOf(err); got != tt.want {
				t.Errorf("Transact code = %d (%v), want %d", got, err, tt.want)
			}
		})
	}

	db := memkv.New(memkv.Options{})
	tr := db.CreateTransaction()
	if v, err := tr.Get(long(10_001)).Get(); v != nil || err != nil {
		t.Errorf("read of too long key = %v, %v; want absent, nil", v, err)
	}
	if kvs, err := tr.GetRange(kv.Range{Begin: []byte("b"), End: []byte("a")},
		kv.RangeOptions{}).GetSliceWithError(); len(kvs) != 0 || err != nil {
		t.Errorf("inverted range read = %v, %v; want empty", kvs, err)
	}
	inverted := kv.Range{Begin: []byte("b"), End: []byte("a")}
	if err := tr.AddReadConflictRange(inverted); codeOf(err) != 2005 {
		t.Errorf("inverted conflict range = %v, want 2005", err)
	}
}

func TestVersionstamps(t *testing.T) {
	db := memkv.New(memkv.Options{})
	tr := db.CreateTransaction()
	zero := make([]byte, 10)
	tr.SetVersionstampedValue([]byte("v"), withOffset(append([]byte("ab"), zero...), 2))
	tr.SetVersionstampedKey(withOffset(append(append([]byte("p"), zero...), 's'), 1), []byte("x"))
	vs := tr.GetVersionstamp()

	if _, err := tr.Get([]byte("v")).Get(); codeOf(err) != kv.CodeAccessedUnreadable {
		t.Errorf("read of pending versionstamped value = %v, want 1036", err)
	}
	_, err := tr.GetRange(kv.Range{Begin: []byte("p"), End: []byte("q")}, kv.RangeOptions{}).
		GetSliceWithError()
	if codeOf(err) != kv.CodeAccessedUnreadable {
		t.Errorf("range over pending versionstamped key = %v, want 1036", err)
	}
	if vs.IsReady() {
		t.Error("versionstamp ready before commit")
	}
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}
	stamp, err := vs.Get()
	if err != nil || len(stamp) != 10 {
		t.Fatalf("versionstamp = %x, %v", stamp, err)
	}
	rv := tr.GetReadVersion().MustGet()
	if v := int64(binary.BigEndian.Uint64(stamp)); v <= rv {
		t.Errorf("commit version %d not above read version %d", v, rv)
	}
	if got, want := get(t, db, "v"), append([]byte("ab"), stamp...); !bytes.Equal(got, want) {
		t.Errorf("value = %x, want %x", got, want)
	}
	if got := get(t, db, "p"+string(stamp)+"s"); string(got) != "x" {
		t.Errorf("versionstamped key holds %q, want x", got)
	}

	value := func(param []byte) func(kv.Transaction) {
		return func(tr kv.Transaction) { tr.SetVersionstampedValue([]byte("k"), param) }
	}
	key := func(key []byte) func(kv.Transaction) {
		return func(tr kv.Transaction) { tr.SetVersionstampedKey(key, nil) }
	}
	bad := []struct {
		name string
		fn   func(tr kv.Transaction)
	}{
		{"value param too short", value([]byte{1, 2, 3})},
		{"value offset past end", value(withOffset(zero, 1))},
		{"value offset negative", value(withOffset(zero, -1))},
		{"key offset past end", key(withOffset(zero, 3))},
		{"key too short", key([]byte{0})},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Transact(context.Background(), func(tr kv.Transaction) error {
				tt.fn(tr)
				return nil
			})
			if codeOf(err) != kv.CodeClientInvalidOperation {
				t.Errorf("Transact = %v, want client_invalid_operation (2000)", err)
			}
		})
	}

	ro := db.CreateTransaction()
	ro.Get([]byte("v"))
	f := ro.GetVersionstamp()
	if err := ro.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get(); codeOf(err) != kv.CodeNoCommitVersion {
		t.Errorf("versionstamp of read-only commit = %v, want 2021", err)
	}

	failed := db.CreateTransaction()
	failed.Get([]byte("v"))
	failed.Set([]byte("v"), nil)
	f = failed.GetVersionstamp()
	set(t, db, "v", "other")
	if err := failed.Commit(); !errors.Is(err, kv.ErrNotCommitted) {
		t.Fatalf("commit = %v, want not_committed", err)
	}
	if _, err := f.Get(); !errors.Is(err, kv.ErrNotCommitted) {
		t.Errorf("versionstamp of failed commit = %v, want not_committed", err)
	}
}

func TestVersionsIncrease(t *testing.T) {
	fake := newFake()
	db := memkv.New(memkv.Options{Clock: fake})
	var last int64
	for i := range 5 {
		tr := db.CreateTransaction()
		rv := tr.GetReadVersion().MustGet()
		if rv < last {
			t.Errorf("read version %d below last commit %d", rv, last)
		}
		tr.Set([]byte("k"), []byte{byte(i)})
		vs := tr.GetVersionstamp()
		if err := tr.Commit(); err != nil {
			t.Fatal(err)
		}
		v := int64(binary.BigEndian.Uint64(vs.MustGet()))
		if v <= rv || v <= last {
			t.Errorf("commit %d at version %d, read version %d, previous %d", i, v, rv, last)
		}
		last = v
		fake.Advance(time.Second)
	}
	if last < 4_000_000 {
		t.Errorf("version %d after 4s, want about a million per second", last)
	}
}

func TestTransactionTooOld(t *testing.T) {
	fake := newFake()
	db := memkv.New(memkv.Options{Clock: fake})
	set(t, db, "k", "v")

	tr := db.CreateTransaction()
	mustGet(t, tr.Get([]byte("k")))
	fake.Advance(4 * time.Second)
	mustGet(t, tr.Get([]byte("k")))
	fake.Advance(2 * time.Second)
	if _, err := tr.Get([]byte("k")).Get(); !errors.Is(err, kv.ErrTransactionTooOld) {
		t.Errorf("read after 6s = %v, want transaction_too_old", err)
	}
	tr.Set([]byte("k"), []byte("w"))
	if err := tr.Commit(); !errors.Is(err, kv.ErrTransactionTooOld) {
		t.Errorf("commit after 6s = %v, want transaction_too_old", err)
	}
}

func TestManyWritesInOneTransaction(t *testing.T) {
	db := memkv.New(memkv.Options{})
	tr := db.CreateTransaction()
	const n = 500
	for i := range n {
		k := (i * 7919) % n // out of order, to exercise ordered insertion
		tr.Set([]byte(fmt.Sprintf("k%04d", k)), []byte(fmt.Sprint(k)))
	}
	tr.Clear([]byte("k0003"))
	kvs, err := tr.GetRange(kv.Range{Begin: []byte("k"), End: []byte("l")}, kv.RangeOptions{}).
		GetSliceWithError()
	if err != nil {
		t.Fatal(err)
	}
	if len(kvs) != n-1 || string(kvs[3].Key) != "k0004" {
		t.Fatalf("range read %d pairs, fourth %q; want %d and k0004", len(kvs), kvs[3].Key, n-1)
	}
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := get(t, db, "k0421"); string(got) != "421" {
		t.Errorf("k0421 = %q, want 421", got)
	}
}

func TestClearRangesMerge(t *testing.T) {
	var muts []memkv.Mutation
	db := memkv.New(memkv.Options{OnCommit: func(ci memkv.CommitInfo) { muts = ci.Mutations }})
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		set(t, db, k, k)
	}
	tr := db.CreateTransaction()
	for _, r := range [][2]string{{"e", "f"}, {"b", "c"}, {"c", "d"}, {"a", "a"}, {"f", "g"}} {
		tr.ClearRange(kv.Range{Begin: []byte(r[0]), End: []byte(r[1])})
	}
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		v := mustGet(t, tr.Get([]byte(k)))
		if want := strings.Contains("bcef", k); (v == nil) != want {
			t.Errorf("key %s cleared = %v, want %v", k, v == nil, want)
		}
	}
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range muts {
		got = append(got, string(m.Key)+"-"+string(m.End))
	}
	if join(got) != "b-d e-g" {
		t.Errorf("clear mutations = %q, want merged b-d e-g", got)
	}
}
