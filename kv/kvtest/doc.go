// Package kvtest is the conformance suite for implementations of
// kv.Database: one set of tests that says, item by item, what it means to
// behave like FoundationDB as seen through a client.
//
// # Running the suite
//
// An implementation's test calls Run with an Opener. Run starts one subtest
// per behaviour and calls the Opener once per subtest:
//
//	func TestConformance(t *testing.T) {
//		kvtest.Run(t, func(t *testing.T) (kv.Database, []byte) {
//			return memkv.New(memkv.Options{}), []byte("kvtest/")
//		})
//	}
//
// The suite reads and writes only keys that start with the prefix the Opener
// returns, and assumes that nothing else writes there while the subtest
// runs. An embedded engine can hand out a fresh, empty database and any
// prefix; a shared FoundationDB cluster hands out its one database and a
// fresh random prefix per subtest, and may remove the prefix's keys in a
// t.Cleanup. SharedOpener does exactly that:
//
//	kvtest.Run(t, kvtest.SharedOpener(db, []byte("kvtest/")))
//
// Subtests must not share a prefix: several check that a range holds
// exactly the keys they wrote.
//
// # What is checked
//
// The subtests follow the fidelity checklist of the engine (DESIGN.md §4):
// versions and versionstamps, snapshots and read-your-writes, conflict
// ranges and the outcome of commits (including write skew and a concurrent
// bank transfer), size limits with their FoundationDB error codes, every
// atomic operation's edge cases, range reads, watches, and the retry loop
// of Transact and ReadTransact.
//
// Where FoundationDB documents one behaviour the suite demands it. Where a
// real cluster may legitimately do more than one thing (for example end a
// retry loop that ran out of time with transaction_timed_out or with the
// last retryable error, or refuse a watch over the limit in its future or
// in its commit), the suite accepts each of them, so that the same tests
// pass on a cluster and on the embedded engine.
//
// Conflicts are provoked deterministically: a transaction is held open
// between its reads and its commit (with a retry limit of zero, so the
// commit's error reaches the test) while another transaction commits.
//
// # Linearizability
//
// RecordHistory runs a seeded, randomized, concurrent workload of reads,
// blind writes, read-modify-writes and multi-key transactions on a few keys
// and records when each transaction was called and when it returned. Check
// then decides, with the porcupine checker, whether some order of the
// committed transactions that respects real time explains every value read
// (strict serializability). A transaction whose commit ended in
// commit_unknown_result or another error that leaves the outcome open is
// allowed to take effect at any point after its call, or never.
// CheckLinearizable does both and fails the test on a violation.
//
// A checker that cannot fail proves nothing. StaleReader wraps a database
// so that its read-only transactions serve stale values; an engine's tests
// record a history through it and assert that Check returns
// NotLinearizable.
//
// # Caveats
//
// The suite proves the presence of bugs, not their absence. The negative
// assertions of watches (a watch does not fire when a key is rewritten with
// the value it already had) wait a short while and can miss a late spurious
// firing. The too-many-watches test creates 10,001 watches on the database
// the Opener returns, so on a cluster it must not share that database
// handle with other watch users. The size-limit tests build keys of exactly
// 10,000 bytes under the prefix, so the prefix must be shorter than that.
//
// transaction_too_old (1007) needs a read version more than five seconds
// old, so its subtest sleeps and is skipped unless the environment
// variable named by SlowEnv is set; engines with a virtual clock should
// also test it directly. Fault and latency injection, the last checklist
// item, is configured by each engine's options and cannot be observed
// through kv.Database alone; the linearizability check is where injected
// faults meet the suite: an engine test records a history with faults
// switched on.
package kvtest
