package memkv

import (
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/clock"
)

// Options configure a DB. The zero value is a plain, fast engine on the real
// clock with no latency and no injected faults.
type Options struct {
	// ReadLatency delays every read round trip. Reads issued before the
	// caller waits on any of them share one round trip. Negative means zero.
	ReadLatency time.Duration

	// CommitLatency delays every commit of a transaction with writes.
	// Negative means zero.
	CommitLatency time.Duration

	// Clock is the source of time for latency, backoff, timeouts and the
	// version clock; nil means clock.NewReal().
	Clock clock.Clock

	// Seed seeds fault injection and retry jitter. With one scheduler
	// driving the DB, the same Seed gives the same faults and versions.
	Seed int64

	// ConflictRate is the probability that a commit which would succeed
	// fails with not_committed (1020) instead.
	ConflictRate float64

	// TooOldRate is the probability that a commit fails with
	// transaction_too_old (1007).
	TooOldRate float64

	// UnknownBeforeRate is the probability that a commit fails with
	// commit_unknown_result (1021) without applying.
	UnknownBeforeRate float64

	// UnknownAfterRate is the probability that a commit applies and then
	// reports commit_unknown_result (1021).
	UnknownAfterRate float64

	// CommitFault, when non-nil, decides the fault of every commit with
	// writes that passed conflict checking, instead of the rates above. It
	// runs under the commit lock and must not call back into the DB.
	CommitFault func(CommitInfo) Fault

	// OnCommit, when non-nil, is called for every commit with writes that
	// applied, in commit order, synchronously and under the commit lock
	// (also when UnknownAfter then hides the outcome from the committer).
	// It must not call back into the DB, or it deadlocks. CommitInfo and its
	// slices may be kept; they are not reused.
	OnCommit func(CommitInfo)
}

// Validate reports options that New would have to correct: a negative
// latency, a fault rate outside [0, 1], or rates that add up to more than 1.
// New accepts such options anyway, clamping them.
func (o Options) Validate() error {
	if o.ReadLatency < 0 || o.CommitLatency < 0 {
		return fmt.Errorf("%w: negative latency (read %v, commit %v)",
			ErrInvalidOptions, o.ReadLatency, o.CommitLatency)
	}
	sum := 0.0
	for _, r := range []struct {
		name string
		rate float64
	}{
		{"ConflictRate", o.ConflictRate},
		{"TooOldRate", o.TooOldRate},
		{"UnknownBeforeRate", o.UnknownBeforeRate},
		{"UnknownAfterRate", o.UnknownAfterRate},
	} {
		if !(r.rate >= 0 && r.rate <= 1) {
			return fmt.Errorf("%w: %s %v outside [0, 1]", ErrInvalidOptions, r.name, r.rate)
		}
		sum += r.rate
	}
	if sum > 1 {
		return fmt.Errorf("%w: fault rates add up to %v, more than 1", ErrInvalidOptions, sum)
	}
	return nil
}

// Fault is an outcome injected into a commit.
type Fault int

// The faults a commit can be given.
const (
	// FaultNone lets the commit proceed normally.
	FaultNone Fault = iota
	// FaultConflict fails the commit with not_committed (1020).
	FaultConflict
	// FaultTooOld fails the commit with transaction_too_old (1007).
	FaultTooOld
	// FaultUnknownBefore fails the commit with commit_unknown_result (1021)
	// without applying it.
	FaultUnknownBefore
	// FaultUnknownAfter applies the commit and then reports
	// commit_unknown_result (1021).
	FaultUnknownAfter
)

// String returns the fault's name.
func (f Fault) String() string {
	switch f {
	case FaultNone:
		return "none"
	case FaultConflict:
		return "conflict"
	case FaultTooOld:
		return "too_old"
	case FaultUnknownBefore:
		return "unknown_before"
	case FaultUnknownAfter:
		return "unknown_after"
	}
	return "fault(?)"
}

// MutationKind says what a resolved Mutation does.
type MutationKind int

// The kinds of resolved mutations.
const (
	// MutationSet stores Value at Key.
	MutationSet MutationKind = iota
	// MutationClear removes Key.
	MutationClear
	// MutationClearRange removes every key in [Key, End).
	MutationClearRange
)

// Mutation is one resolved write of a commit: atomic operations are already
// applied and versionstamps substituted.
type Mutation struct {
	Kind  MutationKind
	Key   []byte
	Value []byte // for MutationSet
	End   []byte // for MutationClearRange
}

// CommitInfo describes a commit with writes.
type CommitInfo struct {
	// ReadVersion is the transaction's read version.
	ReadVersion int64

	// Version is the commit version (the version it would get, for
	// CommitFault).
	Version int64

	// Versionstamp is Version in big-endian followed by the batch index.
	Versionstamp [10]byte

	// Mutations are the resolved writes, as the commit applies them: the
	// cleared ranges first (merged, in key order), then single keys in key
	// order, then versionstamped keys.
	Mutations []Mutation
}
