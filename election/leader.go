package election

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/fdbelect/fdbelect/tuple"
)

// LeaderState is the leader record, stored under ("leader",).
type LeaderState struct {
	// Ballot counts claims and refreshes. Every write of a leader by this
	// package increases it and a resignation keeps it, so it never goes
	// back and serves as a fencing token.
	Ballot uint64

	// LeaderID names the leader; it is empty in a vacant record.
	LeaderID string

	// Priority is the leader's priority when it claimed.
	Priority int32

	// LeaseExpiry is the first instant at which the lease is no longer
	// valid, on the claiming process's wall clock.
	LeaseExpiry time.Time

	// Versionstamp is the registration versionstamp of the leader's
	// candidate record; zero in a vacant record.
	Versionstamp tuple.Versionstamp
}

// LeaseValid reports whether the lease is still valid at now: now is
// strictly before LeaseExpiry. A vacant record's lease is never valid.
func (l LeaderState) LeaseValid(now time.Time) bool {
	return !l.Vacant() && now.Before(l.LeaseExpiry)
}

// RemainingLease returns how long the lease stays valid after now, or zero
// if it is not valid.
func (l LeaderState) RemainingLease(now time.Time) time.Duration {
	if !l.LeaseValid(now) {
		return 0
	}
	return l.LeaseExpiry.Sub(now)
}

// Vacant reports whether the record names no leader: an empty leader id and
// an expiry at (or before) 1970, as ResignLeadership writes it. A 0.11.0
// reader sees such a record as a leader whose lease has expired.
func (l LeaderState) Vacant() bool {
	return l.LeaderID == "" && !l.LeaseExpiry.After(epoch)
}

// vacated returns the record a resignation writes after l: the same ballot
// and nothing else.
func vacated(l LeaderState) LeaderState {
	return LeaderState{Ballot: l.Ballot, LeaseExpiry: epoch}
}

// EncodeLeader returns the stored form of l: the tuple (ballot u64,
// leader_id string, priority i32, lease_expiry_unix_ns u64, versionstamp),
// where the versionstamp is a twelve-byte byte string, not a versionstamp
// element.
func EncodeLeader(l LeaderState) ([]byte, error) {
	if !utf8.ValidString(l.LeaderID) {
		return nil, fmt.Errorf("%w: leader id %q is not valid UTF-8", ErrInvalidArgument,
			l.LeaderID)
	}
	ns, err := unixNanos(l.LeaseExpiry)
	if err != nil {
		return nil, err
	}
	return tuple.Tuple{l.Ballot, l.LeaderID, l.Priority, ns, l.Versionstamp.Bytes()}.PackErr()
}

// DecodeLeader parses a stored leader record, vacant or not. The bytes must
// be exactly the tuple EncodeLeader writes, with a versionstamp of twelve
// bytes; anything else is an ErrInvalidState error.
func DecodeLeader(b []byte) (LeaderState, error) {
	var l LeaderState
	var ns uint64
	var stamp []byte
	if err := tuple.UnpackExact(b, &l.Ballot, &l.LeaderID, &l.Priority, &ns, &stamp); err != nil {
		return LeaderState{}, invalid("leader record", err)
	}
	vs, err := tuple.VersionstampFromBytes(stamp)
	if err != nil {
		return LeaderState{}, invalid("leader record", err)
	}

	l.LeaseExpiry = fromUnixNanos(ns)
	l.Versionstamp = vs
	return l, nil
}
