package main

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/fdbelect/fdbelect/kv"
)

// errCrashed is what a crashed process's transactions fail with.
var errCrashed = errors.New("bench: process crashed")

// crashDB wraps a kv.Database so that one process can be made to crash:
// once dead, every transaction it starts fails at once and every
// transaction in flight fails on its next attempt, so nothing it does
// reaches the store any more, not even the resignation of a clean
// shutdown.
type crashDB struct {
	inner kv.Database
	dead  atomic.Bool
}

func (c *crashDB) Transact(ctx context.Context, fn func(kv.Transaction) error) error {
	if c.dead.Load() {
		return errCrashed
	}
	return c.inner.Transact(ctx, func(tr kv.Transaction) error {
		if c.dead.Load() {
			return errCrashed
		}
		return fn(tr)
	})
}

func (c *crashDB) ReadTransact(ctx context.Context, fn func(kv.ReadTransaction) error) error {
	if c.dead.Load() {
		return errCrashed
	}
	return c.inner.ReadTransact(ctx, func(tr kv.ReadTransaction) error {
		if c.dead.Load() {
			return errCrashed
		}
		return fn(tr)
	})
}
