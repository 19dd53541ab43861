// Package fdbkv runs fdbelect on a FoundationDB cluster: it implements
// kv.Database over the official Go bindings
// (github.com/apple/foundationdb/bindings/go), pinned in go.mod to a
// release-7.3 commit, at API version 730.
//
// # Building
//
// The bindings are cgo code that links against libfdb_c, so every file that
// imports them carries the build tag fdb. Build with
//
//	go build -tags fdb ./cmd/fdbelect
//
// on a machine with the FoundationDB client package 7.3.x installed (it
// provides libfdb_c and the foundationdb/fdb_c.h header). Without the tag
// the package still compiles, Enabled is false, and Open returns
// ErrNotBuilt, whose message says how to build with FoundationDB support.
//
// # Opening a database
//
// Open takes a cluster file path; "" means the client's default: the
// FDB_CLUSTER_FILE environment variable, else fdb.cluster in the working
// directory, else /etc/foundationdb/fdb.cluster on Linux. DBs opened on
// the same cluster file share one bindings handle, closed by the last
// Close; Close is safe to call twice. Code that already uses the bindings
// passes its handle to Wrap instead, so that both share one connection.
// The pinned bindings have no tenant API, so there is no tenant variant:
// separate elections by subspace.
//
// The first Open or Wrap selects API version APIVersion for the process.
// FoundationDB allows one API version per process; if other code selected
// a different one, Open and Wrap fail with ErrAPIVersion instead of running
// at a version this package was not written for.
//
// # Transactions
//
// Each kv method calls the bindings' method of the same name; reads return
// futures at once, so independent reads issued together overlap. Database
// errors come back as *kv.Error with FoundationDB's code.
//
// Transact and ReadTransact run their own retry loop over one bindings
// transaction: the function, then (for Transact) the commit, then
// on_error for any database error, which decides as FoundationDB's client
// does whether to retry, backs off, and enforces the transaction's timeout
// and retry limit (both persist across retries). The context bounds the
// loop: its deadline becomes the transaction's timeout, and when it ends
// the transaction is cancelled and the call returns the context's error.
// If the context ends while the commit is in flight, the commit may still
// apply, and the error also wraps commit_unknown_result. With no deadline,
// timeout or retry limit, a retryable error is retried until the context
// ends.
//
// # Futures and watches
//
// Futures may be waited on from several goroutines. Do not keep a read's
// future past the function that issued it: the transaction is reset when
// the attempt is retried. A GetVersionstamp future is meant to be read
// after Transact returns, and keeps its transaction alive until then.
//
// A watch outlives its transaction once that commits. The channel of Ready
// is served by one goroutine, started by the first Ready or Get, which
// ends when the watch fires, fails or is cancelled. Cancel watches that are
// no longer needed: until then each holds that goroutine and one of the
// database's outstanding watches (10,000 by default). A cancelled watch
// reports operation_cancelled (1101), the code FoundationDB gives a
// cancelled future.
//
// # Traps of the bindings that this package hides
//
//   - Options() on a snapshot transaction calls itself forever in
//     release-7.3; options are always set on the transaction itself.
//   - Database.Transact re-panics anything but fdb.Error, and MustGet
//     panics. This package runs its own loop and recovers every panic of
//     the bindings into an error (a *PanicError when it is not a database
//     error). A panic from the caller's own function is the caller's: one
//     raised by MustGet becomes its error, any other goes on unchanged.
//   - The API version can be selected once per process (see above).
//   - The retry loop is unbounded without a timeout or retry limit; the
//     context's deadline supplies the timeout.
//   - Handles are cached per cluster file by the bindings, unsynchronized,
//     and their Close leaves a finalizer that would destroy the handle a
//     second time; Open serializes access, closes a handle exactly once,
//     and keeps closed handles reachable.
//   - The bindings' range iterator keeps reporting more after an error and
//     panics when read at the wrong time; here the first error ends it.
//
// # Testing
//
// The tests of the retry loop, the handle registry, the futures and the
// untagged build run everywhere. The tests tagged fdb run the kv
// conformance suite (package kv/kvtest) and adapter tests against the
// cluster named by FDB_CLUSTER_FILE, each under a fresh random prefix that
// is cleared afterwards, and skip when the variable is unset:
//
//	FDB_CLUSTER_FILE=/etc/foundationdb/fdb.cluster go test -tags fdb ./kv/fdbkv/
//
// Where FoundationDB cannot be installed, .ci/fdb-typecheck.sh type-checks
// the tagged files against a stand-in C header
// (testdata/typecheck/include/foundationdb/fdb_c.h).
package fdbkv
