package election

import (
	"github.com/fdbelect/fdbelect/kv"
)

// State is what one transaction read of an election's records: the config,
// one candidate and the leader record. A nil field means the record is
// absent. A vacant leader record is returned as stored; check Vacant.
type State struct {
	Config    *Config
	Candidate *Candidate
	Leader    *LeaderState
}

// records selects which records a read fetches.
type records uint8

const (
	withConfig records = 1 << iota
	withCandidate
	withLeader
)

// ReadState reads the config, the candidate record of id and the leader
// record. The three reads are issued before waiting on any of them, so they
// cost one round trip. Absent records are nil; a record of the wrong shape
// is an ErrInvalidState error; database errors are returned unchanged.
func (e *Election) ReadState(tr kv.ReadTransaction, id string) (State, error) {
	return e.read(tr, id, withConfig|withCandidate|withLeader)
}

// read issues a Get for each selected record, then waits for and decodes
// each. The id is needed only with withCandidate.
func (e *Election) read(tr kv.ReadTransaction, id string, what records) (State, error) {
	var candKey []byte
	if what&withCandidate != 0 {
		k, err := e.CandidateKey(id)
		if err != nil {
			return State{}, err
		}
		candKey = k
	}

	var cfgF, candF, leaderF kv.FutureValue
	if what&withConfig != 0 {
		cfgF = tr.Get(e.configKey)
	}
	if candKey != nil {
		candF = tr.Get(candKey)
	}
	if what&withLeader != 0 {
		leaderF = tr.Get(e.leaderKey)
	}

	var st State
	var err error
	if st.Config, err = waitConfig(cfgF); err != nil {
		return State{}, err
	}
	if st.Candidate, err = waitCandidate(candF, id); err != nil {
		return State{}, err
	}
	if st.Leader, err = waitLeader(leaderF); err != nil {
		return State{}, err
	}
	return st, nil
}

// waitConfig waits for f and decodes the config; a nil future or an absent
// record gives nil.
func waitConfig(f kv.FutureValue) (*Config, error) {
	b, err := wait(f)
	if b == nil || err != nil {
		return nil, err
	}
	c, err := DecodeConfig(b)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// waitCandidate waits for f and decodes the candidate record of id.
func waitCandidate(f kv.FutureValue, id string) (*Candidate, error) {
	b, err := wait(f)
	if b == nil || err != nil {
		return nil, err
	}
	c, err := DecodeCandidate(id, b)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// waitLeader waits for f and decodes the leader record.
func waitLeader(f kv.FutureValue) (*LeaderState, error) {
	b, err := wait(f)
	if b == nil || err != nil {
		return nil, err
	}
	l, err := DecodeLeader(b)
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// wait returns the value of f, or nil for a nil future. Database errors
// come back unchanged.
func wait(f kv.FutureValue) ([]byte, error) {
	if f == nil {
		return nil, nil
	}
	return f.Get()
}
