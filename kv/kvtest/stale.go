package kvtest

import (
	"context"
	"sync"

	"github.com/fdbelect/fdbelect/kv"
)

// StaleReader wraps db so that point reads in read-only transactions
// (ReadTransact) return the first value ever read for the key, forever.
// Everything else passes through. It is a deliberately broken database:
// a linearizability checker must reject its histories, which is how a test
// shows that the checker can fail at all.
func StaleReader(db kv.Database) kv.Database {
	return &staleDB{Database: db, seen: make(map[string][]byte)}
}

// staleDB is the database StaleReader returns.
type staleDB struct {
	kv.Database

	mu   sync.Mutex // guards seen
	seen map[string][]byte
}

// ReadTransact runs fn on a transaction whose point reads are stale.
func (s *staleDB) ReadTransact(ctx context.Context, fn func(kv.ReadTransaction) error) error {
	return s.Database.ReadTransact(ctx, func(tr kv.ReadTransaction) error {
		return fn(&staleTr{ReadTransaction: tr, db: s})
	})
}

// staleTr is a read-only transaction of a staleDB.
type staleTr struct {
	kv.ReadTransaction
	db *staleDB
}

// Get returns the first value ever read for key through the wrapper.
func (t *staleTr) Get(key []byte) kv.FutureValue {
	t.db.mu.Lock()
	v, ok := t.db.seen[string(key)]
	t.db.mu.Unlock()
	if ok {
		return readyValue{v}
	}

	f := t.ReadTransaction.Get(key)
	v, err := f.Get()
	if err != nil {
		return f
	}
	t.db.mu.Lock()
	if old, ok := t.db.seen[string(key)]; ok {
		v = old
	} else {
		t.db.seen[string(key)] = v
	}
	t.db.mu.Unlock()
	return readyValue{v}
}

// readyValue is a FutureValue that is already resolved.
type readyValue struct{ v []byte }

func (r readyValue) Get() ([]byte, error) { return r.v, nil }
func (r readyValue) MustGet() []byte      { return r.v }
func (r readyValue) IsReady() bool        { return true }
