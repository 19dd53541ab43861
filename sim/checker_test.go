package sim_test

import (
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/clock"
	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/sim"
	"github.com/fdbelect/fdbelect/subspace"
	"github.com/fdbelect/fdbelect/tuple"
)

// TestCheckerFedDirectly feeds a Checker the way the demo does, from
// memkv's OnCommit, and expects each broken invariant to be reported.
func TestCheckerFedDirectly(t *testing.T) {
	el := election.New(subspace.Sub("t"))
	work := subspace.Sub("w")
	chk := sim.NewChecker(el, sim.CheckerOptions{Work: work})
	clk := clock.NewFake(time.Unix(1_900_000_000, 0))
	db := memkv.New(memkv.Options{Clock: clk, OnCommit: func(info memkv.CommitInfo) {
		chk.Commit(clk.Mono(), info)
	}})

	commit := func(fn func(tr *memkv.Txn)) {
		t.Helper()
		tr := db.CreateTransaction()
		fn(tr)
		if err := tr.Commit(); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
	}
	stamp := tuple.Versionstamp{TransactionVersion: [10]byte{9: 1}}
	leader := func(ballot uint64) func(tr *memkv.Txn) {
		return func(tr *memkv.Txn) {
			b, err := election.EncodeLeader(election.LeaderState{Ballot: ballot,
				LeaderID: "a", LeaseExpiry: clk.Now().Add(time.Minute), Versionstamp: stamp})
			if err != nil {
				t.Fatal(err)
			}
			tr.Set(el.LeaderKey(), b)
		}
	}

	commit(leader(5))
	commit(leader(3)) // ballots go back
	commit(func(tr *memkv.Txn) {
		if err := sim.WriteFenced(tr, work, "b", stamp, 3); err != nil {
			t.Fatal(err)
		}
	}) // fenced write by a process the record does not name
	chk.Belief(sim.Belief{Proc: "a", Stamp: stamp, From: 0, To: 10 * time.Second})
	chk.Belief(sim.Belief{Proc: "b", Stamp: stamp, From: 9 * time.Second, To: 12 * time.Second})
	chk.Belief(sim.Belief{Proc: "c", Stamp: stamp, From: 12 * time.Second, To: 13 * time.Second})
	chk.Finish(20 * time.Second)

	got := map[string]int{}
	for _, v := range chk.Violations() {
		got[v.Invariant]++
	}
	want := map[string]int{sim.InvBallots: 1, sim.InvFence: 1, sim.InvSingleLeader: 1,
		sim.InvLiveClaim: 1}
	for inv, n := range want {
		if got[inv] != n {
			t.Errorf("%s violations = %d, want %d (all: %v)", inv, got[inv], n,
				chk.Violations())
		}
	}
	if s := chk.Stats(); s.LeaderWrites != 2 || s.FencedWrites != 1 {
		t.Errorf("stats = %+v, want 2 leader writes and 1 fenced write", s)
	}
}

// TestCheckerTakeoverAndRegistration crashes a leader while another
// candidate is live and lets nobody take over; it also adopts a
// registration whose record never appears.
func TestCheckerTakeoverAndRegistration(t *testing.T) {
	el := election.New(subspace.Sub("t"))
	chk := sim.NewChecker(el, sim.CheckerOptions{MaxClockSkew: 100 * time.Millisecond,
		TakeoverSlack: time.Second})
	clk := clock.NewFake(time.Unix(1_900_000_000, 0))
	db := memkv.New(memkv.Options{Clock: clk, OnCommit: func(info memkv.CommitInfo) {
		chk.Commit(clk.Mono(), info)
	}})

	register := func(id string) tuple.Versionstamp {
		t.Helper()
		tr := db.CreateTransaction()
		if err := el.RegisterCandidate(tr, id, 0, clk.Now()); err != nil {
			t.Fatal(err)
		}
		if err := tr.Commit(); err != nil {
			t.Fatal(err)
		}
		c, err := el.Candidate(db.CreateTransaction(), id)
		if err != nil || c == nil {
			t.Fatalf("candidate %s: %v, %v", id, c, err)
		}
		chk.Adopted(clk.Mono(), id, c.Versionstamp)
		return c.Versionstamp
	}

	tr := db.CreateTransaction()
	if err := el.Initialize(tr, election.ConfigWithLease(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}
	a := register("a")
	register("b")
	tr = db.CreateTransaction()
	if _, err := el.TryClaimLeadership(tr, "a", 0, clk.Now()); err != nil {
		t.Fatal(err)
	}
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute) // far from the config write, which excuses a window
	chk.Crash(clk.Mono(), "a", a)
	chk.Adopted(clk.Mono(), "c", tuple.Versionstamp{TransactionVersion: [10]byte{9: 7}})
	chk.Finish(clk.Mono() + time.Minute)

	got := map[string]int{}
	for _, v := range chk.Violations() {
		got[v.Invariant]++
	}
	if got[sim.InvTakeover] != 1 || got[sim.InvRegistration] != 1 || len(got) != 2 {
		t.Errorf("violations = %v, want one takeover and one registration",
			chk.Violations())
	}
}
