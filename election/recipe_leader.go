package election

import (
	"fmt"
	"math"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// Result is the outcome of RunCycle.
type Result struct {
	// IsLeader reports whether the calling process leads after the cycle.
	IsLeader bool

	// Leader is the leader record after the cycle: the one just written
	// when IsLeader, otherwise the current leader if its lease is valid at
	// the cycle's time, or nil when there is none.
	Leader *LeaderState
}

// TryClaimLeadership claims or keeps leadership for id at now and returns
// the record it wrote, or nil when another leader holds a valid lease that
// id may not preempt. The claim succeeds when there is no leader (no record
// or a vacant one), when id already leads, when the lease has expired, or
// when preemption is allowed and priority is strictly above the leader's.
// It writes the next ballot, an expiry of now plus the lease and id's
// registration versionstamp.
//
// It fails with ErrNotInitialized, ErrElectionDisabled,
// ErrUnregisteredCandidate when id has no candidate record, and
// ErrCandidateNotAlive when id's last heartbeat is older than the candidate
// timeout. Read now inside the function the retry loop runs, so that a retry
// does not claim with a stale time.
func (e *Election) TryClaimLeadership(tr kv.Transaction, id string, priority int32,
	now time.Time) (*LeaderState, error) {
	if err := checkNow(now); err != nil {
		return nil, err
	}
	st, err := e.ReadState(tr, id)
	if err != nil {
		return nil, err
	}
	next, err := claim(st, id, priority, now)
	if next == nil || err != nil {
		return nil, err
	}
	return next, e.writeLeader(tr, *next)
}

// claim decides a claim by id from what the transaction read. It returns
// the record to write, or nil when the claim must wait.
func claim(st State, id string, priority int32, now time.Time) (*LeaderState, error) {
	if err := requireEnabled(st.Config); err != nil {
		return nil, err
	}
	cand := st.Candidate
	if cand == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnregisteredCandidate, id)
	}
	if !cand.Alive(now, st.Config.CandidateTimeout) {
		return nil, fmt.Errorf("%w: %q last heartbeat at %v, timeout %v",
			ErrCandidateNotAlive, id, cand.LastHeartbeat, st.Config.CandidateTimeout)
	}
	if !mayClaim(st.Leader, st.Config, id, priority, now) {
		return nil, nil
	}

	ballot, err := nextBallot(st.Leader)
	if err != nil {
		return nil, err
	}
	return &LeaderState{
		Ballot:       ballot,
		LeaderID:     id,
		Priority:     priority,
		LeaseExpiry:  now.Add(st.Config.LeaseDuration),
		Versionstamp: cand.Versionstamp,
	}, nil
}

// mayClaim applies the claim rule of 0.11.0, with a vacant record counting
// as no leader.
func mayClaim(l *LeaderState, cfg *Config, id string, priority int32, now time.Time) bool {
	switch {
	case l == nil, l.Vacant(), l.LeaderID == id, !l.LeaseValid(now):
		return true
	default:
		return cfg.AllowPreemption && priority > l.Priority
	}
}

// nextBallot returns the ballot that follows l: 1 when there is no record.
// A record at the largest ballot cannot be followed.
func nextBallot(l *LeaderState) (uint64, error) {
	if l == nil {
		return 1, nil
	}
	if l.Ballot == math.MaxUint64 {
		return 0, fmt.Errorf("%w: leader record: ballot %d cannot be increased",
			ErrInvalidState, l.Ballot)
	}
	return l.Ballot + 1, nil
}

// RefreshLease extends the lease of id to now plus the lease duration and
// bumps the ballot, if id is the leader named by the record; otherwise it
// returns nil and writes nothing. As in 0.11.0 it works even when elections
// are disabled and even after the stored lease expired (as long as nobody
// else claimed); the Elector stops acting as leader when elections are
// disabled. It fails with ErrNotInitialized when there is no config.
func (e *Election) RefreshLease(tr kv.Transaction, id string, now time.Time) (*LeaderState,
	error) {
	if err := e.checkProcessID(id); err != nil {
		return nil, err
	}
	if err := checkNow(now); err != nil {
		return nil, err
	}
	st, err := e.read(tr, "", withConfig|withLeader)
	if err != nil {
		return nil, err
	}
	next, err := refresh(st, id, now)
	if next == nil || err != nil {
		return nil, err
	}
	return next, e.writeLeader(tr, *next)
}

// refresh decides a refresh by id from what the transaction read.
func refresh(st State, id string, now time.Time) (*LeaderState, error) {
	if st.Config == nil {
		return nil, ErrNotInitialized
	}
	if !leads(st.Leader, id) {
		return nil, nil
	}
	ballot, err := nextBallot(st.Leader)
	if err != nil {
		return nil, err
	}
	next := *st.Leader
	next.Ballot = ballot
	next.LeaseExpiry = now.Add(st.Config.LeaseDuration)
	return &next, nil
}

