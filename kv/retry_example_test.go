package kv_test

import (
	"context"
	"fmt"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// TransactValue returns what the function computed in the attempt that
// committed. The function may run more than once, so it reads before it
// writes instead of assuming what an earlier attempt did.
func ExampleTransactValue() {
	db := memkv.New(memkv.Options{})
	ctx := context.Background()

	next := func() (int, error) {
		return kv.TransactValue(ctx, db, func(tr kv.Transaction) (int, error) {
			v, err := tr.Get([]byte("seq")).Get()
			if err != nil {
				return 0, err
			}
			n := 0
			if len(v) == 1 {
				n = int(v[0])
			}
			tr.Set([]byte("seq"), []byte{byte(n + 1)})
			return n + 1, nil
		})
	}
	a, _ := next()
	b, _ := next()
	fmt.Println(a, b)
	// Output: 1 2
}
