//go:build !fdb

package fdbkv_test

import (
	"errors"
	"fmt"

	"github.com/fdbelect/fdbelect/kv/fdbkv"
)

// A binary built without -tags fdb cannot reach a cluster; Open says so, and
// the caller can fall back to the embedded engine or report how to rebuild.
func ExampleOpen() {
	db, err := fdbkv.Open("") // "" is the default cluster file
	if errors.Is(err, fdbkv.ErrNotBuilt) {
		fmt.Println("no FoundationDB support in this build")
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	// Output: no FoundationDB support in this build
}
