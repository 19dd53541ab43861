package election_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/clock"
	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/subspace"
)

// The harness runs real Electors on memkv against one fake clock that a
// driver goroutine advances in small steps, so that leases of seconds pass
// in tens of milliseconds while every duration the Electors measure is
// exact virtual time.

const (
	tickStep = 2 * time.Millisecond   // virtual time per driver step
	tickReal = 200 * time.Microsecond // real time between steps
)

// testLease is the election config most tests use: lease 1s, heartbeat
// 1/3 s, candidate timeout 1.5 s, preemption on.
var testLease = election.ConfigWithLease(time.Second)

// cluster is a set of Electors sharing one memkv and one fake clock.
type cluster struct {
	t    *testing.T
	db   *memkv.DB
	ss   subspace.Subspace
	el   *election.Election
	clk  *clock.Fake
	rec  *recorder
	stop context.CancelFunc
	wg   sync.WaitGroup
}

// member is one Elector of a cluster with the switches the tests pull.
type member struct {
	e      *election.Elector
	gate   *gateDB
	cancel context.CancelFunc
	done   chan error
}

func newCluster(t *testing.T, cfg election.Config, opts memkv.Options) *cluster {
	t.Helper()
	c := &cluster{
		t:   t,
		db:  memkv.New(opts),
		ss:  subspace.Sub("test", t.Name()),
		clk: clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
	}
	c.rec = newRecorder(c.clk.Now())
	c.el = election.New(c.ss)
	c.initialize(t, cfg)

	ctx, cancel := context.WithCancel(context.Background())
	c.stop = cancel
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for ctx.Err() == nil {
			c.clk.Advance(tickStep)
			time.Sleep(tickReal)
		}
	}()
	t.Cleanup(c.close)
	return c
}

// initialize writes cfg as the election's config.
func (c *cluster) initialize(t *testing.T, cfg election.Config) {
	t.Helper()
	if err := c.db.Transact(context.Background(), func(tr kv.Transaction) error {
		return c.el.Initialize(tr, cfg)
	}); err != nil {
		t.Fatalf("initialize: %v", err)
	}
}

