// Command bench measures fdbelect side by side with the libraries users
// would pick instead, in one run on one machine, and writes the figures to
// docs/BENCHMARKS.md with a chart of the failover distributions.
//
// # What it measures
//
//   - Round trips per election cycle on kv/memkv with a read latency: the
//     recipe's RunCycle, which issues its three reads together, against a
//     sequential port that waits for each read before issuing the next.
//   - Failover after a crash and handover after a resignation, for the
//     fdbelect Elector, for etcd's concurrency.Election on an embedded etcd
//     server, and for a poll-based elector in the style of client-go's
//     leaderelection written over kv/memkv.
//   - Cost: time and allocations of one cycle, its cost with many
//     registered candidates, and the CPU share and transaction rate of one
//     process holding a thousand elections.
//   - Simulation speed of package sim.
//
// # Fairness
//
// Every system gets the same lease (one second by default, the shortest
// whole-second TTL etcd accepts) and three candidates per election. Times
// are reported as ratios to the lease or the heartbeat interval, because
// the machines this runs on are shared and absolute times drift between
// runs. The embedded etcd listens on 127.0.0.1 only and keeps its data in
// a temporary directory that is removed on exit.
//
// # Usage
//
//	go run . -out ../docs
//
// from this directory, or make bench from the repository root. The run
// takes a few minutes on two cores; -trials lowers the number of trials.
// The module is separate from the library's, so that etcd's dependencies
// never reach the library's users and go test ./... at the repository root
// does not enter it.
package main
