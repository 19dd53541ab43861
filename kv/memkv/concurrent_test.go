package memkv_test

import (
	"context"
	"encoding/binary"
	"sync"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// TestConcurrentIncrements has goroutines increment one counter with a read
// and a write; serializability means no increment is lost. Backoff runs on
// a fake clock that a driver advances whenever someone sleeps.
func TestConcurrentIncrements(t *testing.T) {
	const workers, each = 8, 40
	fake := newFake()
	db := memkv.New(memkv.Options{Clock: fake})
	ctx := context.Background()

	stop := make(chan struct{})
	driverDone := make(chan struct{})
	go func() {
		defer close(driverDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			wctx, cancel := context.WithTimeout(ctx, time.Millisecond)
			if fake.WaitTimers(wctx, 1) == nil {
				fake.Advance(time.Second)
			}
			cancel()
		}
	}()

	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				err := db.Transact(ctx, func(tr kv.Transaction) error {
					v, err := tr.Get([]byte("n")).Get()
					if err != nil {
						return err
					}
					var n uint64
					if v != nil {
						n = binary.BigEndian.Uint64(v)
					}
					tr.Set([]byte("n"), binary.BigEndian.AppendUint64(nil, n+1))
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-driverDone
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	if got := binary.BigEndian.Uint64(get(t, db, "n")); got != workers*each {
		t.Errorf("counter = %d, want %d", got, workers*each)
	}
}
