//go:build fdb

package fdbkv_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/subspace"
)

// The election scenario on a real cluster: the recipe's calls one by one,
// then real Electors failing over through watches. It runs under a fresh
// random prefix, like every test here.

func TestElectionRecipeOnCluster(t *testing.T) {
	db := openCluster(t)
	el := election.New(subspace.FromBytes(prefixFor(t, db)))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := election.ConfigWithLease(2 * time.Second)

	tx := func(fn func(tr kv.Transaction) error) {
		t.Helper()
		if err := db.Transact(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	tx(func(tr kv.Transaction) error { return el.Initialize(tr, cfg) })
	for _, id := range []string{"a", "b"} {
		tx(func(tr kv.Transaction) error { return el.RegisterCandidate(tr, id, 0, time.Now()) })
	}

	var claim *election.LeaderState
	tx(func(tr kv.Transaction) error {
		var err error
		claim, err = el.TryClaimLeadership(tr, "a", 0, time.Now())
		return err
	})
	if claim == nil || claim.LeaderID != "a" || claim.Ballot != 1 {
		t.Fatalf("first claim = %+v; want a at ballot 1", claim)
	}

	var refreshed *election.LeaderState
	tx(func(tr kv.Transaction) error {
		var err error
		refreshed, err = el.RefreshLease(tr, "a", time.Now())
		return err
	})
	if refreshed == nil || refreshed.Ballot != 2 {
		t.Fatalf("refresh = %+v; want ballot 2", refreshed)
	}

	var blocked *election.LeaderState
	tx(func(tr kv.Transaction) error {
		var err error
		blocked, err = el.TryClaimLeadership(tr, "b", 0, time.Now())
		return err
	})
	if blocked != nil {
		t.Fatalf("b claimed over a live lease: %+v", blocked)
	}

	tx(func(tr kv.Transaction) error {
		_, err := el.ResignLeadership(tr, "a")
		return err
	})
	var next *election.LeaderState
	tx(func(tr kv.Transaction) error {
		var err error
		next, err = el.TryClaimLeadership(tr, "b", 0, time.Now())
		return err
	})
	if next == nil || next.LeaderID != "b" || next.Ballot != 3 {
		t.Fatalf("claim after resign = %+v; want b at ballot 3", next)
	}
}

func TestElectorFailoverOnCluster(t *testing.T) {
	db := openCluster(t)
	ss := subspace.FromBytes(prefixFor(t, db))
	cfg := election.ConfigWithLease(2 * time.Second)

	type member struct {
		e      *election.Elector
		cancel context.CancelFunc
		done   chan error
	}
	start := func(id string) *member {
		e, err := election.NewElector(db, ss, id, election.ElectorOptions{Init: &cfg})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		m := &member{e: e, cancel: cancel, done: make(chan error, 1)}
		go func() { m.done <- e.Run(ctx) }()
		return m
	}
	stop := func(m *member) error {
		m.cancel()
		return <-m.done
	}
	waitLeader := func(ms ...*member) *member {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			for _, m := range ms {
				if m.e.IsLeader() {
					return m
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatal("no leader within 30s")
		return nil
	}

	a, b := start("a"), start("b")
	first := waitLeader(a, b)
	other := b
	if first == b {
		other = a
	}

	// A graceful stop resigns: the follower's watch sees the vacancy.
	began := time.Now()
	if err := stop(first); err != nil {
		t.Fatalf("Run of the first leader: %v", err)
	}
	if got := waitLeader(other); got != other {
		t.Fatal("the follower did not take over")
	}
	if took := time.Since(began); took > cfg.HeartbeatInterval {
		t.Errorf("handover after resignation took %v; want under one heartbeat (%v)", took,
			cfg.HeartbeatInterval)
	}

	err := other.e.Do(context.Background(), func(tr kv.Transaction) error {
		tr.Set(ss.Pack([]any{"work"}), []byte("done"))
		return nil
	})
	if err != nil {
		t.Errorf("fenced write by the leader: %v", err)
	}
	if err := stop(other); err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("Run: %v", err)
	}
}