// ResignLeadership gives up leadership if id holds it, and reports whether
// it did. Instead of clearing the record, it writes a vacant one that keeps
// the ballot, so the next claim writes a higher ballot and fencing tokens
// never go back. Other processes see no leader at once.
func (e *Election) ResignLeadership(tr kv.Transaction, id string) (bool, error) {
	if err := e.checkProcessID(id); err != nil {
		return false, err
	}
	st, err := e.read(tr, "", withLeader)
	if err != nil {
		return false, err
	}
	if !leads(st.Leader, id) {
		return false, nil
	}
	return true, e.writeLeader(tr, vacated(*st.Leader))
}

// IsLeader reports whether id is the leader with a valid lease at now. It
// fails with ErrNotInitialized or ErrElectionDisabled.
func (e *Election) IsLeader(tr kv.ReadTransaction, id string, now time.Time) (bool, error) {
	if err := e.checkProcessID(id); err != nil {
		return false, err
	}
	if err := checkNow(now); err != nil {
		return false, err
	}
	st, err := e.read(tr, "", withConfig|withLeader)
	if err != nil {
		return false, err
	}
	if err := requireEnabled(st.Config); err != nil {
		return false, err
	}
	l := currentLeader(st.Leader, now)
	return l != nil && l.LeaderID == id, nil
}

// Leader returns the leader whose lease is valid at now, or nil when there
// is none (no record, a vacant record or an expired lease).
func (e *Election) Leader(tr kv.ReadTransaction, now time.Time) (*LeaderState, error) {
	if err := checkNow(now); err != nil {
		return nil, err
	}
	st, err := e.read(tr, "", withLeader)
	if err != nil {
		return nil, err
	}
	return currentLeader(st.Leader, now), nil
}

// currentLeader returns l if its lease is valid at now, else nil.
func currentLeader(l *LeaderState, now time.Time) *LeaderState {
	if l == nil || !l.LeaseValid(now) {
		return nil
	}
	return l
}

// LeaderRaw returns the leader record whatever its lease, or nil when there
// is no leader: no record or a vacant one. LeaderRecord also returns
// vacant records.
func (e *Election) LeaderRaw(tr kv.ReadTransaction) (*LeaderState, error) {
	l, err := e.LeaderRecord(tr)
	if l == nil || err != nil || l.Vacant() {
		return nil, err
	}
	return l, nil
}

// LeaderRecord returns the leader record as stored, vacant or not, or nil
// when there is no record. Its ballot is the latest fencing token even when
// nobody leads.
func (e *Election) LeaderRecord(tr kv.ReadTransaction) (*LeaderState, error) {
	st, err := e.read(tr, "", withLeader)
	if err != nil {
		return nil, err
	}
	return st.Leader, nil
}

// RunCycle heartbeats id and then claims or keeps leadership, as one
// process does once per heartbeat interval. It reads the config, the
// candidate and the leader record once, together. It fails like
// HeartbeatCandidate (id must be registered, by a transaction that has
// already committed) and otherwise returns whether id leads and who does.
// Read now inside the function the retry loop runs.
func (e *Election) RunCycle(tr kv.Transaction, id string, priority int32,
	now time.Time) (Result, error) {
	if err := checkNow(now); err != nil {
		return Result{}, err
	}
	st, err := e.ReadState(tr, id)
	if err != nil {
		return Result{}, err
	}
	c, next, res, err := cycle(st, id, priority, now)
	if err != nil {
		return Result{}, err
	}

	if err := e.writeCandidate(tr, c); err != nil {
		return Result{}, err
	}
	if next != nil {
		if err := e.writeLeader(tr, *next); err != nil {
			return Result{}, err
		}
	}
	return res, nil
}

// cycle decides a whole RunCycle from what the transaction read: the
// candidate record to write, the leader record to write (nil for none) and
// the result.
func cycle(st State, id string, priority int32, now time.Time) (Candidate, *LeaderState,
	Result, error) {
	c, err := heartbeat(st, id, priority, now)
	if err != nil {
		return Candidate{}, nil, Result{}, err
	}

	st.Candidate = &c
	next, err := claim(st, id, priority, now)
	if err != nil {
		return Candidate{}, nil, Result{}, err
	}
	if next != nil {
		return c, next, Result{IsLeader: true, Leader: next}, nil
	}
	return c, nil, Result{Leader: currentLeader(st.Leader, now)}, nil
}

// writeLeader stores l with a plain set.
func (e *Election) writeLeader(tr kv.Transaction, l LeaderState) error {
	b, err := EncodeLeader(l)
	if err != nil {
		return err
	}
	tr.Set(e.leaderKey, b)
	return nil
}
