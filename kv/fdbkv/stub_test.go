//go:build !fdb

package fdbkv_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/fdbkv"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestOpenWithoutTagSaysHowToBuild(t *testing.T) {
	if fdbkv.Enabled {
		t.Fatal("Enabled = true in a build without -tags fdb")
	}
	for _, file := range []string{"", "/etc/foundationdb/fdb.cluster"} {
		db, err := fdbkv.Open(file)
		if db != nil || !errors.Is(err, fdbkv.ErrNotBuilt) {
			t.Fatalf("Open(%q) = %v, %v; want nil, ErrNotBuilt", file, db, err)
		}
	}

	_, err := fdbkv.Open("")
	for _, want := range []string{
		"fdbkv: ",
		"FoundationDB client package " + fdbkv.ClientVersion,
		"libfdb_c",
		"foundationdb/fdb_c.h",
		"-tags fdb",
		"go build -tags fdb ./cmd/fdbelect",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open error %q does not mention %q", err, want)
		}
	}
}

func TestStubDBMethods(t *testing.T) {
	var db fdbkv.DB
	ctx := context.Background()
	tests := []struct {
		name string
		err  error
	}{
		{"Transact", db.Transact(ctx, func(kv.Transaction) error { return nil })},
		{"ReadTransact", db.ReadTransact(ctx, func(kv.ReadTransaction) error { return nil })},
	}
	for _, tc := range tests {
		if !errors.Is(tc.err, fdbkv.ErrNotBuilt) {
			t.Errorf("%s() = %v, want ErrNotBuilt", tc.name, tc.err)
		}
	}
	for i := range 2 {
		if err := db.Close(); err != nil {
			t.Errorf("Close() call %d = %v, want nil", i+1, err)
		}
	}
}
