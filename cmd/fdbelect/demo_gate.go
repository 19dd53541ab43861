package main

import (
	"context"
	"errors"
	"sync"

	"github.com/fdbelect/fdbelect/kv"
)

// errCrashed is what every transaction of a crashed demo process returns.
// It is not a kv.Error, so no retry loop retries it.
var errCrashed = errors.New("demo: process crashed")

// gateState is what a gate lets through.
type gateState int

const (
	gateOpen   gateState = iota // transactions run normally
	gatePaused                  // transactions stop before they commit
	gateDead                    // transactions fail with errCrashed
)

// gatedDB is the database as one demo process sees it. Pausing it freezes
// the process's transactions just before they commit, as a long garbage
// collection or a stopped VM would; killing it makes every transaction
// fail, including the resignation an Elector attempts on its way out, so
// that cancelling the Elector afterwards is a crash, not a clean exit.
type gatedDB struct {
	db kv.Database

	mu      sync.Mutex
	state   gateState     // guarded by mu
	changed chan struct{} // guarded by mu; closed and replaced on each change
}

var _ kv.Database = (*gatedDB)(nil)

func newGatedDB(db kv.Database) *gatedDB {
	return &gatedDB{db: db, changed: make(chan struct{})}
}

// set moves the gate to s and wakes every transaction waiting on it.
func (g *gatedDB) set(s gateState) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.state == gateDead {
		return // the dead stay dead
	}
	g.state = s
	close(g.changed)
	g.changed = make(chan struct{})
}

// pass waits while the gate is paused and reports errCrashed once it is
// dead.
func (g *gatedDB) pass(ctx context.Context) error {
	for {
		g.mu.Lock()
		st, changed := g.state, g.changed
		g.mu.Unlock()
		switch st {
		case gateOpen:
			return nil
		case gateDead:
			return errCrashed
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// dead reports errCrashed once the gate is dead.
func (g *gatedDB) dead() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.state == gateDead {
		return errCrashed
	}
	return nil
}

// Transact runs fn and holds the commit at the gate: a paused process
// reads and decides, then waits, and commits its stale decision when it
// resumes, which is exactly what leases and conflicts must make harmless.
func (g *gatedDB) Transact(ctx context.Context, fn func(kv.Transaction) error) error {
	if err := g.dead(); err != nil {
		return err
	}
	return g.db.Transact(ctx, func(tr kv.Transaction) error {
		if err := fn(tr); err != nil {
			return err
		}
		return g.pass(ctx)
	})
}

// ReadTransact runs fn and holds its result at the gate.
func (g *gatedDB) ReadTransact(ctx context.Context, fn func(kv.ReadTransaction) error) error {
	if err := g.dead(); err != nil {
		return err
	}
	return g.db.ReadTransact(ctx, func(tr kv.ReadTransaction) error {
		if err := fn(tr); err != nil {
			return err
		}
		return g.pass(ctx)
	})
}
