package election_test

import (
	"context"
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/clock"
	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/subspace"
)

// A complete cycle: initialize once, register in a transaction of its own,
// then run a cycle per heartbeat interval. The time is read inside the
// function the retry loop runs, so a retried attempt uses a fresh time.
func Example() {
	ctx := context.Background()
	db := memkv.New(memkv.Options{})
	clk := clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	e := election.New(subspace.Sub("election"))

	err := db.Transact(ctx, func(tr kv.Transaction) error {
		return e.Initialize(tr, election.DefaultConfig())
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// Registration commits before any claim: its versionstamp is only
	// readable once the transaction has committed.
	err = db.Transact(ctx, func(tr kv.Transaction) error {
		return e.RegisterCandidate(tr, "worker-1", 0, clk.Now())
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	for range 2 {
		var res election.Result
		err := db.Transact(ctx, func(tr kv.Transaction) error {
			var err error
			res, err = e.RunCycle(tr, "worker-1", 0, clk.Now())
			return err
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("leader=%v ballot=%d lease until %s\n", res.IsLeader, res.Leader.Ballot,
			res.Leader.LeaseExpiry.Format(time.TimeOnly))
		clk.Advance(3 * time.Second)
	}
	// Output:
	// leader=true ballot=1 lease until 03:04:15
	// leader=true ballot=2 lease until 03:04:18
}

// A follower sees the current leader; after the leader resigns, the next
// claim continues the ballot instead of restarting it.
func ExampleElection_ResignLeadership() {
	ctx := context.Background()
	db := memkv.New(memkv.Options{})
	clk := clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	e := election.New(subspace.Sub("election"))

	run := func(fn func(tr kv.Transaction) error) {
		if err := db.Transact(ctx, fn); err != nil {
			fmt.Println(err)
		}
	}
	run(func(tr kv.Transaction) error { return e.Initialize(tr, election.DefaultConfig()) })
	for _, id := range []string{"a", "b"} {
		run(func(tr kv.Transaction) error { return e.RegisterCandidate(tr, id, 0, clk.Now()) })
	}

	// Results are printed after the transaction: the function may run more
	// than once.
	cycle := func(id string) {
		var res election.Result
		run(func(tr kv.Transaction) (err error) {
			res, err = e.RunCycle(tr, id, 0, clk.Now())
			return err
		})
		fmt.Printf("%s: leader=%v, %s leads at ballot %d\n",
			id, res.IsLeader, res.Leader.LeaderID, res.Leader.Ballot)
	}
	cycle("a")
	cycle("b")

	var resigned bool
	run(func(tr kv.Transaction) (err error) {
		resigned, err = e.ResignLeadership(tr, "a")
		return err
	})
	fmt.Println("a resigned:", resigned)
	cycle("b")
	// Output:
	// a: leader=true, a leads at ballot 1
	// b: leader=false, a leads at ballot 1
	// a resigned: true
	// b: leader=true, b leads at ballot 2
}
