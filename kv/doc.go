// Package kv is the transaction interface that every layer of fdbelect
// programs against, with FoundationDB's semantics and error codes.
//
// It holds no storage. The embedded engine (package kv/memkv) and the
// adapter over the official FoundationDB bindings (package kv/fdbkv)
// implement Database; package kv/kvtest checks that an implementation
// behaves like FoundationDB.
//
// # Transactions
//
// Code runs inside Database.Transact or Database.ReadTransact, which retry
// the function in a fresh transaction whenever FoundationDB's client would.
// A transaction sees a consistent snapshot plus its own writes and commits
// only if nothing it read serializably was changed by a commit after its
// read version.
//
// # Errors
//
// Database errors are *Error values carrying FoundationDB's numeric code.
// IsRetryable, IsMaybeCommitted and IsRetryableNotCommitted classify them the
// way the FoundationDB client does.
package kv
