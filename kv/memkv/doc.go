// Package memkv is an embedded, in-memory transactional key-value engine
// with FoundationDB's client-visible semantics. It implements kv.Database
// and is the default engine of fdbelect's tests, demo and simulator.
//
//	db := memkv.New(memkv.Options{})
//	err := db.Transact(ctx, func(tr kv.Transaction) error { ... })
//
// The zero Options give a plain, fast engine on the real clock. Options add
// read and commit latency, a virtual clock, seeded fault injection, a
// deterministic fault hook (CommitFault) and a commit observer (OnCommit).
//
// # Guarantees
//
// Transactions are strictly serializable, with FoundationDB's optimistic
// concurrency: a transaction reads a snapshot at its read version, buffers
// its writes, and commits only if nothing it read serializably was written
// by a commit after its read version. Commits apply atomically in one total
// order of increasing versions.
//
// # Fidelity
//
// Each item of the engine checklist in DESIGN.md §4 is implemented:
//
//   - Versions are int64. The read version is taken at the first read. A
//     commit's version is above its read version and above every version
//     handed out before. Versions advance with the clock, one per
//     microsecond (FoundationDB advances about a million per second), and at
//     least one per commit, so transaction_too_old (1007) follows from
//     versions: a read or commit fails with it once the newest version is
//     more than 5,000,000 past the read version. The versionstamp is the
//     big-endian commit version and a big-endian batch index, always zero
//     here since every commit is its own batch.
//   - Reads see the snapshot plus the transaction's own writes, atomic
//     operations included, also through Snapshot. Absent and empty values
//     differ.
//   - A serializable point read adds the read conflict range [k, k+00); a
//     range read adds its range, or, when a limit cut it short, the range up
//     to just past its last key in the direction read. Snapshot reads add
//     none; keys and ranges the transaction set or cleared itself add none.
//     Atomic operations add no read conflict. Explicit read and write
//     conflict ranges can be added.
//   - A transaction without writes commits at once; blind writes never
//     conflict.
//   - Limits: key 10,000 bytes (key_too_large, 2102), value and atomic
//     parameter 100,000 (value_too_large, 2103), transaction 10,000,000
//     (transaction_too_large, 2101, at commit). The size counts the keys and
//     values of mutations and the keys of conflict ranges. An error of a
//     call that returns nothing (Set, ClearRange...) is kept and returned by
//     every later call and by Commit, as FoundationDB's client does. Reading
//     a key longer than the limit returns absent. Keys from 0xff up are
//     outside the legal range (2004).
//   - Atomic operations follow FoundationDB's mutation types for API version
//     510 and later, including AND and MIN storing the parameter on an
//     absent key. Versionstamp offsets are validated as FoundationDB does:
//     a parameter or key shorter than four bytes, or an offset whose ten
//     bytes do not fit, fails with client_invalid_operation (2000). Reading
//     a key (or a range) that a pending versionstamped write may produce
//     fails with accessed_unreadable (1036).
//   - Watches fire when the committed value differs from the value the
//     transaction saw or wrote; they are armed at commit (firing at once if
//     the value already changed), fail with the commit's error when the
//     transaction does not commit, fail with operation_cancelled (1101)
//     when cancelled and with transaction_cancelled (1025) when their
//     transaction is reset first. At most 10,000 are outstanding per DB
//     (too_many_watches, 1032). No goroutine is started per watch.
//   - Transact and ReadTransact use kv.Run and kv.RunRead: FoundationDB's
//     retry classes, jittered exponential backoff from 10 ms to 1 s on the
//     DB's clock, the transaction's timeout and retry limit.
//
// # Faults and latency
//
// ReadLatency delays every read round trip: reads issued before waiting on
// any of them share one, and a read answered from the transaction's own
// writes needs none. CommitLatency delays every commit with writes.
// The fault rates inject not_committed, transaction_too_old and
// commit_unknown_result into commits that passed conflict checking, both
// before applying (the commit is lost) and after (the commit applied, the
// caller is told it may not have). CommitFault replaces the rates with a
// decision per commit. With one goroutine driving a DB on a fake clock, a
// given Seed gives the same faults, versions and backoff every run.
//
// With zero latencies every future is resolved before the call that made
// it returns, and no goroutine is ever started, so a single-threaded
// driver with a fake clock is fully deterministic.
//
// # Deviations from FoundationDB
//
//   - Versions are derived from the DB's clock, not from a cluster; a
//     commit-heavy load may run versions ahead of the clock.
//   - Every commit is its own batch: the batch index in versionstamps is 0.
//   - There are no key selectors, no system keys, no tenants, no options
//     other than the timeout and the retry limit.
//   - A versionstamped key is applied after the transaction's other writes,
//     so a later ClearRange in the same transaction does not remove it.
//   - Read latency is charged when a read is issued, and the value is
//     computed then too; FoundationDB computes it at the read version as
//     well, so the result is the same.
//
// # Concurrency
//
// A DB is safe for concurrent use by many goroutines. One mutex, the commit
// lock, guards storage, the conflict index, versions, watches and the fault
// generator; reads take it briefly. A Txn is used by one goroutine at a
// time, except Cancel, which any goroutine may call. Futures may be waited
// on from any goroutine. The CommitFault and OnCommit hooks run under the
// commit lock, in commit order, and must not call back into the DB.
//
// # Costs
//
// Storage is a B-tree of keys, each holding the versions the five-second
// window still needs. A point read or write costs a logarithmic search. The
// conflict check of a point read is one search in the store (each key
// records the version of its last write) and one in an index of recent
// range writes; a range read's check visits the keys held in its range.
// History that the window no longer needs is dropped when it has doubled
// since the last sweep and at least once per window, so memory stays
// proportional to the data plus five seconds of writes. See docs/ENGINE.md
// for measured figures.
package memkv
