package clock

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Fake is a clock that moves only when told to. Tests use it to drive code
// that sleeps and times out without waiting in real time.
//
// Advance moves both readings forward together; JumpWall moves only the wall
// clock, the way an NTP step or a wrong system clock would. Timers fire in
// deadline order during Advance, each with the monotonic time reached so far.
type Fake struct {
	mu      sync.Mutex
	mono    time.Duration
	wall    time.Time // wall reading when mono was zero
	timers  []*fakeTimer
	seq     uint64
	changed chan struct{} // closed and replaced whenever timers change
}

// NewFake returns a Fake whose wall clock reads start and whose monotonic
// reading is zero.
func NewFake(start time.Time) *Fake {
	return &Fake{wall: start, changed: make(chan struct{})}
}

// Now returns the fake wall-clock time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.wall.Add(f.mono)
}

// Mono returns the fake monotonic reading.
func (f *Fake) Mono() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mono
}

// NewTimer returns a timer that fires when Advance reaches now+d.
func (f *Fake) NewTimer(d time.Duration) Timer {
	t := &fakeTimer{f: f, c: make(chan time.Time, 1)}
	t.Reset(d)
	return t
}

// Advance moves the clock forward by d, firing every timer whose deadline is
// reached, in deadline order.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	target := f.mono + d
	for {
		t := f.nextDueLocked(target)
		if t == nil {
			break
		}
		f.mono = max(f.mono, t.deadline)
		f.removeLocked(t)
		select {
		case t.c <- f.wall.Add(f.mono):
		default:
		}
	}
	f.mono = target
	f.mu.Unlock()
}

// JumpWall moves the wall clock by d (which may be negative) without moving
// the monotonic reading or firing timers.
func (f *Fake) JumpWall(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.wall = f.wall.Add(d)
}

// Timers returns how many timers are armed.
func (f *Fake) Timers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.timers)
}

// WaitTimers blocks until at least n timers are armed or ctx ends. Tests
// call it to know that the code under test has gone to sleep before they
// advance the clock.
func (f *Fake) WaitTimers(ctx context.Context, n int) error {
	for {
		f.mu.Lock()
		armed, changed := len(f.timers), f.changed
		f.mu.Unlock()
		if armed >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// nextDueLocked returns the armed timer with the earliest deadline at or
// before target, or nil. Ties go to the timer armed first.
func (f *Fake) nextDueLocked(target time.Duration) *fakeTimer {
	if len(f.timers) == 0 || f.timers[0].deadline > target {
		return nil
	}
	return f.timers[0]
}

func (f *Fake) addLocked(t *fakeTimer) {
	f.seq++
	t.seq = f.seq
	f.timers = append(f.timers, t)
	sort.Slice(f.timers, func(i, j int) bool {
		a, b := f.timers[i], f.timers[j]
		if a.deadline != b.deadline {
			return a.deadline < b.deadline
		}
		return a.seq < b.seq
	})
	f.notifyLocked()
}

// removeLocked disarms t and reports whether it was armed.
func (f *Fake) removeLocked(t *fakeTimer) bool {
	for i, x := range f.timers {
		if x == t {
			f.timers = append(f.timers[:i], f.timers[i+1:]...)
			f.notifyLocked()
			return true
		}
	}
	return false
}

func (f *Fake) notifyLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

type fakeTimer struct {
	f        *Fake
	c        chan time.Time
	deadline time.Duration // guarded by f.mu
	seq      uint64        // guarded by f.mu
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	return t.f.removeLocked(t)
}

func (t *fakeTimer) Reset(d time.Duration) {
	f := t.f
	f.mu.Lock()
	defer f.mu.Unlock()

	f.removeLocked(t)
	select {
	case <-t.c:
	default:
	}

	if d <= 0 {
		t.c <- f.wall.Add(f.mono)
		return
	}
	t.deadline = f.mono + d
	f.addLocked(t)
}
