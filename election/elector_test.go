package election_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/subspace"
	"github.com/fdbelect/fdbelect/tuple"
)

func TestElectorSingleCandidateLeads(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	a := c.start("a", election.ElectorOptions{})
	c.waitFor("a to lead", a.e.IsLeader)

	tok, ok := a.e.Token()
	if !ok || tok == 0 {
		t.Fatalf("Token() = %d, %v; want a ballot and true", tok, ok)
	}
	l, ok := a.e.Leader()
	if !ok || l.LeaderID != "a" {
		t.Fatalf("Leader() = %+v, %v; want a", l, ok)
	}
	if err := c.stopMember(a); err != nil {
		t.Fatalf("Run: %v", err)
	}

	err := c.db.ReadTransact(context.Background(), func(tr kv.ReadTransaction) error {
		l, err := c.el.LeaderRecord(tr)
		if err != nil {
			return err
		}
		if l == nil || !l.Vacant() || l.Ballot < tok {
			t.Errorf("leader record after shutdown = %+v; want vacant with ballot >= %d", l, tok)
		}
		cand, err := c.el.Candidate(tr, "a")
		if err != nil {
			return err
		}
		if cand != nil {
			t.Errorf("candidate record after shutdown = %+v; want none", cand)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(a.e.Healthy(), election.ErrWedged) {
		t.Errorf("Healthy() after stop = %v; want ErrWedged", a.e.Healthy())
	}
}

// vtime returns the cluster's virtual time since it started.
func (c *cluster) vtime() time.Duration { return c.clk.Now().Sub(c.rec.epoch) }

func TestElectorCallbacksInOrder(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	var electedCtx context.Context
	ctxDoneAtDemote := make(chan bool, 1)
	a := c.start("a", election.ElectorOptions{Callbacks: election.Callbacks{
		OnElected: func(ctx context.Context, _ election.LeaderState) { electedCtx = ctx },
		OnDemoted: func(string) { ctxDoneAtDemote <- electedCtx != nil && electedCtx.Err() != nil },
	}})
	c.waitFor("a to lead", a.e.IsLeader)
	if err := c.stopMember(a); err != nil {
		t.Fatalf("Run: %v", err)
	}

	want := []string{"a:elected", "a:changed:a", "a:demoted"}
	if got := c.rec.callbackOrder(); !slices.Equal(got, want) {
		t.Errorf("callbacks ran as %v; want %v", got, want)
	}
	if !<-ctxDoneAtDemote {
		t.Error("OnElected's context was not cancelled when OnDemoted ran")
	}
}

func TestElectorResignHandsOverBeforeNextHeartbeat(t *testing.T) {
	cfg := election.ConfigWithLease(3 * time.Second) // heartbeat 1s
	c := newCluster(t, cfg, memkv.Options{})
	ms := []*member{
		c.start("a", election.ElectorOptions{}),
		c.start("b", election.ElectorOptions{}),
		c.start("c", election.ElectorOptions{}),
	}
	c.waitFor("a leader", func() bool { return leaderOf(ms...) != nil })
	old := leaderOf(ms...)

	t0 := c.vtime()
	if err := old.e.Resign(context.Background()); err != nil {
		t.Fatalf("Resign: %v", err)
	}
	c.waitFor("a new leader", func() bool {
		l := leaderOf(ms...)
		return l != nil && l != old
	})
	if took := c.vtime() - t0; took >= cfg.HeartbeatInterval {
		t.Errorf("handover took %v of virtual time; want less than the heartbeat %v", took,
			cfg.HeartbeatInterval)
	}

	for _, m := range ms {
		if err := c.stopMember(m); err != nil {
			t.Errorf("Run(%s): %v", m.e.ID(), err)
		}
	}
	c.rec.checkNoOverlap(t)
}

func TestElectorResignByFollowerFails(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	a, b := c.leaderAndFollower()

	if err := b.e.Resign(context.Background()); !errors.Is(err, election.ErrNotLeader) {
		t.Errorf("follower Resign() = %v; want ErrNotLeader", err)
	}
	if err := b.e.HandOff(context.Background(), "a"); !errors.Is(err, election.ErrNotLeader) {
		t.Errorf("follower HandOff() = %v; want ErrNotLeader", err)
	}
	if err := a.e.HandOff(context.Background(), "nobody"); !errors.Is(err,
		election.ErrHandoffRefused) {
		t.Errorf("HandOff(nobody) = %v; want ErrHandoffRefused", err)
	}
	if !a.e.IsLeader() {
		t.Error("a lost leadership after a refused handoff")
	}

	if err := a.e.HandOff(context.Background(), "b"); err != nil {
		t.Fatalf("HandOff(b): %v", err)
	}
	c.waitFor("b to lead", b.e.IsLeader)
	c.stopAll(a, b)
}

func TestElectorCrashTakeoverWaitsForTheLease(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	a, b := c.leaderAndFollower()

	crashAt := c.vtime()
	a.gate.dead.Store(true)
	c.waitFor("b to lead", b.e.IsLeader)
	took := c.vtime() - crashAt

	bound := testLease.LeaseDuration + testLease.HeartbeatInterval +
		election.DefaultMaxClockSkew + 200*time.Millisecond
	if took > bound {
		t.Errorf("takeover after crash took %v; want at most %v", took, bound)
	}
	c.stopAll(a, b)
}

func TestElectorRestartedIncarnationDoesNotInheritLease(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	a1 := c.start("a", election.ElectorOptions{})
	c.waitFor("a to lead", a1.e.IsLeader)

	a1.gate.dead.Store(true) // the process dies without resigning
	if err := c.stopMember(a1); err == nil {
		t.Error("Run of a crashed elector returned nil; want its shutdown error")
	}
	restartAt := c.vtime()

	a2 := c.start("a", election.ElectorOptions{})
	c.waitFor("the new incarnation to lead", a2.e.IsLeader)
	if waited := c.vtime() - restartAt; waited <
		testLease.LeaseDuration-election.DefaultMaxClockSkew {
		t.Errorf("new incarnation led %v after restart; the old lease ran %v", waited,
			testLease.LeaseDuration)
	}
	c.stopMember(a2)
}

func TestElectorPreemptionIsAHandoff(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	low := c.start("low", election.ElectorOptions{Priority: 1})
	c.waitFor("low to lead", low.e.IsLeader)

	high := c.start("high", election.ElectorOptions{Priority: 10})
	c.waitFor("high to lead", high.e.IsLeader)
	if low.e.IsLeader() {
		t.Error("low still believes it leads after handing over")
	}

	c.stopMember(high)
	c.stopMember(low)
	c.rec.checkNoOverlap(t)
}

func TestElectorSkewedFollowers(t *testing.T) {
	skew := election.DefaultMaxClockSkew
	cases := []struct {
		name   string
		ahead  time.Duration
		before bool // follower runs before the leader stalls
	}{
		{"fresh follower ahead by less than the bound", skew / 2, false},
		{"running follower ahead by three times the bound", 3 * skew, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCluster(t, testLease, memkv.Options{})
			a := c.start("a", election.ElectorOptions{})
			c.waitFor("a to lead", a.e.IsLeader)

			fopts := election.ElectorOptions{Clock: skewedClock{c.clk, tc.ahead}}
			var f *member
			if tc.before {
				f = c.start("f", fopts)
				c.waitFor("f to see a refresh", func() bool {
					l, ok := f.e.Leader()
					return ok && l.Ballot >= 3 // a's claim, then two refreshes
				})
			}
			a.gate.pause() // a stalls and keeps believing until its deadline
			if !tc.before {
				f = c.start("f", fopts)
			}

			c.waitFor("f to lead", f.e.IsLeader)
			a.gate.resume()
			c.stopMember(f)
			c.stopMember(a)
			c.rec.checkNoOverlap(t)
		})
	}
}

func TestElectorDoFromStaleLeaderNeverCommits(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	a, b := c.leaderAndFollower()

	work := c.ss.Pack(tuple.Tuple{"work"})
	attempts := 0
	err := a.e.Do(context.Background(), func(tr kv.Transaction) error {
		attempts++
		tr.Set(work, []byte("from a"))
		if attempts == 1 {
			// a stalls mid-transaction; by the time it tries to commit, b
			// has taken over.
			a.gate.pause()
			go func() {
				c.waitFor("b to lead", b.e.IsLeader)
				a.gate.resume()
			}()
		}
		return nil
	})
	if !errors.Is(err, election.ErrNotLeader) {
		t.Fatalf("stale Do() = %v; want ErrNotLeader", err)
	}

	err = c.db.ReadTransact(context.Background(), func(tr kv.ReadTransaction) error {
		v, err := tr.Get(work).Get()
		if v != nil {
			t.Errorf("work key = %q; the stale leader's write committed", v)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	if err := b.e.Do(context.Background(), func(tr kv.Transaction) error {
		tr.Set(work, []byte("from b"))
		return nil
	}); err != nil {
		t.Errorf("Do() by the leader = %v", err)
	}
	c.stopMember(a)
	c.stopMember(b)
}

func TestElectorAmbiguousCommits(t *testing.T) {
	var mu sync.Mutex
	var writes []election.LeaderState
	var cleared int
	leaderKey := election.New(subspace.Sub("test", t.Name())).LeaderKey()
	observer := func(ci memkv.CommitInfo) {
		for _, m := range ci.Mutations {
			if !bytes.Equal(m.Key, leaderKey) {
				continue
			}
			mu.Lock()
			if m.Value == nil {
				cleared++
			} else if l, err := election.DecodeLeader(m.Value); err == nil {
				writes = append(writes, l)
			}
			mu.Unlock()
		}
	}
	c := newCluster(t, testLease, memkv.Options{
		Seed:              7,
		ConflictRate:      0.1,
		UnknownBeforeRate: 0.1,
		UnknownAfterRate:  0.2,
		OnCommit:          observer,
	})

	ms := []*member{
		c.start("a", election.ElectorOptions{}),
		c.start("b", election.ElectorOptions{}),
		c.start("c", election.ElectorOptions{}),
	}
	for round := 0; round < 4; round++ {
		c.waitFor("a leader", func() bool { return leaderOf(ms...) != nil })
		if l := leaderOf(ms...); l != nil {
			l.e.Resign(context.Background()) // may lose a race with its own lease
		}
	}

	err := c.db.ReadTransact(context.Background(), func(tr kv.ReadTransaction) error {
		cands, err := c.el.ListCandidates(tr, c.clk.Now())
		if err != nil {
			return err
		}
		if len(cands) != 3 {
			t.Errorf("%d candidates registered; want 3: %+v", len(cands), cands)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		c.stopMember(m)
	}
	c.rec.checkNoOverlap(t)

	mu.Lock()
	defer mu.Unlock()
	if cleared > 0 {
		t.Errorf("leader record cleared %d times", cleared)
	}
	for i := 1; i < len(writes); i++ {
		prev, cur := writes[i-1].Ballot, writes[i].Ballot
		if cur < prev || (cur == prev && !writes[i].Vacant()) {
			t.Errorf("leader write %d: ballot %d after %d (vacant: %v)", i, cur, prev,
				writes[i].Vacant())
		}
	}
	if len(writes) < 8 {
		t.Errorf("only %d leader writes; the test did not exercise the election", len(writes))
	}
}

func TestElectorHealthReportsWedgedLoop(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	a := c.start("a", election.ElectorOptions{})
	c.waitFor("a to lead", a.e.IsLeader)
	if err := a.e.Healthy(); err != nil {
		t.Fatalf("Healthy() while running = %v", err)
	}

	a.gate.pause()
	c.waitFor("a to be reported wedged", func() bool {
		return errors.Is(a.e.Healthy(), election.ErrWedged)
	})
	if a.e.IsLeader() {
		t.Error("a wedged leader still claims leadership")
	}
	a.gate.resume()
	c.waitFor("a to recover", func() bool { return a.e.Healthy() == nil })
	c.stopMember(a)
}

func TestNewElectorRejectsBadInput(t *testing.T) {
	db := memkv.New(memkv.Options{})
	ss := subspace.Sub("bad")
	bad := election.ConfigWithLease(time.Second)
	bad.HeartbeatInterval = 2 * time.Second
	cases := []struct {
		name string
		db   kv.Database
		id   string
		opts election.ElectorOptions
	}{
		{"nil database", nil, "a", election.ElectorOptions{}},
		{"empty id", db, "", election.ElectorOptions{}},
		{"invalid UTF-8 id", db, "\xff", election.ElectorOptions{}},
		{"id too long for a key", db, strings.Repeat("x", 20000), election.ElectorOptions{}},
		{"negative skew", db, "a", election.ElectorOptions{MaxClockSkew: -1}},
		{"negative buffer", db, "a", election.ElectorOptions{EventBuffer: -1}},
		{"invalid init config", db, "a", election.ElectorOptions{Init: &bad}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := election.NewElector(tc.db, ss, tc.id, tc.opts)
			if !errors.Is(err, election.ErrInvalidArgument) {
				t.Errorf("NewElector() = %v; want ErrInvalidArgument", err)
			}
		})
	}
}

func TestElectorRunTwiceFails(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	a := c.start("a", election.ElectorOptions{})
	c.waitFor("a to lead", a.e.IsLeader)
	if err := a.e.Run(context.Background()); !errors.Is(err, election.ErrAlreadyRunning) {
		t.Errorf("second Run() = %v; want ErrAlreadyRunning", err)
	}
	c.stopMember(a)
	if err := a.e.Resign(context.Background()); !errors.Is(err, election.ErrNotRunning) {
		t.Errorf("Resign() after Run = %v; want ErrNotRunning", err)
	}
}

func TestElectorInitializesAndWaitsForConfig(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	ss := subspace.Sub("uninitialized")
	cfg := election.ConfigWithLease(time.Second)
	e, err := election.NewElector(c.db, ss, "a", election.ElectorOptions{Clock: c.clk, Init: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	c.waitFor("a to lead an election it initialized", e.IsLeader)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestElectorHonoursAResignationRequest(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	a, b := c.leaderAndFollower()

	// An operator asks a to resign, as `fdbelect resign` does.
	t0 := c.vtime()
	err := c.db.Transact(context.Background(), func(tr kv.Transaction) error {
		return c.el.RequestResignation(tr, "a")
	})
	if err != nil {
		t.Fatal(err)
	}
	c.waitFor("b to lead", b.e.IsLeader)
	if took := c.vtime() - t0; took >= testLease.HeartbeatInterval {
		t.Errorf("handover after a resignation request took %v; want under a heartbeat", took)
	}
	c.stopMember(a)
	c.stopMember(b)
	for _, iv := range c.rec.snapshot() {
		if iv.id == "a" && iv.reason != "resigned" {
			t.Errorf("a demoted with reason %q; want %q", iv.reason, "resigned")
		}
	}
	c.rec.checkNoOverlap(t)
}

func TestElectorWaitsOutAVacancyItsHolderDidNotWrite(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	a := c.start("a", election.ElectorOptions{})
	c.waitFor("a to lead", a.e.IsLeader)
	b := c.start("b", election.ElectorOptions{})
	c.waitFor("b to see a refresh", func() bool {
		l, ok := b.e.Leader()
		return ok && l.Ballot >= 3
	})

	// a stalls, still believing it leads; another process vacates the
	// record behind its back, as a 0.11.0 resignation would.
	a.gate.pause()
	err := c.db.Transact(context.Background(), func(tr kv.Transaction) error {
		_, err := c.el.ResignLeadership(tr, "a")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !a.e.IsLeader() {
		t.Fatal("a stopped believing at once; the test needs it to hold on")
	}
	c.waitFor("b to lead", b.e.IsLeader)
	a.gate.resume()
	c.stopAll(a, b)
}

func TestElectorResignedHighPriorityStaysOff(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	low := c.start("low", election.ElectorOptions{Priority: 1})
	c.waitFor("low to lead", low.e.IsLeader)
	high := c.start("high", election.ElectorOptions{Priority: 9, ResignHoldoff: time.Minute})
	c.waitFor("high to take over", high.e.IsLeader)

	if err := high.e.Resign(context.Background()); err != nil {
		t.Fatalf("Resign: %v", err)
	}
	c.waitFor("low to lead again", low.e.IsLeader)

	// Within its hold-off the resigned candidate must not preempt back.
	start := c.vtime()
	c.waitFor("two heartbeats to pass", func() bool {
		return c.vtime()-start > 2*testLease.HeartbeatInterval
	})
	if high.e.IsLeader() || !low.e.IsLeader() {
		t.Errorf("leadership went back to the resigned candidate within its hold-off")
	}
	c.stopMember(high)
	c.stopMember(low)
	c.rec.checkNoOverlap(t)
}

func TestElectorCallbackAskingDuringShutdownDoesNotBlockRun(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	var e *election.Elector
	asked := make(chan error, 1)
	a := c.start("a", election.ElectorOptions{Callbacks: election.Callbacks{
		OnElected: func(ctx context.Context, _ election.LeaderState) {
			<-ctx.Done()
			asked <- e.Resign(context.Background())
		},
	}})
	e = a.e
	c.waitFor("a to lead", a.e.IsLeader)
	if err := c.stopMember(a); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if err := <-asked; !errors.Is(err, election.ErrNotRunning) &&
		!errors.Is(err, election.ErrNotLeader) {
		t.Errorf("Resign from a callback during shutdown = %v; want ErrNotRunning", err)
	}
}

func TestElectorHandOffIsNotPreemptedBack(t *testing.T) {
	c := newCluster(t, testLease, memkv.Options{})
	high := c.start("high", election.ElectorOptions{Priority: 9})
	c.waitFor("high to lead", high.e.IsLeader)
	low := c.start("low", election.ElectorOptions{Priority: 1})
	c.waitFor("low to follow", func() bool { _, ok := low.e.Leader(); return ok })

	if err := high.e.HandOff(context.Background(), "low"); err != nil {
		t.Fatalf("HandOff: %v", err)
	}
	c.waitFor("low to lead", low.e.IsLeader)
	start := c.vtime()
	c.waitFor("a heartbeat to pass", func() bool {
		return c.vtime()-start > testLease.HeartbeatInterval/2
	})
	if !low.e.IsLeader() {
		t.Error("leadership went straight back to the higher priority after a handoff")
	}
	c.stopMember(high)
	c.stopMember(low)
	c.rec.checkNoOverlap(t)
}

func TestElectorBacksOffOnPersistentErrors(t *testing.T) {
	reg := prometheus.NewRegistry()
	metrics, err := election.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	c := newCluster(t, testLease, memkv.Options{})
	a := c.start("a", election.ElectorOptions{Metrics: metrics})
	c.waitFor("a to lead", a.e.IsLeader)

	// The config disappears: every cycle now fails, right after a watch
	// fired.
	err = c.db.Transact(context.Background(), func(tr kv.Transaction) error {
		tr.Clear(c.el.ConfigKey())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	start := c.vtime()
	c.waitFor("two seconds of virtual time", func() bool { return c.vtime()-start > 2*time.Second })
	c.stopMember(a)

	// With backoff up to a heartbeat (1/3 s), two seconds allow a few
	// dozen attempts at most; a loop that ignores the backoff makes
	// thousands.
	if n := series(t, reg, "fdbelect_cycle_errors_total", "a"); n > 40 {
		t.Errorf("%v failed cycles in 2s of virtual time: the retry backoff is not applied", n)
	}
}
