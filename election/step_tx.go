package election

import (
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/tuple"
)

// Cycle runs one election cycle inside tr and returns the plan it wrote. It
// reads the config, this candidate's record, the leader record and the
// handoff request in one round trip (a second one only when a handoff needs
// the target's record), lets Decide choose, and buffers the writes. It does
// not commit: the driver commits and then calls Finish with the outcome.
//
// clock is called twice: before the first read and after the reads return.
// Reads are snapshot reads; a cycle that writes the leader record or the
// handoff request adds read conflicts on exactly the keys its decision
// rests on, so a concurrent change to them makes the commit fail.
func (m *Machine) Cycle(tr kv.Transaction, clock func() Reading, req Request) (Plan, error) {
	start := clock()
	snap, err := m.read(tr, req)
	if err != nil {
		return Plan{}, err
	}
	seen := clock()

	plan := m.Decide(snap, start, seen, req)
	if snap.Config == nil {
		return plan, ErrNotInitialized
	}
	if err := m.write(tr, plan); err != nil {
		return Plan{}, err
	}
	return plan, nil
}

// read fetches what Decide needs.
func (m *Machine) read(tr kv.Transaction, req Request) (Snapshot, error) {
	snapTr := tr.Snapshot()
	handoffF := snapTr.Get(m.el.HandoffKey())
	resignF := snapTr.Get(m.el.ResignRequestKey())
	markF := snapTr.Get(m.el.ResignedKey())
	st, err := m.el.ReadState(snapTr, m.id)
	if err != nil {
		return Snapshot{}, err
	}
	snap := Snapshot{State: st}
	if snap.Handoff, err = waitHandoff(handoffF); err != nil {
		return Snapshot{}, err
	}
	if snap.ResignRequest, err = waitResignRequest(resignF); err != nil {
		return Snapshot{}, err
	}
	if snap.ResignedBallot, snap.HasResigned, err = waitResigned(markF); err != nil {
		return Snapshot{}, err
	}

	target := req.HandoffTo
	if target == "" && snap.Handoff != nil {
		target = snap.Handoff.RequesterID
	}
	if target != "" && m.mine(st.Leader) {
		t, err := m.el.read(snapTr, target, withCandidate)
		if err != nil {
			return Snapshot{}, err
		}
		snap.Target = t.Candidate
	}
	return snap, nil
}

// write buffers the plan's mutations in tr.
func (m *Machine) write(tr kv.Transaction, plan Plan) error {
	if plan.Heartbeat {
		if err := m.heartbeat(tr, plan); err != nil {
			return err
		}
	}
	if plan.Leader != nil && plan.Action != ActResign && plan.Leader.Ballot == 0 {
		return fmt.Errorf("%w: ballot exhausted", ErrInvalidState)
	}
	if plan.MarkResigned {
		m.el.markResigned(tr, plan.Leader.Ballot)
	}
	if plan.ClearResignRequest {
		tr.Clear(m.el.ResignRequestKey())
	}

	if plan.Leader != nil {
		if err := m.conflictOnDecision(tr, plan); err != nil {
			return err
		}
		if plan.Action == ActResign && m.opts.Flaws.ResetBallotOnResign {
			tr.Clear(m.el.LeaderKey())
		} else {
			b, err := EncodeLeader(*plan.Leader)
			if err != nil {
				return err
			}
			tr.Set(m.el.LeaderKey(), b)
		}
	}

	switch {
	case plan.Handoff != nil:
		b, err := EncodeHandoff(*plan.Handoff)
		if err != nil {
			return err
		}
		if err := tr.AddReadConflictKey(m.el.HandoffKey()); err != nil {
			return err
		}
		tr.Set(m.el.HandoffKey(), b)
	case plan.ClearHandoff:
		tr.Clear(m.el.HandoffKey())
	}
	return nil
}

// heartbeat rewrites this candidate's record with a fresh heartbeat,
// keeping the registration versionstamp. The record was read without a
// conflict; the heartbeat adds one, so that a registration by a newer
// incarnation committing meanwhile makes this commit fail instead of being
// overwritten with this incarnation's versionstamp.
func (m *Machine) heartbeat(tr kv.Transaction, plan Plan) error {
	key, err := m.el.CandidateKey(m.id)
	if err != nil {
		return err
	}
	if err := tr.AddReadConflictKey(key); err != nil {
		return err
	}
	b, err := EncodeCandidate(Candidate{
		ProcessID:     m.id,
		Priority:      m.opts.Priority,
		LastHeartbeat: plan.Start.Wall,
		Versionstamp:  m.stamp,
	})
	if err != nil {
		return err
	}
	tr.Set(key, b)
	return nil
}

