//go:build fdb

package fdbkv_test

import (
	"context"
	"fmt"
	"time"

	"github.com/apple/foundationdb/bindings/go/src/fdb"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/fdbkv"
)

// A service that already uses the bindings shares its handle with kv code.
// (No output: it needs a cluster.)
func ExampleWrap() {
	fdb.MustAPIVersion(fdbkv.APIVersion) // the service's own selection
	raw, err := fdb.OpenDefault()
	if err != nil {
		fmt.Println(err)
		return
	}
	db, err := fdbkv.Wrap(raw)
	if err != nil {
		fmt.Println(err) // for example ErrAPIVersion after selecting another version
		return
	}
	defer db.Close() // leaves raw open

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = db.Transact(ctx, func(tr kv.Transaction) error {
		tr.Set([]byte("greeting"), []byte("hello"))
		return nil
	})
	fmt.Println(err)
}