// start runs an Elector for id with opts; the recorder sees its events.
func (c *cluster) start(id string, opts election.ElectorOptions) *member {
	c.t.Helper()
	gate := &gateDB{inner: c.db}
	if opts.Clock == nil {
		opts.Clock = c.clk
	}
	opts.Callbacks = c.rec.callbacks(id, opts.Callbacks)
	e, err := election.NewElector(gate, c.ss, id, opts)
	if err != nil {
		c.t.Fatalf("NewElector(%q): %v", id, err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	m := &member{e: e, gate: gate, cancel: cancel, done: make(chan error, 1)}
	var skew time.Duration
	if sc, ok := opts.Clock.(skewedClock); ok {
		skew = sc.offset
	}
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		c.rec.follow(id, e, skew)
	}()
	go func() {
		err := e.Run(ctx)
		<-followed
		m.done <- err
	}()
	return m
}

// stopMember cancels a member's Run and returns its error.
func (c *cluster) stopMember(m *member) error {
	c.t.Helper()
	m.cancel()
	select {
	case err := <-m.done:
		return err
	case <-time.After(10 * time.Second):
		c.t.Fatalf("elector %s did not stop", m.e.ID())
		return nil
	}
}

// leaderAndFollower starts "a", waits for it to lead, then starts "b" and
// waits for it to follow a.
func (c *cluster) leaderAndFollower() (a, b *member) {
	c.t.Helper()
	a = c.start("a", election.ElectorOptions{})
	c.waitFor("a to lead", a.e.IsLeader)
	b = c.start("b", election.ElectorOptions{})
	c.waitFor("b to follow a", func() bool {
		l, ok := b.e.Leader()
		return ok && l.LeaderID == "a"
	})
	return a, b
}

// stopAll stops the members and checks that no two of them ever led at
// once.
func (c *cluster) stopAll(ms ...*member) {
	c.t.Helper()
	for _, m := range ms {
		c.stopMember(m)
	}
	c.rec.checkNoOverlap(c.t)
}

// close stops the clock driver. Members must have been stopped.
func (c *cluster) close() {
	c.stop()
	c.wg.Wait()
}

// waitFor polls cond in real time until it holds or 10 s pass.
func (c *cluster) waitFor(what string, cond func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// leader returns the one member that believes it leads, or nil.
func leaderOf(ms ...*member) *member {
	var found *member
	for _, m := range ms {
		if m.e.IsLeader() {
			found = m
		}
	}
	return found
}

// skewedClock is a clock whose wall reading is off by offset.
type skewedClock struct {
	clock.Clock
	offset time.Duration
}

func (s skewedClock) Now() time.Time { return s.Clock.Now().Add(s.offset) }

// gateDB wraps a kv.Database so a test can stall or kill one Elector's
// access to the store: a paused gate holds transactions until resumed, a
// dead one fails them at once, like a crashed or partitioned process.
type gateDB struct {
	inner kv.Database
	dead  atomic.Bool

	mu     sync.Mutex
	paused chan struct{} // closed on resume; nil when not paused
}

var errDead = errors.New("test: process crashed")

func (g *gateDB) pass(ctx context.Context) error {
	g.mu.Lock()
	p := g.paused
	g.mu.Unlock()
	if p != nil {
		select {
		case <-p:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if g.dead.Load() {
		return errDead
	}
	return nil
}

func (g *gateDB) Transact(ctx context.Context, fn func(kv.Transaction) error) error {
	if err := g.pass(ctx); err != nil {
		return err
	}
	return g.inner.Transact(ctx, func(tr kv.Transaction) error {
		if err := fn(tr); err != nil {
			return err
		}
		return g.pass(ctx)
	})
}

func (g *gateDB) ReadTransact(ctx context.Context, fn func(kv.ReadTransaction) error) error {
	if err := g.pass(ctx); err != nil {
		return err
	}
	return g.inner.ReadTransact(ctx, fn)
}

func (g *gateDB) pause() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.paused == nil {
		g.paused = make(chan struct{})
	}
}

func (g *gateDB) resume() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.paused != nil {
		close(g.paused)
		g.paused = nil
	}
}

// recorder keeps every member's leadership intervals in virtual time, from
// the Elected and Demoted events, whose At the Elector stamps when it
// publishes the change. It also keeps the order in which callbacks ran.
type recorder struct {
	mu        sync.Mutex
	intervals []interval
	open      map[string]int
	order     []string // "id:kind" in callback order
	epoch     time.Time
}

type interval struct {
	id       string
	from, to time.Duration
	closed   bool
	ballot   uint64
	reason   string // why it ended
}

func newRecorder(epoch time.Time) *recorder {
	return &recorder{open: make(map[string]int), epoch: epoch}
}

// follow reads e's events until the channel closes. skew is the member's
// wall-clock offset, subtracted to put every member on one timeline.
func (r *recorder) follow(id string, e *election.Elector, skew time.Duration) {
	for ev := range e.Events() {
		at := ev.At.Sub(r.epoch) - skew
		r.mu.Lock()
		switch ev.Kind {
		case election.Elected:
			r.open[id] = len(r.intervals)
			r.intervals = append(r.intervals, interval{id: id, from: at,
				ballot: ev.Leader.Ballot})
		case election.Demoted:
			if i, ok := r.open[id]; ok {
				r.intervals[i].to, r.intervals[i].closed = at, true
				r.intervals[i].reason = ev.Reason
				delete(r.open, id)
			}
		}
		r.mu.Unlock()
	}
}

// callbacks wraps user callbacks with ones that record their order.
func (r *recorder) callbacks(id string, user election.Callbacks) election.Callbacks {
	note := func(s string) {
		r.mu.Lock()
		r.order = append(r.order, id+":"+s)
		r.mu.Unlock()
	}
	return election.Callbacks{
		OnElected: func(ctx context.Context, l election.LeaderState) {
			note("elected")
			if user.OnElected != nil {
				user.OnElected(ctx, l)
			}
		},
		OnDemoted: func(reason string) {
			note("demoted")
			if user.OnDemoted != nil {
				user.OnDemoted(reason)
			}
		},
		OnLeaderChanged: func(l election.LeaderState, ok bool) {
			note("changed:" + l.LeaderID)
			if user.OnLeaderChanged != nil {
				user.OnLeaderChanged(l, ok)
			}
		},
	}
}

// snapshot returns a copy of the intervals.
func (r *recorder) snapshot() []interval {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]interval(nil), r.intervals...)
}

// callbackOrder returns a copy of the callback log.
func (r *recorder) callbackOrder() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.order...)
}

// checkNoOverlap fails the test if two members' leadership intervals
// overlap.
func (r *recorder) checkNoOverlap(t *testing.T) {
	t.Helper()
	const forever = time.Duration(1<<63 - 1)
	iv := r.snapshot()
	for i := range iv {
		for j := i + 1; j < len(iv); j++ {
			a, b := iv[i], iv[j]
			if a.id == b.id {
				continue
			}
			aEnd, bEnd := a.to, b.to
			if !a.closed {
				aEnd = forever
			}
			if !b.closed {
				bEnd = forever
			}
			if a.from < bEnd && b.from < aEnd {
				t.Errorf("leadership overlap: %s [%v, %v) (%s) and %s [%v, %v) (%s)", a.id,
					a.from, aEnd, a.reason, b.id, b.from, bEnd, b.reason)
			}
		}
	}
}
