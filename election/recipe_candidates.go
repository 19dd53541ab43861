package election

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// RegisterCandidate registers id as a candidate with priority, heartbeating
// at now. The record's versionstamp is filled in by the database at commit,
// so the transaction must commit before anything reads the candidate: in
// the same transaction, TryClaimLeadership, HeartbeatCandidate and
// RunCycle fail with accessed_unreadable (1036). Commit the registration on
// its own first. Registering again replaces the versionstamp, moving id to
// the end of the registration order. It fails with ErrElectionDisabled when
// elections are off.
func (e *Election) RegisterCandidate(tr kv.Transaction, id string, priority int32,
	now time.Time) error {
	key, err := e.CandidateKey(id)
	if err != nil {
		return err
	}
	param, err := RegistrationParam(priority, now)
	if err != nil {
		return err
	}

	st, err := e.read(tr, "", withConfig)
	if err != nil {
		return err
	}
	if err := requireEnabled(st.Config); err != nil {
		return err
	}
	tr.SetVersionstampedValue(key, param)
	return nil
}

// HeartbeatCandidate records that id is alive at now with priority. It keeps
// the stored versionstamp, so the registration order survives heartbeats.
// It fails with ErrProcessNotFound when id is not registered and with
// ErrElectionDisabled when elections are off.
func (e *Election) HeartbeatCandidate(tr kv.Transaction, id string, priority int32,
	now time.Time) error {
	if err := checkNow(now); err != nil {
		return err
	}
	st, err := e.read(tr, id, withConfig|withCandidate)
	if err != nil {
		return err
	}
	c, err := heartbeat(st, id, priority, now)
	if err != nil {
		return err
	}
	return e.writeCandidate(tr, c)
}

// heartbeat returns the candidate record a heartbeat writes, given what the
// transaction read.
func heartbeat(st State, id string, priority int32, now time.Time) (Candidate, error) {
	if err := requireEnabled(st.Config); err != nil {
		return Candidate{}, err
	}
	if st.Candidate == nil {
		return Candidate{}, fmt.Errorf("%w: %q", ErrProcessNotFound, id)
	}
	c := *st.Candidate
	c.Priority = priority
	c.LastHeartbeat = now
	return c, nil
}

// writeCandidate stores c with a plain set.
func (e *Election) writeCandidate(tr kv.Transaction, c Candidate) error {
	key, err := e.CandidateKey(c.ProcessID)
	if err != nil {
		return err
	}
	b, err := EncodeCandidate(c)
	if err != nil {
		return err
	}
	tr.Set(key, b)
	return nil
}

// UnregisterCandidate removes the candidate record of id, if any. It does
// not touch the leader record: a leader should resign first.
func (e *Election) UnregisterCandidate(tr kv.Transaction, id string) error {
	key, err := e.CandidateKey(id)
	if err != nil {
		return err
	}
	tr.Clear(key)
	return nil
}

// Candidate returns the candidate record of id, or nil if id is not
// registered. It does not check liveness.
func (e *Election) Candidate(tr kv.ReadTransaction, id string) (*Candidate, error) {
	st, err := e.read(tr, id, withCandidate)
	if err != nil {
		return nil, err
	}
	return st.Candidate, nil
}

// ListCandidates returns the candidates alive at now, in registration
// order (by versionstamp). It reads the whole candidate range, so it costs
// O(N); a key in that range that is not ("candidates", string), or a record
// of the wrong shape, fails the whole call with ErrInvalidState rather than
// being skipped, because a silently ignored record would hide corruption or
// a foreign writer.
func (e *Election) ListCandidates(tr kv.ReadTransaction, now time.Time) ([]Candidate, error) {
	if err := checkNow(now); err != nil {
		return nil, err
	}
	cfgF := tr.Get(e.configKey)
	rangeF := tr.GetRange(e.CandidatesRange(), kv.RangeOptions{})

	cfg, err := waitConfig(cfgF)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		return nil, ErrNotInitialized
	}
	all, _, err := e.scanCandidates(rangeF)
	if err != nil {
		return nil, err
	}

	alive := make([]Candidate, 0, len(all))
	for _, c := range all {
		if c.Alive(now, cfg.CandidateTimeout) {
			alive = append(alive, c)
		}
	}
	slices.SortStableFunc(alive, func(a, b Candidate) int {
		return bytes.Compare(a.Versionstamp.Bytes(), b.Versionstamp.Bytes())
	})
	return alive, nil
}

// EvictDeadCandidates removes the records of candidates not alive at now
// and returns how many it removed. It never removes the candidate named by
// a non-vacant leader record, whose lease may still be refreshed. Like
// ListCandidates it costs O(N) and fails on any malformed key or record,
// in which case it removes nothing.
func (e *Election) EvictDeadCandidates(tr kv.Transaction, now time.Time) (int, error) {
	if err := checkNow(now); err != nil {
		return 0, err
	}
	// The range is read as a snapshot, with a conflict added only on each
	// key cleared: heartbeats of live candidates, which write into the
	// range all the time, then never make the scan fail.
	cfgF := tr.Get(e.configKey)
	leaderF := tr.Get(e.leaderKey)
	rangeF := tr.Snapshot().GetRange(e.CandidatesRange(), kv.RangeOptions{})

	cfg, err := waitConfig(cfgF)
	if err != nil {
		return 0, err
	}
	if cfg == nil {
		return 0, ErrNotInitialized
	}
	leader, err := waitLeader(leaderF)
	if err != nil {
		return 0, err
	}
	all, keys, err := e.scanCandidates(rangeF)
	if err != nil {
		return 0, err
	}

	evicted := 0
	for i, c := range all {
		if c.Alive(now, cfg.CandidateTimeout) || leads(leader, c.ProcessID) {
			continue
		}
		if err := tr.AddReadConflictKey(keys[i]); err != nil {
			return 0, err
		}
		tr.Clear(keys[i])
		evicted++
	}
	return evicted, nil
}

// leads reports whether l is a non-vacant record naming id, whatever its
// lease.
func leads(l *LeaderState, id string) bool {
	return l != nil && !l.Vacant() && l.LeaderID == id
}

// scanCandidates waits for a read of the candidate range and decodes every
// pair, returning the candidates in key order with their keys.
func (e *Election) scanCandidates(r kv.RangeResult) ([]Candidate, [][]byte, error) {
	kvs, err := r.GetSliceWithError()
	if err != nil {
		return nil, nil, err
	}
	cands := make([]Candidate, 0, len(kvs))
	keys := make([][]byte, 0, len(kvs))
	for _, pair := range kvs {
		id, err := e.candidateID(pair.Key)
		if err != nil {
			return nil, nil, err
		}
		c, err := DecodeCandidate(id, pair.Value)
		if err != nil {
			return nil, nil, err
		}
		cands = append(cands, c)
		keys = append(keys, pair.Key)
	}
	return cands, keys, nil
}
