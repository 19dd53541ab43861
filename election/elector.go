package election

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fdbelect/fdbelect/clock"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/subspace"
	"github.com/fdbelect/fdbelect/tuple"
)

// Log attribute keys.
const (
	logID     = "id"
	logBallot = "ballot"
	logLeader = "leader"
	logAction = "action"
	logReason = "reason"
	logErr    = "err"
	logDelay  = "retry_in"
)

// Elector keeps one process campaigning in one election for as long as Run
// runs: it registers, heartbeats, claims, refreshes, follows the leader
// record through watches, hands over on request, and on the way out resigns
// and unregisters. See the package documentation for its safety guarantee.
//
// An Elector is safe for concurrent use. Run may be called once.
type Elector struct {
	db     kv.Database
	el     *Election
	id     string
	opts   ElectorOptions
	clk    clock.Clock
	log    *slog.Logger
	events *eventQueue

	m        *Machine // owned by the Run goroutine
	rng      *rand.Rand
	requests chan request
	started  atomic.Bool
	loopDone chan struct{} // closed when Run stops taking requests
	done     chan struct{}

	// mu guards the published view below, which IsLeader, Leader, Do and
	// the lease guard read while the Run goroutine works.
	mu           sync.Mutex
	pub          published
	term         uint64             // counts elections of this process
	leaderCancel context.CancelFunc // cancels the current OnElected context
	guardWake    chan struct{}      // tells the lease guard the deadline moved
	startedAt    time.Duration      // monotonic time Run started
	lastProgress time.Duration      // monotonic time of the last finished cycle
	lastErr      error              // error of the last cycle, nil if it worked
}

// published is the Elector's state as seen from other goroutines.
type published struct {
	leading     bool // an Elected event was sent and no Demoted since
	deadline    time.Duration
	ballot      uint64
	stamp       tuple.Versionstamp
	observed    LeaderState
	hasObserved bool
	cfg         Config
	hasCfg      bool
}

// request is a call from Resign or HandOff to the Run goroutine.
type request struct {
	req   Request
	reply chan error
}

// NewElector returns an Elector for candidate id in the election stored
// under ss. It checks its arguments but touches nothing: Run does.
func NewElector(db kv.Database, ss subspace.Subspace, id string,
	opts ElectorOptions) (*Elector, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", ErrInvalidArgument)
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()

	el := New(ss)
	m, err := NewMachine(el, id, MachineOptions{
		Priority:      opts.Priority,
		MaxClockSkew:  opts.MaxClockSkew,
		ResignHoldoff: opts.ResignHoldoff,
	})
	if err != nil {
		return nil, err
	}

	seed := opts.Seed
	if seed == 0 {
		h := fnv.New64a()
		h.Write([]byte(id))
		seed = int64(h.Sum64())
	}
	return &Elector{
		db:        db,
		el:        el,
		id:        id,
		opts:      opts,
		clk:       opts.Clock,
		log:       opts.Logger.With(logID, id),
		events:    newEventQueue(opts.EventBuffer),
		m:         m,
		rng:       rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
		requests:  make(chan request),
		loopDone:  make(chan struct{}),
		done:      make(chan struct{}),
		guardWake: make(chan struct{}, 1),
	}, nil
}

// ID returns the candidate id.
func (e *Elector) ID() string { return e.id }

// Election returns the recipe the Elector runs on.
func (e *Elector) Election() *Election { return e.el }

// Events returns the channel of leadership changes. It has the capacity of
// ElectorOptions.EventBuffer; when it is full, the oldest unread event is
// discarded so that the newest state always gets through, and the next
// event sent counts the discarded ones in Missed. It is closed when Run
// returns.
func (e *Elector) Events() <-chan Event { return e.events.out }

// Done returns a channel closed when Run has returned.
func (e *Elector) Done() <-chan struct{} { return e.done }

// IsLeader reports whether this process may act as leader now: it won or
// refreshed the lease in a transaction that started less than
// lease - MaxClockSkew ago on its monotonic clock.
func (e *Elector) IsLeader() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.leadingLocked()
}

func (e *Elector) leadingLocked() bool {
	return e.pub.leading && e.clk.Mono() < e.pub.deadline
}

// Leader returns the leader record this process last observed, and false
// when it observed none (no record, or a vacant one).
func (e *Elector) Leader() (LeaderState, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pub.observed, e.pub.hasObserved
}

// Token returns the fencing token of the current leadership, the ballot of
// this process's latest claim or refresh, and whether the process leads.
// Ballots never decrease, across leaders too, so a system outside the
// database can reject writes that carry a token lower than one it has seen.
func (e *Elector) Token() (uint64, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pub.ballot, e.leadingLocked()
}

// Healthy returns nil while the election loop makes progress, and an error
// wrapping ErrWedged when it has not finished a cycle for three heartbeat
// intervals (or its last cycle failed, with that error).
func (e *Elector) Healthy() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.started.Load() {
		return fmt.Errorf("%w: not running", ErrWedged)
	}
	select {
	case <-e.done:
		return fmt.Errorf("%w: stopped", ErrWedged)
	default:
	}
	if !e.pub.hasCfg {
		// No config read yet: the first transaction may be stuck.
		if since := e.clk.Mono() - e.startedAt; since > startupWedged {
			return fmt.Errorf("%w: no config read after %v (last error: %v)", ErrWedged,
				since, e.lastErr)
		}
		return e.lastErr
	}
	if since := e.clk.Mono() - e.lastProgress; since > 3*e.pub.cfg.HeartbeatInterval {
		return fmt.Errorf("%w: no cycle finished for %v (last error: %v)", ErrWedged,
			since, e.lastErr)
	}
	return nil
}

// startupWedged is how long Healthy tolerates a Run that has not yet read
// the election's config.
const startupWedged = 30 * time.Second

// reading reads both clocks.
func (e *Elector) reading() Reading {
	return Reading{Mono: e.clk.Mono(), Wall: e.clk.Now()}
}
