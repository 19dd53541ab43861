package clock

import "time"

// Real is the machine's clock. The zero value is not usable; call NewReal.
type Real struct {
	start time.Time
}

// NewReal returns the machine's clock. Its Mono reading counts from the call.
func NewReal() *Real {
	return &Real{start: time.Now()}
}

// Now returns time.Now().
func (r *Real) Now() time.Time { return time.Now() }

// Mono returns the time since NewReal, measured on the monotonic clock that
// time.Now carries.
func (r *Real) Mono() time.Duration { return time.Since(r.start) }

// NewTimer wraps time.NewTimer.
func (r *Real) NewTimer(d time.Duration) Timer {
	return &realTimer{t: time.NewTimer(d)}
}

type realTimer struct {
	t *time.Timer
}

func (rt *realTimer) C() <-chan time.Time { return rt.t.C }

func (rt *realTimer) Stop() bool { return rt.t.Stop() }

// Reset relies on Go 1.23 timer semantics: Stop and Reset discard a value
// that was sent and not yet received.
func (rt *realTimer) Reset(d time.Duration) { rt.t.Reset(d) }
