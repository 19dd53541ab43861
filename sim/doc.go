// Package sim runs many election Machines against one embedded database in
// virtual time, injects the faults that matter and checks the election's
// safety invariants from a history recorded inside the same transactions
// that change the state.
//
// # What is simulated
//
// Each simulated process drives the production decision logic,
// election.Machine, exactly as the Elector does: one cycle per transaction
// (Cycle, commit, Finish), registration in a transaction of its own
// followed by LoadRegistration with that commit's versionstamp, eviction
// of dead candidates by the leader
// when EvictDue, watches on the leader record, the config and (while
// leading) the handoff request, and kv's retry loop around every commit.
// The database is kv/memkv on a clock.Fake that follows true time.
//
// There is one global true time T. Events run in (time, sequence) order,
// so a run is a function of its Config alone. Every process has its own
// clocks derived from T: a monotonic clock (T - boot) × (1 + drift) and a
// wall clock T + T × drift + offset, kept within ClockSpread ×
// MaxClockSkew/2 of true time the way a disciplined clock stays within its
// error bound. A cycle reads at T0, gives the Machine a start reading at T0
// and a "seen" reading at T0 + read latency, and commits at T0 + read
// latency + commit latency, so transactions of different processes
// interleave and really conflict.
//
// Faults, each switchable (FaultSet): crashes and restarts under the same
// id as a new incarnation; pauses longer than a lease, also between the
// start of a fenced write and its commit; wall-clock offsets and rate
// drift; read and commit latency; injected conflicts; commit_unknown_result
// before and after commits that applied; resignations; priority changes
// that make a candidate ask the leader to hand over; config changes
// (disabling elections for a while, halving or doubling the lease); and
// eviction of dead candidates.
//
// # Invariants
//
// The Checker verifies, from memkv's OnCommit feed (called in commit order
// under the commit lock) and from the belief intervals of every process
// incarnation:
//
//   - single-leader: at most one incarnation believes it leads at any true
//     instant. A belief runs from the Finish that made the process leader
//     until the Machine's Leading turns false (its exact true end found by
//     inverting the monotonic clock), a demotion, or a crash.
//   - ballots: every write of the leader record raises the ballot; a vacant
//     record may keep it; clearing the record is a reset and a violation.
//   - fence: a fenced write (Machine.Fence plus WriteFenced in one
//     transaction) commits only while the leader record names its writer,
//     and fencing tokens never go back.
//   - takeover: after the leader crashes while a live candidate exists, a
//     new holder commits within lease + heartbeat + MaxClockSkew plus a
//     slack for latencies, retries and drift. Windows disturbed by other
//     faults are excused.
//   - registration: at the end, every running incarnation's candidate
//     record holds exactly the versionstamp its Machine adopted, unless it
//     was evicted; a Machine never finds itself superseded.
//   - live-claim: every claim or handoff names a registered candidate whose
//     stored heartbeat was live at the claim's own wall-clock instant.
//
// Negative controls switch the flaws of the 0.11.0 recipe back on
// (election.Flaws); the package's tests assert that the checker reports
// each within a bounded number of seeds. FlawConfig returns the fault mix
// that exposes them.
//
// # How to replay
//
// A run is a pure function of its Config: run the same Config again and
// the Result, its History and its Hash are identical. From the command
// line, pass the seed and the options the failing run printed to
// `fdbelect simulate`; from Go, call Run with the same Config and read
// Result.Excerpt around the violation. The package's tests take
// SIM_SEEDS, SIM_DURATION and SIM_FAULTS for longer sweeps, for example:
//
//	SIM_SEEDS=2000 SIM_DURATION=5m go test -run 'TestSweep$' -timeout 2h ./sim
//
// A sweep prints each violation with the seed and an excerpt; rerun that
// seed with the same duration to replay it.
//
// # Limits
//
// Time is virtual and the database is the embedded engine, so the run says
// nothing about FoundationDB's own failure modes (recoveries, proxies,
// storage lag). Latency is modelled per operation, not per network link.
// Wall clocks stay within their bound; a clock step far beyond
// MaxClockSkew is outside the model the Machine is designed for. Fenced
// writes run sequentially per process and next to its election cycles,
// like Elector.Do beside the Elector's loop. After a cycle that wrote
// nothing, a Machine whose NextWake is already due (elections disabled
// over a stale record) would be run again at once by the Elector's loop;
// the simulator waits a heartbeat instead and counts these in
// Stats.BusyWakes.
//
// The takeover check holds a failover to its bound only when a candidate
// that was live at the crash was left alone (no pause, crash or restart)
// from one candidate timeout before the crash until the bound, and no
// config change happened meanwhile; Stats.TakeoversChecked says how many
// were held to it.
package sim
