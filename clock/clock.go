package clock

import (
	"context"
	"time"
)

// Clock reads time and makes timers. See the package documentation for the
// difference between Now and Mono.
type Clock interface {
	// Now returns the current wall-clock time.
	Now() time.Time

	// Mono returns the monotonic time elapsed since the clock was created.
	Mono() time.Duration

	// NewTimer returns a timer that fires once, after d on the monotonic
	// reading. A d of zero or less fires at once.
	NewTimer(d time.Duration) Timer
}

// Timer is a one-shot timer made by a Clock.
type Timer interface {
	// C returns the channel the timer sends on when it fires. It has a buffer
	// of one, so a timer that nobody reads does not block its clock.
	C() <-chan time.Time

	// Stop prevents the timer from firing. It reports whether the call
	// stopped the timer (false if it had already fired or been stopped).
	Stop() bool

	// Reset stops the timer and arms it again to fire after d. A value that
	// was sent before Reset and not yet received is discarded.
	Reset(d time.Duration)
}

// Sleep waits for d on c, or until ctx is done, whichever comes first. It
// returns ctx.Err() when the context ended the wait.
func Sleep(ctx context.Context, c Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}

	t := c.NewTimer(d)
	defer t.Stop()

	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
