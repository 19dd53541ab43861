package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/subspace"
)

// TestSequentialCycleWritesWhatRunCycleWrites checks that the sequential
// port does the library's work, so that comparing them is fair: from the
// same state, both leave the same leader and candidate records.
func TestSequentialCycleWritesWhatRunCycleWrites(t *testing.T) {
	ctx := context.Background()
	db := memkv.New(memkv.Options{})
	id := candidateName(0)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

	type outcome struct {
		leader    election.LeaderState
		candidate election.Candidate
	}
	run := func(name string, fn cycleFunc) outcome {
		el, err := setupElection(ctx, db, subspace.Sub("test", name), 3)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 { // a claim, then a refresh
			err := db.Transact(ctx, func(tr kv.Transaction) error {
				return fn(tr, el, id, now.Add(time.Duration(i)*time.Second))
			})
			if err != nil {
				t.Fatalf("%s cycle %d: %v", name, i, err)
			}
		}
		var o outcome
		err = db.ReadTransact(ctx, func(tr kv.ReadTransaction) error {
			st, err := el.ReadState(tr, id)
			if err != nil {
				return err
			}
			if st.Leader == nil || st.Candidate == nil {
				return errors.New("records missing")
			}
			o = outcome{*st.Leader, *st.Candidate}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: reading back: %v", name, err)
		}
		if o.leader.Versionstamp != o.candidate.Versionstamp {
			t.Errorf("%s: leader versionstamp %v, want the candidate's %v", name,
				o.leader.Versionstamp, o.candidate.Versionstamp)
		}
		return o
	}

	want := run("recipe", recipeCycle)
	got := run("sequential", sequentialCycle)
	if got.leader.Ballot != want.leader.Ballot || got.leader.LeaderID != want.leader.LeaderID ||
		!got.leader.LeaseExpiry.Equal(want.leader.LeaseExpiry) {
		t.Errorf("sequential leader %+v, want %+v", got.leader, want.leader)
	}
	if !got.candidate.LastHeartbeat.Equal(want.candidate.LastHeartbeat) ||
		got.candidate.Priority != want.candidate.Priority {
		t.Errorf("sequential candidate %+v, want %+v", got.candidate, want.candidate)
	}
	if want.leader.Ballot != 2 {
		t.Errorf("ballot after claim and refresh = %d, want 2", want.leader.Ballot)
	}
}

func TestCrashDBFailsEverythingAfterDeath(t *testing.T) {
	ctx := context.Background()
	db := &crashDB{inner: memkv.New(memkv.Options{})}
	if err := db.Transact(ctx, func(tr kv.Transaction) error {
		tr.Set([]byte("k"), []byte("v"))
		return nil
	}); err != nil {
		t.Fatalf("live Transact: %v", err)
	}

	db.dead.Store(true)
	ran := false
	err := db.Transact(ctx, func(kv.Transaction) error { ran = true; return nil })
	if !errors.Is(err, errCrashed) || ran {
		t.Errorf("dead Transact = %v (fn ran: %v), want errCrashed without running", err, ran)
	}
	err = db.ReadTransact(ctx, func(kv.ReadTransaction) error { ran = true; return nil })
	if !errors.Is(err, errCrashed) || ran {
		t.Errorf("dead ReadTransact = %v (fn ran: %v), want errCrashed without running", err,
			ran)
	}
}

// TestPollerRules checks the poller's lock rules without waiting out a
// lease: a held lock is refused to others, renewed by its holder, and free
// for anyone once released.
func TestPollerRules(t *testing.T) {
	ctx := context.Background()
	sys := &pollerSystem{db: memkv.New(memkv.Options{}), leaseDur: time.Hour}
	key := subspace.Sub("test", "poller").Pack(nil)
	mk := func(id string) *poller {
		return &poller{sys: sys, db: &crashDB{inner: sys.db}, key: key, id: id}
	}
	a, b := mk("a"), mk("b")

	steps := []struct {
		name string
		p    *poller
		want bool
	}{
		{"a takes the free lock", a, true},
		{"b is refused while a holds it", b, false},
		{"a renews", a, true},
		{"b is still refused", b, false},
	}
	for _, s := range steps {
		if got := s.p.tryAcquireOrRenew(ctx); got != s.want {
			t.Fatalf("%s: got %v, want %v", s.name, got, s.want)
		}
	}
	if err := a.release(ctx); err != nil {
		t.Fatalf("release: %v", err)
	}
	if !b.tryAcquireOrRenew(ctx) {
		t.Fatal("b could not take a released lock")
	}
	if a.tryAcquireOrRenew(ctx) {
		t.Fatal("a took the lock back from b")
	}
}
