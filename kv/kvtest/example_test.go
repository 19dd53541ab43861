package kvtest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/kv/kvtest"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// A history recorded on the embedded engine is strictly serializable.
func ExampleRecordHistory() {
	db := memkv.New(memkv.Options{})
	h, err := kvtest.RecordHistory(context.Background(), db, []byte("example/"),
		kvtest.LinearOptions{Seed: 1, Clients: 3, Ops: 50})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h.Check(10 * time.Second))
	// Output: linearizable
}

// The same workload through a database that serves stale reads is caught.
func ExampleStaleReader() {
	db := kvtest.StaleReader(memkv.New(memkv.Options{}))
	h, err := kvtest.RecordHistory(context.Background(), db, []byte("example/"),
		kvtest.LinearOptions{Seed: 1, Clients: 1, Ops: 50})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h.Check(10 * time.Second))
	// Output: not linearizable
}
