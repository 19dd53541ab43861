//go:build !fdb

package fdbkv

import (
	"context"

	"github.com/fdbelect/fdbelect/kv"
)

// Enabled reports whether this binary was built with -tags fdb and so can
// reach a FoundationDB cluster. In this build it is false.
const Enabled = false

// DB is a kv.Database on a FoundationDB cluster. This binary was built
// without the fdb build tag, so no DB can be opened: Open, Transact and
// ReadTransact return ErrNotBuilt. Wrap, which takes a bindings handle,
// exists only in builds with -tags fdb.
type DB struct{}

var _ kv.Database = (*DB)(nil)

// Open would open the cluster named by clusterFile. Built without -tags
// fdb, it returns ErrNotBuilt, whose message says how to build with
// FoundationDB support.
func Open(clusterFile string) (*DB, error) {
	return nil, ErrNotBuilt
}

// Close does nothing and returns nil; it is safe to call more than once.
func (d *DB) Close() error { return nil }

// Transact returns ErrNotBuilt.
func (d *DB) Transact(ctx context.Context, fn func(tr kv.Transaction) error) error {
	return ErrNotBuilt
}

// ReadTransact returns ErrNotBuilt.
func (d *DB) ReadTransact(ctx context.Context, fn func(tr kv.ReadTransaction) error) error {
	return ErrNotBuilt
}
