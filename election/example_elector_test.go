package election_test

import (
	"context"
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/subspace"
)

// A service runs an Elector and does its leader-only writes through Do, so
// they commit only while it leads.
func ExampleElector_Do() {
	db := memkv.New(memkv.Options{})
	cfg := election.ConfigWithLease(time.Second)
	e, err := election.NewElector(db, subspace.Sub("jobs", "scheduler"), "node-1",
		election.ElectorOptions{Init: &cfg})
	if err != nil {
		fmt.Println(err)
		return
	}

	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()

	for ev := range e.Events() {
		if ev.Kind == election.Elected {
			fmt.Println("elected with ballot", ev.Leader.Ballot)
			break
		}
	}

	err = e.Do(ctx, func(tr kv.Transaction) error {
		tr.Set([]byte("jobs/next"), []byte("42"))
		return nil
	})
	fmt.Println("fenced write:", err)

	stop()
	fmt.Println("run:", <-done)
	// Output:
	// elected with ballot 1
	// fenced write: <nil>
	// run: <nil>
}
