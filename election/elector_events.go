package election

import (
	"context"
	"sync"
	"time"
)

// EventKind says what changed.
type EventKind int

// The kinds of Event.
const (
	// Elected: this process became leader.
	Elected EventKind = iota + 1

	// Demoted: this process stopped being leader.
	Demoted

	// LeaderChanged: the leader this process observes changed (another
	// process, or none).
	LeaderChanged
)

var eventNames = [...]string{"", "elected", "demoted", "leader-changed"}

// String returns the kind's name.
func (k EventKind) String() string {
	if k <= 0 || int(k) >= len(eventNames) {
		return "unknown"
	}
	return eventNames[k]
}

// Event is one leadership change seen by an Elector.
type Event struct {
	Kind EventKind

	// Leader is the leader record behind the change. For Demoted it is the
	// record as this process last saw it before the change (its own, when
	// it resigned or handed over); the LeaderChanged event that follows
	// carries the new one. HasLeader is false when the record named no
	// leader (absent or vacant).
	Leader    LeaderState
	HasLeader bool

	// Reason says why, for Demoted (for example "lease deadline passed",
	// "resigned", "handed over", "record taken over").
	Reason string

	// At is the wall-clock time at which the Elector noticed the change.
	At time.Time

	// Missed counts events discarded just before this one because the
	// Events channel was full.
	Missed int
}

// Callbacks are called on leadership changes. Every field is optional.
//
// The callbacks run one at a time, in the order of the changes, on a
// goroutine of the Elector's, never on the caller's and never on the
// election loop's: a slow callback delays later callbacks, not the
// election. OnElected receives a context that is cancelled the moment
// leadership can no longer be proven (before the lease could end anywhere);
// it may block until then, in which case OnDemoted follows as soon as it
// returns, or start work on a goroutine of its own that watches the
// context. Run returns only after every callback has returned.
//
// Once that context is cancelled another process may lead: at once after a
// resignation or handoff, about 2×MaxClockSkew later after a lost lease.
// Work that must never overlap another leader's has to stop by then, or be
// fenced: written through Do, or stamped with Token for systems outside
// the database.
type Callbacks struct {
	OnElected       func(ctx context.Context, leader LeaderState)
	OnDemoted       func(reason string)
	OnLeaderChanged func(leader LeaderState, hasLeader bool)
}

// eventQueue delivers events to the Events channel and the callbacks
// without ever blocking the election loop.
type eventQueue struct {
	out chan Event // handed out receive-only; closed by close

	mu      sync.Mutex
	pending []queued // guarded by mu
	closed  bool     // guarded by mu
	missed  int      // guarded by mu
	wake    chan struct{}
}

// queued is an event with the leadership context that OnElected receives.
type queued struct {
	ev  Event
	ctx context.Context
}

func newEventQueue(buffer int) *eventQueue {
	return &eventQueue{out: make(chan Event, buffer), wake: make(chan struct{}, 1)}
}

// push queues ev for the callbacks and offers it to the channel, discarding
// the oldest unread event when the channel is full.
func (q *eventQueue) push(ev Event, leaderCtx context.Context) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}

	for {
		ev.Missed = q.missed
		select {
		case q.out <- ev:
			q.missed = 0
		default:
			select {
			case old := <-q.out:
				q.missed += 1 + old.Missed
			default:
			}
			continue
		}
		break
	}

	q.pending = append(q.pending, queued{ev: ev, ctx: leaderCtx})
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// dispatch runs the callbacks for queued events until stop is closed and
// the queue is drained.
func (q *eventQueue) dispatch(cb Callbacks, stop <-chan struct{}) {
	for {
		q.mu.Lock()
		batch := q.pending
		q.pending = nil
		q.mu.Unlock()

		for _, item := range batch {
			runCallback(cb, item)
		}
		if len(batch) > 0 {
			continue
		}

		select {
		case <-q.wake:
		case <-stop:
			q.mu.Lock()
			empty := len(q.pending) == 0
			q.mu.Unlock()
			if empty {
				return
			}
		}
	}
}

func runCallback(cb Callbacks, item queued) {
	ev := item.ev
	switch ev.Kind {
	case Elected:
		if cb.OnElected != nil {
			cb.OnElected(item.ctx, ev.Leader)
		}
	case Demoted:
		if cb.OnDemoted != nil {
			cb.OnDemoted(ev.Reason)
		}
	case LeaderChanged:
		if cb.OnLeaderChanged != nil {
			cb.OnLeaderChanged(ev.Leader, ev.HasLeader)
		}
	}
}

// close closes the channel; later pushes are dropped.
func (q *eventQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		close(q.out)
	}
}
