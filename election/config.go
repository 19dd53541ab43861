package election

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/fdbelect/fdbelect/tuple"
)

// Config is the election's shared configuration, stored once per election
// and read by every process in every operation. The zero value is not
// valid: start from DefaultConfig or ConfigWithLease.
type Config struct {
	// LeaseDuration is how long a claim or refresh keeps leadership. A
	// longer lease survives longer pauses of the leader but makes failover
	// after a crash slower by the same amount.
	LeaseDuration time.Duration

	// HeartbeatInterval is how often a process is expected to heartbeat and
	// refresh. It must be below LeaseDuration so that a leader refreshes
	// before its lease runs out.
	HeartbeatInterval time.Duration

	// CandidateTimeout is how long after its last heartbeat a candidate
	// still counts as alive. It must exceed HeartbeatInterval, or live
	// candidates would flicker between alive and dead.
	CandidateTimeout time.Duration

	// Enabled turns elections on. When false, registration, heartbeats,
	// claims and IsLeader fail with ErrElectionDisabled.
	Enabled bool

	// AllowPreemption lets a live candidate with a strictly higher priority
	// take leadership from a leader whose lease is still valid.
	AllowPreemption bool
}

// DefaultConfig returns the defaults of 0.11.0: a 10 s lease, 3 s
// heartbeats, a 15 s candidate timeout, elections enabled and preemption
// allowed.
func DefaultConfig() Config {
	return Config{
		LeaseDuration:     10 * time.Second,
		HeartbeatInterval: 3 * time.Second,
		CandidateTimeout:  15 * time.Second,
		Enabled:           true,
		AllowPreemption:   true,
	}
}

// ConfigWithLease returns the defaults scaled to a lease of d: heartbeats
// every d/3 and a candidate timeout of 1.5 d, as 0.11.0 derives them.
func ConfigWithLease(d time.Duration) Config {
	return Config{
		LeaseDuration:     d,
		HeartbeatInterval: d / 3,
		CandidateTimeout:  d + d/2,
		Enabled:           true,
		AllowPreemption:   true,
	}
}

// Validate reports whether c can be stored and acted on: every duration
// positive, the heartbeat interval below the lease and the candidate timeout
// above the heartbeat interval. Its errors wrap ErrInvalidArgument.
func (c Config) Validate() error {
	if err := c.problems(); err != nil {
		return fmt.Errorf("%w: config: %w", ErrInvalidArgument, err)
	}
	return nil
}

// problems lists what Validate objects to, unwrapped, so that a stored
// config can report the same faults as ErrInvalidState.
func (c Config) problems() error {
	var errs []error
	check := func(bad bool, format string, args ...any) {
		if bad {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}

	check(c.LeaseDuration <= 0, "lease duration %v is not positive", c.LeaseDuration)
	check(c.HeartbeatInterval <= 0,
		"heartbeat interval %v is not positive", c.HeartbeatInterval)
	check(c.CandidateTimeout <= 0,
		"candidate timeout %v is not positive", c.CandidateTimeout)
	check(c.HeartbeatInterval >= c.LeaseDuration,
		"heartbeat interval %v is not below lease duration %v",
		c.HeartbeatInterval, c.LeaseDuration)
	check(c.CandidateTimeout <= c.HeartbeatInterval,
		"candidate timeout %v is not above heartbeat interval %v",
		c.CandidateTimeout, c.HeartbeatInterval)

	return errors.Join(errs...)
}

// EncodeConfig returns the stored form of c: the tuple (lease_ns u64,
// heartbeat_ns u64, candidate_timeout_ns u64, enabled bool,
// allow_preemption bool). It fails if c does not validate.
func EncodeConfig(c Config) ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return tuple.Tuple{
		uint64(c.LeaseDuration), uint64(c.HeartbeatInterval), uint64(c.CandidateTimeout),
		c.Enabled, c.AllowPreemption,
	}.PackErr()
}

// DecodeConfig parses a stored config record. The bytes must be exactly the
// tuple EncodeConfig writes, with durations that fit a time.Duration and
// that pass Validate; anything else is an ErrInvalidState error, because
// acting on a zero heartbeat or lease would be worse than stopping.
func DecodeConfig(b []byte) (Config, error) {
	var lease, heartbeat, timeout uint64
	var c Config
	err := tuple.UnpackExact(b, &lease, &heartbeat, &timeout, &c.Enabled, &c.AllowPreemption)
	if err != nil {
		return Config{}, invalid("config record", err)
	}
	for _, ns := range []uint64{lease, heartbeat, timeout} {
		if ns > math.MaxInt64 {
			return Config{}, fmt.Errorf("%w: config record: duration of %d ns is too long",
				ErrInvalidState, ns)
		}
	}

	c.LeaseDuration = time.Duration(lease)
	c.HeartbeatInterval = time.Duration(heartbeat)
	c.CandidateTimeout = time.Duration(timeout)
	if err := c.problems(); err != nil {
		return Config{}, invalid("config record", err)
	}
	return c, nil
}
