package election

import (
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/tuple"
)

// Candidate is a registered process: the value stored under
// ("candidates", ProcessID).
type Candidate struct {
	// ProcessID names the process; it is the last element of the key.
	ProcessID string

	// Priority orders candidates for preemption: higher is preferred.
	Priority int32

	// LastHeartbeat is the wall-clock time of the latest registration or
	// heartbeat, as the writing process saw it.
	LastHeartbeat time.Time

	// Versionstamp is the commit versionstamp of the registration. It
	// orders candidates and heartbeats keep it.
	Versionstamp tuple.Versionstamp
}

// Alive reports whether the candidate heartbeat less than timeout before
// now. A heartbeat in the future counts as alive.
func (c Candidate) Alive(now time.Time, timeout time.Duration) bool {
	return now.Sub(c.LastHeartbeat) < timeout
}

// EncodeCandidate returns the stored form of c for a plain set, as a
// heartbeat writes it: the tuple (priority i32, last_heartbeat_unix_ns u64,
// versionstamp). The versionstamp must be complete; registration, which
// needs the database to fill it in, uses RegistrationParam instead.
func EncodeCandidate(c Candidate) ([]byte, error) {
	if !c.Versionstamp.IsComplete() {
		return nil, fmt.Errorf("%w: candidate %q: incomplete versionstamp",
			ErrInvalidArgument, c.ProcessID)
	}
	ns, err := unixNanos(c.LastHeartbeat)
	if err != nil {
		return nil, err
	}
	return tuple.Tuple{c.Priority, ns, c.Versionstamp}.PackErr()
}

// DecodeCandidate parses the stored record of the candidate named id. The
// bytes must be exactly the tuple EncodeCandidate writes; anything else is
// an ErrInvalidState error, and so is an incomplete versionstamp, which only
// a faulty plain write could have stored.
func DecodeCandidate(id string, b []byte) (Candidate, error) {
	if err := checkID(id); err != nil {
		return Candidate{}, err
	}

	var ns uint64
	c := Candidate{ProcessID: id}
	if err := tuple.UnpackExact(b, &c.Priority, &ns, &c.Versionstamp); err != nil {
		return Candidate{}, invalid(fmt.Sprintf("candidate %q", id), err)
	}
	if !c.Versionstamp.IsComplete() {
		return Candidate{}, fmt.Errorf("%w: candidate %q: incomplete versionstamp",
			ErrInvalidState, id)
	}
	c.LastHeartbeat = fromUnixNanos(ns)
	return c, nil
}

// RegistrationParam returns the parameter of the SET_VERSIONSTAMPED_VALUE
// operation that registers a candidate: the candidate tuple packed with an
// incomplete versionstamp (user version 0), followed by the four-byte
// little-endian offset of the ten bytes the database fills in.
func RegistrationParam(priority int32, now time.Time) ([]byte, error) {
	ns, err := unixNanos(now)
	if err != nil {
		return nil, err
	}
	return tuple.Tuple{priority, ns, tuple.IncompleteVersionstamp(0)}.PackWithVersionstamp(nil)
}
