package sim

import (
	"errors"
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/election"
)

// MaxElectors bounds Config.Electors.
const MaxElectors = 64

// Config describes one simulation run. Together with the code it fully
// determines the run: the same Config gives the same history, byte for
// byte. Start from DefaultConfig; the zero value does not validate.
type Config struct {
	// Seed seeds every random choice of the run.
	Seed int64

	// Electors is how many processes campaign, from 1 to MaxElectors.
	Electors int

	// Duration is how much virtual time the run covers.
	Duration time.Duration

	// Lease is the lease of the initial config; the candidate timeout is
	// one and a half times it, as election.ConfigWithLease derives it.
	Lease time.Duration

	// Heartbeat is the heartbeat interval of the initial config, below
	// Lease; zero means Lease/3. Config changes scale it with the lease.
	Heartbeat time.Duration

	// MaxClockSkew is the bound every Machine is told. It must be below
	// half the shortest lease a config change can set (Lease/2).
	MaxClockSkew time.Duration

	// Faults says which faults are injected.
	Faults FaultSet

	// Flaws switches 0.11.0 flaws back on in every Machine (negative
	// controls). Never set in a run meant to show safety.
	Flaws election.Flaws

	// FaultInterval is the mean virtual time between two discrete faults
	// (crash, pause, resignation, priority change, config change).
	FaultInterval time.Duration

	// RestartDelay bounds how long a crashed process stays down.
	RestartDelay time.Duration

	// PauseMax bounds how long a pause stalls a process. Pauses are drawn
	// from [Lease/2, PauseMax], so they outlast leases and, when PauseMax
	// is large enough, the candidate timeout.
	PauseMax time.Duration

	// ReadLatency and CommitLatency bound the delays of a read round trip
	// and of a commit when Faults.Latency is on; each operation draws its
	// delay uniformly up to the bound.
	ReadLatency   time.Duration
	CommitLatency time.Duration

	// ConflictRate is the probability that a commit fails with
	// not_committed when Faults.Conflict is on.
	ConflictRate float64

	// UnknownRate is the probability that a commit reports
	// commit_unknown_result when Faults.Unknown is on; half of those
	// commits did apply.
	UnknownRate float64

	// MaxDriftPPM bounds clock-rate drift when Faults.Drift is on, in parts
	// per million (100 is a poor quartz crystal).
	MaxDriftPPM int64

	// ClockSpread scales how far a wall clock may stray from true time
	// when Faults.Skew is on: within ClockSpread × MaxClockSkew/2, so any
	// two clocks differ by at most ClockSpread × MaxClockSkew. At 1 (the
	// default) the Machine's assumption holds; above 1 the run breaks it on
	// purpose, which the wall-clock negative control needs.
	ClockSpread float64

	// FenceInterval is how often a process that believes it leads runs a
	// fenced write.
	FenceInterval time.Duration

	// ResignHoldoff is passed to every Machine.
	ResignHoldoff time.Duration
}

// DefaultConfig returns a run of five electors for one virtual minute, on a
// 6 s lease with 500 ms of clock skew, every fault on.
func DefaultConfig() Config {
	return Config{
		Seed:          1,
		Electors:      5,
		Duration:      time.Minute,
		Lease:         6 * time.Second,
		MaxClockSkew:  500 * time.Millisecond,
		Faults:        AllFaults(),
		FaultInterval: 2 * time.Second,
		RestartDelay:  6 * time.Second,
		PauseMax:      20 * time.Second,
		ReadLatency:   20 * time.Millisecond,
		CommitLatency: 40 * time.Millisecond,
		ConflictRate:  0.03,
		UnknownRate:   0.03,
		MaxDriftPPM:   100,
		ClockSpread:   1,
		FenceInterval: time.Second,
		ResignHoldoff: 2 * time.Second,
	}
}

// FlawConfig returns DefaultConfig with flaws switched on and a fault mix
// that exposes them. For WallClockTakeover the mix is narrowed to what
// the flaw needs, a leader paused past its lease and a follower whose
// clock is ahead: pauses, skew, drift and latency only, wall clocks up to
// 1.9 × MaxClockSkew apart (within the margin the fixed Machine keeps,
// beyond what the flawed takeover rule tolerates) and heartbeats every
// tenth of a lease, so that followers check the stored expiry often, as a
// 0.11.0 process polling the record would. The other flaws, alone or
// together with it, get every fault.
func FlawConfig(flaws election.Flaws) Config {
	c := DefaultConfig()
	c.Flaws = flaws
	if flaws.WallClockTakeover {
		c.ClockSpread = 1.9
		c.Heartbeat = c.Lease / 10
		if flaws == (election.Flaws{WallClockTakeover: true}) {
			c.Faults = FaultSet{Pause: true, Skew: true, Drift: true, Latency: true}
		}
	}
	return c
}

// Validate reports what makes c impossible to simulate. Its errors wrap
// ErrInvalidConfig.
func (c Config) Validate() error {
	var errs []error
	check := func(bad bool, format string, args ...any) {
		if bad {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}

	check(c.Electors < 1 || c.Electors > MaxElectors, "electors %d not in [1, %d]",
		c.Electors, MaxElectors)
	check(c.Duration <= 0, "duration %v is not positive", c.Duration)
	check(c.Duration > 1000*time.Hour, "duration %v is over 1000h", c.Duration)
	check(c.Lease < 30*time.Millisecond, "lease %v is under 30ms", c.Lease)
	check(c.Heartbeat < 0 || c.Heartbeat >= c.Lease,
		"heartbeat %v not in [0, lease %v)", c.Heartbeat, c.Lease)
	check(c.Heartbeat > 0 && c.Heartbeat < 5*time.Millisecond,
		"heartbeat %v is under 5ms", c.Heartbeat)
	check(c.MaxClockSkew < 0, "negative MaxClockSkew %v", c.MaxClockSkew)
	check(4*c.MaxClockSkew >= c.Lease,
		"MaxClockSkew %v must be under a quarter of the lease %v (config changes halve it)",
		c.MaxClockSkew, c.Lease)
	check(c.FaultInterval <= 0, "fault interval %v is not positive", c.FaultInterval)
	check(c.RestartDelay < 0, "negative restart delay %v", c.RestartDelay)
	check(c.PauseMax < 0, "negative PauseMax %v", c.PauseMax)
	check(c.ReadLatency < 0 || c.CommitLatency < 0, "negative latency")
	check(c.ReadLatency+c.CommitLatency >= c.Lease/6,
		"latencies %v + %v must stay under a sixth of the lease", c.ReadLatency,
		c.CommitLatency)
	check(c.ConflictRate < 0 || c.ConflictRate > 0.5, "conflict rate %v not in [0, 0.5]",
		c.ConflictRate)
	check(c.UnknownRate < 0 || c.UnknownRate > 0.5, "unknown rate %v not in [0, 0.5]",
		c.UnknownRate)
	check(c.MaxDriftPPM < 0 || c.MaxDriftPPM > 10_000, "drift %d ppm not in [0, 10000]",
		c.MaxDriftPPM)
	check(!(c.ClockSpread >= 0 && c.ClockSpread <= 4), "clock spread %v not in [0, 4]",
		c.ClockSpread)
	check(c.FenceInterval <= 0, "fence interval %v is not positive", c.FenceInterval)
	check(c.ResignHoldoff < 0, "negative ResignHoldoff %v", c.ResignHoldoff)

	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return nil
}
