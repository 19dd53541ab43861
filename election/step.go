package election

import (
	"time"

	"github.com/fdbelect/fdbelect/tuple"
)

// Reading is one reading of a process's two clocks: the monotonic one, which
// the Machine trusts for every duration it measures, and the wall clock,
// which it only writes into records and compares with other processes'
// records under the MaxClockSkew assumption.
type Reading struct {
	Mono time.Duration
	Wall time.Time
}

// Action is what a cycle decided to write to the leader record.
type Action int

// The actions a cycle can take. Every cycle of a registered candidate also
// writes a heartbeat unless elections are disabled.
const (
	// ActNone writes no leader record.
	ActNone Action = iota

	// ActRegister means the candidate record is missing: the process must
	// register in a transaction of its own before it can do anything else.
	ActRegister

	// ActClaim takes leadership: the record was absent or vacant, or its
	// holder can no longer be leading by the takeover rules.
	ActClaim

	// ActRefresh extends this process's own lease.
	ActRefresh

	// ActResign writes a vacant record that keeps the ballot.
	ActResign

	// ActHandoff writes a record naming another live candidate.
	ActHandoff

	// ActRequestHandoff asks the sitting leader to hand over.
	ActRequestHandoff
)

var actionNames = [...]string{"none", "register", "claim", "refresh", "resign",
	"handoff", "request-handoff"}

// String returns the action's name.
func (a Action) String() string {
	if a < 0 || int(a) >= len(actionNames) {
		return "unknown"
	}
	return actionNames[a]
}

// Snapshot is what one cycle read from the store.
type Snapshot struct {
	State

	// Handoff is the pending handoff request, if any.
	Handoff *HandoffRequest

	// Target is the candidate record a handoff would go to: the requester's
	// when the leader read a request, or the one named by the caller.
	Target *Candidate

	// ResignRequest names the process an operator asked to resign, or is
	// empty.
	ResignRequest string

	// ResignedBallot is the ballot of the self-resignation mark, valid when
	// HasResigned is set.
	ResignedBallot uint64
	HasResigned    bool
}

// selfVacated reports whether the leader record is a vacancy its holder
// wrote itself, after it had stopped acting as leader.
func (s Snapshot) selfVacated() bool {
	l := s.Leader
	return l != nil && l.Vacant() && s.HasResigned && s.ResignedBallot == l.Ballot
}

// Request is what the process's owner asked the Machine to do this cycle.
type Request struct {
	// Resign asks the leader to step down.
	Resign bool

	// HandoffTo asks the leader to hand its lease to this candidate.
	HandoffTo string
}

// Plan is the outcome of one decision: what to write and why.
type Plan struct {
	Action Action

	// Heartbeat is set when the cycle rewrites this process's candidate
	// record with a fresh heartbeat.
	Heartbeat bool

	// Leader is the leader record to write, for every action that writes
	// one.
	Leader *LeaderState

	// Handoff is the request to write for ActRequestHandoff.
	Handoff *HandoffRequest

	// ClearHandoff is set when the cycle deletes the handoff request.
	ClearHandoff bool

	// ClearResignRequest is set when the cycle deletes the resignation
	// request.
	ClearResignRequest bool

	// MarkResigned is set when the cycle writes the self-resignation mark
	// for the vacancy it writes.
	MarkResigned bool

	// Start is the clock reading taken before the cycle's first read. A
	// lease won by this cycle is measured from it.
	Start Reading

	// Lease is the lease duration of the config this cycle read.
	Lease time.Duration

	// Waited is, for a claim, how long the record it replaces had been
	// observed unchanged when the claim was decided.
	Waited time.Duration

	// Reason says in a few words why the Machine chose the action.
	Reason string

	// Lost says why this decision ended the process's leadership; it is
	// empty when the process did not lead or still does.
	Lost string
}

// observation is what this process has seen of the leader record, measured
// on its own monotonic clock.
type observation struct {
	known     bool
	ballot    uint64
	leaderID  string
	stamp     tuple.Versionstamp
	expiry    time.Time
	since     time.Duration // monotonic reading when first seen
	wallSeen  time.Time     // wall reading when first seen
	sawChange bool          // seen replacing a record observed before
}

// matches reports whether l is the record this observation is about.
func (o observation) matches(l *LeaderState) bool {
	if l == nil {
		return o.known && o.ballot == 0 && o.leaderID == "" && o.expiry.IsZero()
	}
	return o.known && o.ballot == l.Ballot && o.leaderID == l.LeaderID &&
		o.stamp == l.Versionstamp && o.expiry.Equal(l.LeaseExpiry)
}

// leadership is this process's own belief that it leads.
type leadership struct {
	active   bool
	ballot   uint64
	deadline time.Duration // monotonic instant at which the belief ends
}
