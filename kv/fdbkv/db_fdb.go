//go:build fdb

package fdbkv

import (
	"context"
	"fmt"
	"sync"

	"github.com/apple/foundationdb/bindings/go/src/fdb"

	"github.com/fdbelect/fdbelect/kv"
)

// Enabled reports whether this binary was built with -tags fdb and so can
// reach a FoundationDB cluster. In this build it is true.
const Enabled = true

// DB is a kv.Database on a FoundationDB cluster, through the official Go
// bindings. It is safe for concurrent use.
type DB struct {
	db    fdb.Database
	file  string
	owned bool // from Open: Close releases the shared handle

	life lifecycle // running Transact and ReadTransact calls
}

var _ kv.Database = (*DB)(nil)

// handles shares one bindings handle per cluster file among the DBs that
// Open returns.
var handles = registry[fdb.Database]{
	open:  openHandle,
	close: closeHandle,
}

// retired keeps every handle closed through handles reachable for the rest
// of the process. The bindings' Database.Close destroys the C handle but
// leaves the finalizer that destroys it armed, so a closed handle that the
// garbage collector reached would be destroyed a second time. Guarded by
// handles.mu, under which closeHandle runs.
var retired []fdb.Database

func openHandle(clusterFile string) (db fdb.Database, err error) {
	defer catch(&err)
	db, err = fdb.OpenDatabase(clusterFile)
	return db, convert(err)
}

func closeHandle(db fdb.Database) {
	defer catch(new(error))
	retired = append(retired, db)
	db.Close()
}

// Open returns a DB on the cluster named by clusterFile; an empty name
// means the client's default cluster file (the FDB_CLUSTER_FILE environment
// variable, else fdb.cluster in the working directory, else the platform's
// default such as /etc/foundationdb/fdb.cluster).
//
// The first Open or Wrap selects API version APIVersion for the whole
// process. The bindings allow one version per process, so Open returns an
// error wrapping ErrAPIVersion when other code selected a different one.
//
// DBs opened on the same cluster file share one handle, which the last
// Close closes. Do not also open that cluster file through the bindings
// directly: the bindings cache handles per cluster file too, so both would
// get the same handle and Close would pull it from under the other user.
// Code that already holds a bindings handle should pass it to Wrap.
func Open(clusterFile string) (*DB, error) {
	if err := selectAPIVersion(); err != nil {
		return nil, err
	}
	db, err := handles.acquire(clusterFile)
	if err != nil {
		return nil, fmt.Errorf("fdbkv: open cluster file %q: %w", clusterFile, err)
	}
	return &DB{db: db, file: clusterFile, owned: true}, nil
}

// Wrap returns a DB over a handle the caller opened with the bindings, so
// that code already using the bindings and code using kv share one
// connection. The process must have selected API version APIVersion
// (selecting it first if nothing has yet). Closing the DB does not close
// db; its owner does.
//
// The pinned 7.3 bindings have no tenant API, so there is no tenant
// variant of Wrap; give each election its own subspace instead.
func Wrap(db fdb.Database) (*DB, error) {
	if db == (fdb.Database{}) {
		return nil, fmt.Errorf("%w: zero fdb.Database passed to Wrap", ErrInvalidArgument)
	}
	if err := selectAPIVersion(); err != nil {
		return nil, err
	}
	return &DB{db: db}, nil
}

// Close stops the DB: later transactions fail with ErrClosed. It waits for
// running Transact and ReadTransact calls to return (cancel their contexts
// to hurry them), then releases the shared handle of Open, closing it if
// this was its last DB. Cancel outstanding watches first: once the handle
// is closed they may fail or never fire. Close is safe to call more than
// once and always returns nil.
func (d *DB) Close() error {
	d.life.close(func() {
		if d.owned {
			handles.release(d.file)
		}
	})
	return nil
}

