package election

import (
	"fmt"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/subspace"
)

// Tuple names of the records under an election's subspace. 0.11.0 reads
// exactly these three; anything added to the subspace must use other names.
const (
	configName     = "config"
	leaderName     = "leader"
	candidatesName = "candidates"
)

// Election is the recipe for one election, rooted at a subspace. Its
// methods run inside the caller's transaction: they read and write, but
// never commit or retry. An Election holds only precomputed keys, so it is
// safe for concurrent use.
type Election struct {
	ss         subspace.Subspace
	candidates subspace.Subspace
	configKey  []byte
	leaderKey  []byte
}

// New returns the election stored under ss.
func New(ss subspace.Subspace) *Election {
	return &Election{
		ss:         ss,
		candidates: ss.Sub(candidatesName),
		configKey:  ss.Sub(configName).Bytes(),
		leaderKey:  ss.Sub(leaderName).Bytes(),
	}
}

// Subspace returns the subspace the election lives under.
func (e *Election) Subspace() subspace.Subspace { return e.ss }

// ConfigKey returns the key of the config record, ("config",) under the
// subspace. The caller must not modify the result.
func (e *Election) ConfigKey() []byte { return e.configKey }

// LeaderKey returns the key of the leader record, ("leader",) under the
// subspace. The caller must not modify the result.
func (e *Election) LeaderKey() []byte { return e.leaderKey }

// CandidateKey returns the key of the candidate record of id,
// ("candidates", id) under the subspace. It fails with ErrInvalidArgument
// if id is empty, is not valid UTF-8 or makes the key longer than
// MaxKeySize.
func (e *Election) CandidateKey(id string) ([]byte, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	key := e.candidates.Sub(id).Bytes()
	if len(key) > MaxKeySize {
		return nil, fmt.Errorf("%w: process id of %d bytes makes a %d-byte key, above %d",
			ErrInvalidArgument, len(id), len(key), MaxKeySize)
	}
	return key, nil
}

// CandidatesRange returns the range that holds every candidate record: the
// range of the subspace ("candidates",).
func (e *Election) CandidatesRange() kv.Range {
	begin, end := e.candidates.Range()
	return kv.Range{Begin: begin, End: end}
}

// checkProcessID rejects an id that could not name a candidate: the checks
// of CandidateKey, for operations that do not need the key itself.
func (e *Election) checkProcessID(id string) error {
	_, err := e.CandidateKey(id)
	return err
}

// candidateID returns the process id named by a key of the candidate range.
// A key that is not exactly ("candidates", string) under the subspace is an
// ErrInvalidState error.
func (e *Election) candidateID(key []byte) (string, error) {
	var id string
	if err := e.candidates.UnpackExact(key, &id); err != nil {
		return "", invalid(fmt.Sprintf("candidate key %x", key), err)
	}
	if id == "" {
		return "", fmt.Errorf("%w: candidate key %x: empty process id", ErrInvalidState, key)
	}
	return id, nil
}
