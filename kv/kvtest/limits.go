package kvtest

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// FoundationDB's size limits, in bytes.
const (
	keyLimit   = 10_000
	valueLimit = 100_000
	txLimit    = 10_000_000
)

// limitChecks cover checklist item 5: size limits and their error codes.
func limitChecks() []check {
	return []check{
		{"Limits/KeySize", testKeyLimit},
		{"Limits/ValueSize", testValueLimit},
		{"Limits/TransactionSize", testTransactionLimit},
		{"Limits/WatchKeySize", testWatchKeyLimit},
		{"Limits/ReadConflictsCount", testReadConflictsCount},
	}
}

// sized returns a key of exactly n bytes, starting with the prefix and
// name, padded with 'k'.
func (e *env) sized(name string, n int) []byte {
	e.t.Helper()
	k := e.key(name)
	if len(k) > n {
		e.t.Fatalf("prefix too long for a %d-byte key", n)
	}
	return append(k, bytes.Repeat([]byte{'k'}, n-len(k))...)
}

// testKeyLimit checks that a key of 10,000 bytes is accepted and one of
// 10,001 bytes fails with key_too_large (2102), by itself and as the key of
// an atomic operation.
func testKeyLimit(e *env) {
	ok := e.sized("ok", keyLimit)
	e.commit(setter(ok, "v"))
	if v := e.get(ok); string(v) != "v" {
		e.t.Errorf("10,000-byte key: got %s, want 76", show(v))
	}

	big := e.sized("big", keyLimit+1)
	ops := map[string]func(tr kv.Transaction){
		"Set": func(tr kv.Transaction) { tr.Set(big, []byte("v")) },
		"Add": func(tr kv.Transaction) { tr.Add(big, []byte{1}) },
	}
	for name, op := range ops {
		err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
			op(tr)
			return nil
		})
		e.wantCode(name+" with a 10,001-byte key", err, kv.CodeKeyTooLarge)
	}
	if got := e.names(e.span("big", "big\xff")); len(got) != 0 {
		e.t.Errorf("failed commits left %d keys", len(got))
	}
}

// testValueLimit checks that a value of 100,000 bytes is accepted and one of
// 100,001 bytes fails with value_too_large (2103), also as an atomic
// operation's parameter.
func testValueLimit(e *env) {
	e.commit(setter(e.key("ok"), string(bytes.Repeat([]byte{'v'}, valueLimit))))
	if v := e.get(e.key("ok")); len(v) != valueLimit {
		e.t.Errorf("100,000-byte value: read back %d bytes", len(v))
	}

	big := bytes.Repeat([]byte{'v'}, valueLimit+1)
	ops := map[string]func(tr kv.Transaction){
		"Set":          func(tr kv.Transaction) { tr.Set(e.key("big"), big) },
		"AppendIfFits": func(tr kv.Transaction) { tr.AppendIfFits(e.key("big"), big) },
	}
	for name, op := range ops {
		err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
			op(tr)
			return nil
		})
		e.wantCode(name+" with a 100,001-byte value", err, kv.CodeValueTooLarge)
	}
	if v := e.get(e.key("big")); v != nil {
		e.t.Errorf("failed commits wrote big: %d bytes", len(v))
	}
}

// testTransactionLimit checks that a transaction writing 9,900,000 bytes of
// values commits, and that one writing more than 10,000,000 bytes fails
// with transaction_too_large (2101) and writes nothing.
func testTransactionLimit(e *env) {
	value := bytes.Repeat([]byte{'v'}, valueLimit)
	fits := txLimit/valueLimit - 1
	err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		for i := range fits {
			tr.Set(e.key(fmt.Sprintf("f/%04d", i)), value)
		}
		return nil
	})
	if err != nil {
		e.t.Errorf("%d values of %d bytes: %v", fits, valueLimit, err)
	}

	n := txLimit/valueLimit + 1
	err = e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		for i := range n {
			tr.Set(e.key(fmt.Sprintf("t/%04d", i)), value)
		}
		return nil
	})
	e.wantCode(fmt.Sprintf("%d values of %d bytes", n, valueLimit), err, kv.CodeTransactionTooLarge)
	if got := e.names(e.span("t/", "t0")); len(got) != 0 {
		e.t.Errorf("failed commit left %d keys", len(got))
	}
}

// testWatchKeyLimit checks that watching a key longer than 10,000 bytes
// fails with key_too_large (2102), in the watch or in its commit.
func testWatchKeyLimit(e *env) {
	var w kv.FutureNil
	err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		w = tr.Watch(e.sized("big", keyLimit+1))
		return nil
	})
	if err == nil {
		select {
		case <-w.Ready():
			err = w.Get()
		case <-time.After(watchFireWait):
			err = errors.New("watch still waiting")
		}
		defer w.Cancel()
	}
	e.wantCode("watch of a 10,001-byte key", err, kv.CodeKeyTooLarge)
}

// testReadConflictsCount checks that the keys a transaction reads count
// toward its size, as FoundationDB's known limitations say: about 10.4 MB
// of read conflict ranges make the commit of one small write fail with
// transaction_too_large (2101), while the same reads as snapshot reads,
// which record no conflict ranges, do not.
func testReadConflictsCount(e *env) {
	const reads = txLimit/(2*keyLimit) + 20
	keys := make([][]byte, reads)
	for i := range keys {
		keys[i] = e.sized(fmt.Sprintf("rc/%04d/", i), keyLimit)
	}
	readAll := func(rt kv.ReadTransaction) error {
		futures := make([]kv.FutureValue, len(keys))
		for i, k := range keys {
			futures[i] = rt.Get(k)
		}
		for _, f := range futures {
			if _, err := f.Get(); err != nil {
				return err
			}
		}
		return nil
	}

	err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		if err := readAll(tr); err != nil {
			return err
		}
		tr.Set(e.key("w"), []byte("x"))
		return nil
	})
	e.wantCode(fmt.Sprintf("%d serializable reads of %d-byte keys and a write", reads, keyLimit),
		err, kv.CodeTransactionTooLarge)

	err = e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		if err := readAll(tr.Snapshot()); err != nil {
			return err
		}
		tr.Set(e.key("w"), []byte("x"))
		return nil
	})
	if err != nil {
		e.t.Errorf("%d snapshot reads of %d-byte keys and a write: %v", reads, keyLimit, err)
	}
}
