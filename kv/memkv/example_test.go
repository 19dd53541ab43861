package memkv_test

import (
	"context"
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// Driving a transaction by hand, as a simulator does: two transactions read
// the same key, the first commits, the second conflicts and retries after
// the backoff OnErrorDelay returns.
func ExampleTxn_OnErrorDelay() {
	db := memkv.New(memkv.Options{Seed: 1})
	key := []byte("k")

	a, b := db.CreateTransaction(), db.CreateTransaction()
	a.Get(key).MustGet()
	b.Get(key).MustGet()
	a.Set(key, []byte("a"))
	b.Set(key, []byte("b"))
	fmt.Println("a:", a.Commit())
	err := b.Commit()
	fmt.Println("b:", err)

	d, err := b.OnErrorDelay(err)
	fmt.Println("retry:", err == nil, d < 10*time.Millisecond)
	old := b.Get(key).MustGet()
	b.Set(key, append(old, 'b'))
	fmt.Println("b again:", b.Commit())

	v, _ := kv.ReadTransactValue(context.Background(), db,
		func(tr kv.ReadTransaction) ([]byte, error) { return tr.Get(key).Get() })
	fmt.Println(string(v))
	// Output:
	// a: <nil>
	// b: kv: not_committed (1020)
	// retry: true true
	// b again: <nil>
	// ab
}
