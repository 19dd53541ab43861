package election_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// leaderWrite is one committed write of the leader record, seen by the
// engine's commit observer in commit order.
type leaderWrite struct {
	version int64
	state   election.LeaderState
}

// virtualClock is a wall clock shared by the processes of a test; each
// reading moves it forward by a random step.
type virtualClock struct{ ns atomic.Int64 }

func (c *virtualClock) read(rng *rand.Rand, maxStep time.Duration) time.Time {
	step := rng.Int64N(int64(maxStep))
	return t0.Add(time.Duration(c.ns.Add(step)))
}

// TestConcurrentClaims runs processes that cycle, refresh and resign at once
// through the retry loop, on a clock that sometimes jumps past the lease,
// and checks every committed write of the leader record: ballots strictly
// increase (a resignation keeps it), no two leaders share a ballot, and
// every change of leader was allowed by the record it replaced.
func TestConcurrentClaims(t *testing.T) {
	const (
		processes = 8
		rounds    = 150
	)
	cfg := testConfig
	e := testElection()

	var mu sync.Mutex
	var writes []leaderWrite
	var observeErr error
	db := memkv.New(memkv.Options{OnCommit: func(ci memkv.CommitInfo) {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range ci.Mutations {
			if !bytes.Equal(m.Key, e.LeaderKey()) {
				continue
			}
			if m.Kind != memkv.MutationSet {
				observeErr = fmt.Errorf("leader record mutated by kind %d", m.Kind)
				continue
			}
			l, err := election.DecodeLeader(m.Value)
			if err != nil {
				observeErr = err
				continue
			}
			writes = append(writes, leaderWrite{ci.Version, l})
		}
	}})
	ctx := context.Background()
	if err := db.Transact(ctx, func(tr kv.Transaction) error {
		return e.Initialize(tr, cfg)
	}); err != nil {
		t.Fatal(err)
	}

	var clk virtualClock
	var wins atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, processes)
	for p := range processes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- runProcess(ctx, db, e, &clk, p, rounds, &wins)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	mu.Lock()
	defer mu.Unlock()
	if observeErr != nil {
		t.Fatal(observeErr)
	}
	checkLeaderHistory(t, writes, cfg)
	if wins.Load() == 0 {
		t.Fatal("nobody ever led")
	}
}

// runProcess registers one process and then runs rounds random actions.
func runProcess(ctx context.Context, db kv.Database, e *election.Election,
	clk *virtualClock, p, rounds int, wins *atomic.Int64) error {
	rng := rand.New(rand.NewPCG(uint64(p), 42))
	id := fmt.Sprintf("p%d", p)
	priority := int32(p % 3)

	err := db.Transact(ctx, func(tr kv.Transaction) error {
		return e.RegisterCandidate(tr, id, priority, clk.read(rng, time.Millisecond))
	})
	if err != nil {
		return err
	}

	for range rounds {
		action := rng.IntN(10)
		err := db.Transact(ctx, func(tr kv.Transaction) error {
			now := clk.read(rng, 2*time.Second)
			switch {
			case action < 7:
				r, err := e.RunCycle(tr, id, priority, now)
				if err == nil && r.IsLeader {
					wins.Add(1)
				}
				return err
			case action < 9:
				_, err := e.RefreshLease(tr, id, now)
				return err
			default:
				_, err := e.ResignLeadership(tr, id)
				return err
			}
		})
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
	}
	return nil
}

// checkLeaderHistory checks the committed leader writes, in commit order.
func checkLeaderHistory(t *testing.T, writes []leaderWrite, cfg election.Config) {
	t.Helper()
	if len(writes) < 50 {
		t.Fatalf("only %d leader writes; the test exercised too little", len(writes))
	}

	seen := make(map[uint64]string)
	changes, vacancies, expiries, preemptions := 0, 0, 0, 0
	var prev *election.LeaderState
	for i, w := range writes {
		cur := w.state
		if i > 0 && w.version <= writes[i-1].version {
			t.Fatalf("write %d: commit versions out of order", i)
		}
		if cur.Vacant() {
			vacancies++
			if prev == nil || prev.Vacant() || cur.Ballot != prev.Ballot {
				t.Fatalf("write %d: vacant record %+v after %+v", i, cur, prev)
			}
			prev = &writes[i].state
			continue
		}

		if prev != nil && cur.Ballot <= prev.Ballot {
			t.Fatalf("write %d: ballot %d after %d", i, cur.Ballot, prev.Ballot)
		}
		if holder, dup := seen[cur.Ballot]; dup {
			t.Fatalf("write %d: ballot %d held by %s and %s", i, cur.Ballot, holder, cur.LeaderID)
		}
		seen[cur.Ballot] = cur.LeaderID

		if prev != nil && !prev.Vacant() && prev.LeaderID != cur.LeaderID {
			changes++
			claimedAt := cur.LeaseExpiry.Add(-cfg.LeaseDuration)
			switch {
			case !claimedAt.Before(prev.LeaseExpiry):
				expiries++
			case cur.Priority > prev.Priority:
				preemptions++
			default:
				t.Fatalf("write %d: %s took a valid lease of %s (until %v) at %v "+
					"with priority %d <= %d", i, cur.LeaderID, prev.LeaderID,
					prev.LeaseExpiry, claimedAt, cur.Priority, prev.Priority)
			}
		}
		prev = &writes[i].state
	}
	t.Logf("%d leader writes: %d changes of leader (%d after expiry, %d preemptions), "+
		"%d resignations", len(writes), changes, expiries, preemptions, vacancies)
	if expiries == 0 || preemptions == 0 || vacancies == 0 {
		t.Fatalf("the run missed a case: %d expiries, %d preemptions, %d resignations",
			expiries, preemptions, vacancies)
	}
}
