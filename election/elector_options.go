package election

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/fdbelect/fdbelect/clock"
)

// ElectorOptions configure an Elector. The zero value works: priority 0,
// the default skew bound, the machine's clock, no logging, no callbacks and
// no metrics. Lease, heartbeat interval and candidate timeout are not
// options: every participant reads them from the election's stored config.
type ElectorOptions struct {
	// Priority orders candidates; higher is preferred. With preemption on
	// in the config, a live candidate of higher priority asks the leader to
	// hand over, and the leader does so within one heartbeat.
	Priority int32

	// MaxClockSkew bounds how far apart the wall clocks of any two
	// participants may be (default 250ms). A leader stops acting
	// MaxClockSkew before its lease ends, and a newly started follower
	// trusts an expired-looking lease only once it has been expired for
	// more than MaxClockSkew on its own wall clock. A larger bound costs
	// availability: the leader's usable lease shrinks by the same amount.
	// It must be below half the stored lease.
	MaxClockSkew time.Duration

	// Clock reads time; nil means clock.NewReal(). Tests pass a clock.Fake.
	Clock clock.Clock

	// Logger receives lifecycle and leadership changes at Info, per-cycle
	// detail at Debug and retried trouble at Warn. Nil is silent.
	Logger *slog.Logger

	// Callbacks are called on leadership changes; see Callbacks.
	Callbacks Callbacks

	// Metrics, when set, receives this Elector's figures. One Metrics may
	// be shared by many Electors; series are labelled by candidate id.
	Metrics *Metrics

	// Init, when set, is written as the election's config if none is
	// stored yet. Without it an uninitialized election is an error that
	// Run retries until an operator initializes it.
	Init *Config

	// ResignHoldoff is how long the Elector leaves a vacant record alone
	// after resigning, so that another candidate takes over (default: one
	// heartbeat interval of the stored config). It campaigns again after.
	ResignHoldoff time.Duration

	// ShutdownTimeout bounds the resignation and unregistration that Run
	// performs on its way out (default 5s).
	ShutdownTimeout time.Duration

	// EventBuffer is the capacity of the Events channel (default 32).
	EventBuffer int

	// Seed seeds the heartbeat jitter; zero picks one from the id.
	Seed int64
}

// DefaultMaxClockSkew is the MaxClockSkew used when the option is zero.
const DefaultMaxClockSkew = 250 * time.Millisecond

const (
	defaultShutdownTimeout = 5 * time.Second
	defaultEventBuffer     = 32
)

// Validate reports the first invalid field.
func (o ElectorOptions) Validate() error {
	switch {
	case o.MaxClockSkew < 0:
		return fmt.Errorf("%w: negative MaxClockSkew %v", ErrInvalidArgument, o.MaxClockSkew)
	case o.ResignHoldoff < 0:
		return fmt.Errorf("%w: negative ResignHoldoff %v", ErrInvalidArgument, o.ResignHoldoff)
	case o.ShutdownTimeout < 0:
		return fmt.Errorf("%w: negative ShutdownTimeout %v", ErrInvalidArgument,
			o.ShutdownTimeout)
	case o.EventBuffer < 0:
		return fmt.Errorf("%w: negative EventBuffer %d", ErrInvalidArgument, o.EventBuffer)
	}
	if o.Init != nil {
		if err := o.Init.Validate(); err != nil {
			return fmt.Errorf("init config: %w", err)
		}
	}
	return nil
}

// withDefaults returns o with zero fields replaced by their defaults.
func (o ElectorOptions) withDefaults() ElectorOptions {
	if o.MaxClockSkew == 0 {
		o.MaxClockSkew = DefaultMaxClockSkew
	}
	if o.Clock == nil {
		o.Clock = clock.NewReal()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.ShutdownTimeout == 0 {
		o.ShutdownTimeout = defaultShutdownTimeout
	}
	if o.EventBuffer == 0 {
		o.EventBuffer = defaultEventBuffer
	}
	return o
}

// checkSkew reports whether the stored config leaves the leader a usable
// lease under the skew bound.
func checkSkew(cfg Config, skew time.Duration) error {
	if 2*skew >= cfg.LeaseDuration {
		return fmt.Errorf("%w: MaxClockSkew %v is not below half the lease %v",
			ErrInvalidArgument, skew, cfg.LeaseDuration)
	}
	return nil
}