// conflictOnDecision makes a leader-record write depend on the records the
// decision read: the config, the leader record, this candidate's record,
// the handoff request and, for a handoff, the target's candidate record (so
// a target that re-registers meanwhile is not handed a dead incarnation).
func (m *Machine) conflictOnDecision(tr kv.Transaction, plan Plan) error {
	keys := [][]byte{m.el.ConfigKey(), m.el.LeaderKey(), m.el.HandoffKey(),
		m.el.ResignedKey()}
	ids := []string{m.id}
	if plan.Action == ActHandoff {
		ids = append(ids, plan.Leader.LeaderID)
	}
	for _, id := range ids {
		k, err := m.el.CandidateKey(id)
		if err != nil {
			return err
		}
		keys = append(keys, k)
	}
	for _, k := range keys {
		if err := tr.AddReadConflictKey(k); err != nil {
			return err
		}
	}
	return nil
}

// Register buffers this candidate's registration in tr: a versionstamped
// write that the database completes at commit. It must commit in a
// transaction of its own, before any cycle: reading the candidate record in
// the same transaction fails with accessed_unreadable (1036). Keep the
// transaction's GetVersionstamp future and, after the commit, pass its
// value to LoadRegistration.
func (m *Machine) Register(tr kv.Transaction, now Reading) error {
	m.registered = false
	return m.el.RegisterCandidate(tr, m.id, m.opts.Priority, now.Wall)
}

// LoadRegistration reads the candidate record after the registration
// committed with the ten-byte versionstamp committed, and adopts it if the
// record still carries it. A record carrying another versionstamp means a
// process registered under the same id after this one: the Machine is then
// superseded and LoadRegistration returns ErrSuperseded. With the retry
// loop, committed comes from the attempt that committed; an earlier attempt
// reported as ambiguous that did apply was overwritten by it.
func (m *Machine) LoadRegistration(tr kv.ReadTransaction,
	committed []byte) (tuple.Versionstamp, error) {
	if len(committed) != 10 {
		return tuple.Versionstamp{}, fmt.Errorf("%w: commit versionstamp of %d bytes",
			ErrInvalidArgument, len(committed))
	}
	var want tuple.Versionstamp
	copy(want.TransactionVersion[:], committed)

	c, err := m.el.Candidate(tr, m.id)
	if err != nil {
		return tuple.Versionstamp{}, err
	}
	if c == nil {
		return tuple.Versionstamp{}, ErrUnregisteredCandidate
	}
	if c.Versionstamp != want {
		m.Demote()
		m.superseded = true
		return tuple.Versionstamp{}, ErrSuperseded
	}
	m.Adopt(want)
	return want, nil
}

// Resign writes a vacant record, keeping the ballot, if the leader record
// names this incarnation, and reports whether it did. The Machine stops
// acting as leader first.
func (m *Machine) Resign(tr kv.Transaction) (bool, error) {
	m.Demote()
	l, err := m.el.LeaderRaw(tr)
	if err != nil || !m.mine(l) {
		return false, err
	}
	b, err := EncodeLeader(vacated(*l))
	if err != nil {
		return false, err
	}
	tr.Set(m.el.LeaderKey(), b)
	m.el.markResigned(tr, l.Ballot)
	return true, nil
}

// Unregister removes this incarnation's candidate record. A record written
// by a newer incarnation under the same id is left alone.
func (m *Machine) Unregister(tr kv.Transaction) error {
	c, err := m.el.Candidate(tr, m.id)
	if err != nil || c == nil || !m.registered || c.Versionstamp != m.stamp {
		return err
	}
	return m.el.UnregisterCandidate(tr, m.id)
}

// Fence verifies, inside tr, that this process may act as leader at
// monotonic instant mono and that the leader record still names this
// incarnation. See Election.VerifyLeader.
func (m *Machine) Fence(tr kv.ReadTransaction, mono time.Duration) error {
	if !m.Leading(mono) {
		return ErrNotLeader
	}
	return m.el.VerifyLeader(tr, m.id, m.stamp)
}
