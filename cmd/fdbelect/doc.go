// Command fdbelect shows, tests and operates leader elections built with
// the fdbelect library.
//
// # Without a cluster
//
//	fdbelect demo       several real Electors in this process on the
//	                    embedded engine, with crashes, resignations, pauses
//	                    and preemptions; a live view and a checked summary
//	fdbelect simulate   seeded, deterministic simulations under faults,
//	                    with the invariant checker's verdict per seed
//
// # On a FoundationDB cluster
//
// These commands need a binary built with -tags fdb and the FoundationDB
// client library; without the tag they exit with a message saying how to
// build one. --cluster-file names the cluster (default
// /etc/foundationdb/fdb.cluster) and --election NAME the election, whose
// records live under the subspace ("fdbelect", NAME).
//
//	status       config, leader, ballot and lease left
//	candidates   every candidate with its liveness
//	config       get, set or init the election's config
//	resign       make the leader give up leadership
//	evict        remove dead candidates
//	watch        print each leader change as it happens (a watch, no polling)
//	run          run a command only while this process leads
//
// status, candidates, config get and watch take --output json. run and
// demo take --metrics-addr to serve Prometheus metrics, on the loopback
// interface unless the address names a host.
//
// # Exit status
//
// 0 on success; 2 for a bad flag or argument; 1 for other errors and for
// an invariant violation in demo or simulate; for run, the command's own
// status (128+N when it was killed by signal N, 127 when it could not be
// started). Errors are printed on stderr, on one line, prefixed with
// "fdbelect:".
//
// # Design
//
// main only wires run(ctx, args, stdout, stderr), which builds the command
// tree around an app holding the outside world (the cluster opener, the
// signal source, terminal detection, the clock). Each command's logic takes
// a kv.Database, so the tests run every command on the embedded engine
// through the same code the cluster path uses.
package main
