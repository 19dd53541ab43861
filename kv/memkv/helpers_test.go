package memkv_test

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/clock"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

func newFake() *clock.Fake { return clock.NewFake(time.Unix(1_700_000_000, 0)) }

// set commits key=value in a transaction of its own.
func set(t *testing.T, db *memkv.DB, key, value string) {
	t.Helper()
	err := db.Transact(context.Background(), func(tr kv.Transaction) error {
		tr.Set([]byte(key), []byte(value))
		return nil
	})
	if err != nil {
		t.Fatalf("set %q: %v", key, err)
	}
}

// get reads key in a transaction of its own; nil means absent.
func get(t *testing.T, db *memkv.DB, key string) []byte {
	t.Helper()
	v, err := kv.ReadTransactValue(context.Background(), db,
		func(tr kv.ReadTransaction) ([]byte, error) { return tr.Get([]byte(key)).Get() })
	if err != nil {
		t.Fatalf("get %q: %v", key, err)
	}
	return v
}

// codeOf returns the kv code of err, or 0.
func codeOf(err error) int {
	c, _ := kv.Code(err)
	return c
}

// mustGet waits for a value future and fails the test on error.
func mustGet(t *testing.T, f kv.FutureValue) []byte {
	t.Helper()
	v, err := f.Get()
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	return v
}

// withOffset appends the little-endian offset that versionstamped
// operations expect.
func withOffset(b []byte, off int32) []byte {
	return binary.LittleEndian.AppendUint32(append([]byte(nil), b...), uint32(off))
}