// Transact runs fn in a read-write transaction and commits it, retrying as
// FoundationDB's on_error decides (see kv.Database). The context's deadline
// becomes the transaction's timeout, and when the context ends the
// transaction is cancelled; if that happens during the commit, the error
// also wraps commit_unknown_result because the commit may have applied.
// fn must not keep futures or the transaction after it returns, except
// watches and GetVersionstamp futures, which are meant to be read later.
func (d *DB) Transact(ctx context.Context, fn func(tr kv.Transaction) error) error {
	if ctx == nil || fn == nil {
		return fmt.Errorf("%w: nil context or function passed to Transact", ErrInvalidArgument)
	}
	if err := d.life.enter(); err != nil {
		return err
	}
	defer d.life.exit()

	tr, err := d.create()
	if err != nil {
		return err
	}
	t := &txn{reader: reader{tr: tr, rt: tr, st: new(attemptState)}}
	return runLoop(ctx, loop{tr}, func() error {
		t.st.reset()
		if err := callUser(func() error { return fn(t) }); err != nil {
			return err
		}
		return t.st.result()
	}, true)
}

// ReadTransact runs fn in a transaction that only reads, with the retry
// rules of Transact. Nothing is committed.
func (d *DB) ReadTransact(ctx context.Context, fn func(tr kv.ReadTransaction) error) error {
	if ctx == nil || fn == nil {
		return fmt.Errorf("%w: nil context or function passed to ReadTransact",
			ErrInvalidArgument)
	}
	if err := d.life.enter(); err != nil {
		return err
	}
	defer d.life.exit()

	tr, err := d.create()
	if err != nil {
		return err
	}
	r := &reader{tr: tr, rt: tr, st: new(attemptState)}
	return runLoop(ctx, loop{tr}, func() error {
		r.st.reset()
		if err := callUser(func() error { return fn(r) }); err != nil {
			return err
		}
		return r.st.result()
	}, false)
}

// create makes the transaction that every attempt of one call reuses: the
// bindings' on_error resets it between attempts and keeps its timeout and
// retry limit, as FoundationDB's retry loop expects.
func (d *DB) create() (tr fdb.Transaction, err error) {
	defer catch(&err)
	tr, err = d.db.CreateTransaction()
	if err != nil {
		return fdb.Transaction{}, fmt.Errorf("fdbkv: create transaction: %w", convert(err))
	}
	return tr, nil
}

// callUser calls the caller's function and turns a panic of the bindings'
// own error type (their MustGet, for code that mixes in direct bindings
// calls) into the *kv.Error with its code. Other panics go on unchanged.
func callUser(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if fe, ok := p.(fdb.Error); ok {
				err = kv.NewError(fe.Code)
				return
			}
			panic(p)
		}
	}()
	return fn()
}

// loop adapts a bindings transaction to the retry loop. Transact is not
// used: it re-panics anything but fdb.Error from the function and cannot
// be cancelled through a context.
type loop struct{ tr fdb.Transaction }

func (l loop) Commit() (err error) {
	defer catch(&err)
	return convert(l.tr.Commit().Get())
}

func (l loop) OnError(code int) (err error) {
	defer catch(&err)
	return convert(l.tr.OnError(fdb.Error{Code: code}).Get())
}

func (l loop) Cancel() {
	defer catch(new(error))
	l.tr.Cancel()
}

func (l loop) SetTimeout(ms int64) (err error) {
	defer catch(&err)
	return convert(l.tr.Options().SetTimeout(ms))
}

// API version selection. The bindings accept one API version per process:
// selecting a second, different one fails, and so does anything before
// the first. It is therefore selected once, here, and a version chosen
// elsewhere in the process is reported as a conflict instead of being
// silently used.
var (
	apiOnce sync.Once
	apiErr  error
)

func selectAPIVersion() error {
	apiOnce.Do(func() { apiErr = chooseAPIVersion() })
	return apiErr
}

func chooseAPIVersion() (err error) {
	defer catch(&err)
	if fdb.IsAPIVersionSelected() {
		return checkSelected()
	}
	if err := fdb.APIVersion(APIVersion); err != nil {
		// Someone may have selected another version since the check.
		if cerr := checkSelected(); cerr != nil {
			return cerr
		}
		return fmt.Errorf("fdbkv: select FoundationDB API version %d: %w",
			APIVersion, convert(err))
	}
	return nil
}

// checkSelected reports a conflict when the process selected a version
// other than APIVersion.
func checkSelected() error {
	v, err := fdb.GetAPIVersion()
	if err != nil || v == APIVersion {
		return nil
	}
	return fmt.Errorf("%w: the process selected API version %d, this package needs %d",
		ErrAPIVersion, v, APIVersion)
}
