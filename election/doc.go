// Package election is leader election for Go services on FoundationDB: a
// byte-compatible port of the ballot-based recipe of the Rust crate
// foundationdb 0.11.0, with its known safety flaws fixed.
//
// # Model
//
// An election lives under a subspace and holds three kinds of record: one
// config, one candidate record per registered process, and one leader
// record. Processes register as candidates, heartbeat, and claim or keep
// leadership by writing the leader record with a lease and a ballot. The
// ballot grows with every claim and refresh and never goes back, so it
// serves as a fencing token.
//
// Every method of Election runs inside the caller's transaction and does a
// few point reads and writes (ListCandidates and EvictDeadCandidates scan
// the candidates). None commits or retries: run them inside
// kv.Database.Transact, whose retry loop makes concurrent claims safe,
// because FoundationDB's serializable transactions let only one of two
// conflicting claims commit. Methods that only read take a
// kv.ReadTransaction. Reads that do not depend on each other are issued
// together, so a cycle costs one round trip. Every method that needs a time
// takes now from the caller: read the clock inside the function the retry
// loop runs, never before it, or a retry would act on a stale time.
//
// # On-disk format
//
// For an election subspace S, all values tuple-packed:
//
//	S + ("config",)          (lease_ns u64, heartbeat_ns u64,
//	                          candidate_timeout_ns u64, enabled bool,
//	                          allow_preemption bool)
//	S + ("leader",)          (ballot u64, leader_id string, priority i32,
//	                          lease_expiry_unix_ns u64, versionstamp bytes)
//	S + ("candidates", id)   (priority i32, last_heartbeat_unix_ns u64,
//	                          versionstamp)
//
// The leader's versionstamp is a twelve-byte byte string (type 0x01); the
// candidate's is a real versionstamp element (type 0x33), filled in by the
// database when registration commits with SET_VERSIONSTAMPED_VALUE.
// Heartbeats rewrite the candidate with a plain set and keep the
// versionstamp, so registration order survives them. Times are unsigned
// nanoseconds since 1970, so only instants from 1970 to 2554 can be
// stored; other times are rejected with ErrInvalidArgument.
//
// Records are decoded strictly: exact element types, no trailing elements,
// i32 in range, UTF-8 strings. A record or candidate key of any other shape
// is an ErrInvalidState error, never a guess and never a panic. A foreign
// key inside the candidate range fails ListCandidates and
// EvictDeadCandidates as a whole rather than being skipped.
//
// # Flaws fixed
//
// The format is unchanged, but these behaviours of 0.11.0 are not kept:
//
//   - Resigning cleared the leader record, so the next claim restarted at
//     ballot 1. ResignLeadership writes a vacant record instead (empty
//     leader id, priority 0, expiry 0, twelve zero bytes, ballot kept). A
//     vacant record means "no leader" everywhere (see LeaderState.Vacant)
//     and the next claim writes the next ballot.
//   - A timed-out candidate could still claim. TryClaimLeadership fails
//     with ErrCandidateNotAlive unless the candidate's last heartbeat is
//     within the candidate timeout.
//   - Eviction could remove the sitting leader's candidate record.
//     EvictDeadCandidates skips the candidate a non-vacant leader record
//     names.
//   - Registering and claiming in one transaction reads a key with a
//     pending versionstamped write, which FoundationDB refuses with
//     accessed_unreadable (1036). Registration must commit on its own
//     before any claim; the 1036 error is returned unchanged.
//   - Retries reused a stale time. Every method takes now, and the
//     examples read it inside the retried function.
//
// RefreshLease keeps the 0.11.0 behaviour of working while elections are
// disabled; it is the Elector that stops acting as leader then.
//
// # Building on the recipe
//
// The runtime that drives an election reuses the same pieces: ReadState
// reads the config, one candidate and the leader record in one round trip;
// ConfigKey, LeaderKey, CandidateKey and CandidatesRange name the keys;
// EncodeConfig, DecodeConfig, EncodeLeader, DecodeLeader, EncodeCandidate,
// DecodeCandidate and RegistrationParam are the strict codecs. Inside the
// package, TryClaimLeadership, RefreshLease and RunCycle decide from an
// already read State, so the runtime applies the same rules without
// reading again.
//
// # Compatibility
//
// A Rust 0.11.0 process pointed at the same subspace reads every record
// this package writes as valid data. The Elector's own records (handoff
// and resignation requests, the resignation mark) live under ("handoff",),
// ("resign",) and ("resigned",), names 0.11.0 never reads, outside the
// candidate range. It sees a vacant record as a leader
// whose lease expired in 1970, so it claims over it as it would over an
// expired lease, writing the next ballot. Records a 0.11.0 process writes
// are read here as they are, except that a cleared leader record (its
// resignation) restarts the ballot, which only an upgrade of every process
// prevents. A stored config that 0.11.0 would accept but that fails
// Config.Validate (a zero duration, a heartbeat not below the lease, a
// candidate timeout not above the heartbeat) is refused here with
// ErrInvalidState rather than acted on.
//
// # The Elector
//
// The recipe is a set of one-transaction building blocks; an Elector is the
// loop a service runs around them. NewElector checks its arguments, Run
// registers the process in a transaction of its own, then runs one cycle
// per heartbeat: heartbeat, claim or refresh, hand over on request. Between
// cycles it waits on watches of the leader record and the config instead of
// polling, so a resignation is noticed within one commit. On the way out
// Run resigns and unregisters, bounded by ShutdownTimeout, and returns only
// after every goroutine it started and every callback has returned.
//
// Leadership changes arrive on the Events channel and through Callbacks.
// Do runs a function in a transaction that commits only while this process
// leads (a fence inside the database); Token returns the ballot as a
// fencing token for systems outside it. Resign and HandOff give leadership
// away; Healthy reports a wedged loop; NewMetrics exposes Prometheus
// figures. The decisions themselves are made by a Machine, a pure step
// (what one transaction read plus clock readings in, what to write out)
// that the Elector drives in real time and package sim drives in virtual
// time: the simulated code is the production code.
//
// # Safety guarantee
//
// At any instant at most one process believes it leads (IsLeader, an open
// OnElected context), provided the assumptions below hold. The Elector
// keeps it with three rules that do not trust other processes' clocks:
//
//   - A process acts as leader only until s + lease - MaxClockSkew on its
//     own monotonic clock, where s is the start of the claim or refresh
//     that gave it the lease. The lease guard ends the belief at that
//     instant even if the election loop is stuck in a slow transaction.
//   - A follower takes over a record naming another process only when it
//     has seen that exact record (ballot, holder, incarnation) unchanged
//     for a whole lease on its own monotonic clock. Because every refresh
//     bumps the ballot and followers watch the record, a follower sees each
//     refresh as it commits, so this costs no more than one lease after the
//     leader's last refresh.
//   - A follower that did not see the record being written (it just
//     started) may instead take over once the stored expiry has passed by
//     more than MaxClockSkew on its wall clock.
//
// A resignation is safe to act on at once only when the holder itself wrote
// the vacancy after it stopped acting: the Elector marks its own vacancies
// under ("resigned",) and claims an unmarked one (ResignLeadership called by
// another process, a 0.11.0 process clearing the record) only after a whole
// lease of observation. Operators ask the leader to resign through a
// request under ("resign",) that the leader watches (RequestResignation,
// fdbelect resign).
//
// Preemption is a handoff: a candidate of higher priority writes a request
// under ("handoff",); the incumbent stops acting, then writes a record
// naming the requester in one transaction; the requester starts acting only
// after refreshing that record itself. Resignation and handoff publish the
// end of leadership before the commit that lets another process start.
// A process restarted under the same id claims only with the registration
// versionstamp it committed itself, so it never inherits its previous
// incarnation's lease; the previous incarnation, if still alive, sees the
// newer registration and stops with ErrSuperseded. Ambiguous commits
// (commit_unknown_result) never produce a belief of leadership: a claim
// whose outcome is unknown is confirmed by the next cycle's refresh.
//
// # Assumptions, and what happens when they fail
//
// Monotonic clocks run at nearly the same rate everywhere: the MaxClockSkew
// margin absorbs rate drift over one lease as well as offsets, so a drift
// of d (as a fraction) needs MaxClockSkew above d times the lease. Wall
// clocks differ by at most MaxClockSkew between any two participants; only
// the third rule above relies on it. If a freshly started follower's wall
// clock runs ahead by more than MaxClockSkew while the leader is stalled
// (paused, partitioned) but not yet past its own deadline, the follower
// may take over early and two processes may believe they lead for up to
// the excess. Do stays safe even then: a fenced transaction commits only
// if the leader record still names its process at commit time.
//
// Lease changes take effect at the next refresh. The leader record does not
// store its lease, so a follower waits for the longest lease it has seen in
// the config or, if longer, the lease the record implies (how far its
// expiry was ahead of the follower's wall clock when first seen), capped at
// ten times the config's lease. Shortening a lease by more than a factor of
// ten in one step can therefore let a process take over a stalled leader
// that still acts on the old lease: shorten in steps.
//
// # Concurrency
//
// Election values are safe for concurrent use: they hold only the
// subspace. An Elector is safe for concurrent use; Run may be called once.
// A Machine is not safe for concurrent use: one driver owns it.
package election
