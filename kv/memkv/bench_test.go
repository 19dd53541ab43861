package memkv_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// fill commits n keys of the form key%08d in batches.
func fill(b *testing.B, db *memkv.DB, n int) {
	b.Helper()
	for i := 0; i < n; i += 1000 {
		err := db.Transact(context.Background(), func(tr kv.Transaction) error {
			for j := i; j < min(i+1000, n); j++ {
				tr.Set(benchKey(j), []byte("value-of-moderate-length"))
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func benchKey(i int) []byte { return fmt.Appendf(nil, "key%08d", i) }

// benchKeys returns benchKey(0) to benchKey(n-1), made before timing.
func benchKeys(n int) [][]byte {
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = benchKey(i)
	}
	return keys
}

// cycle is shaped like one election cycle: three point reads issued
// together, then two writes.
func cycle(tr kv.Transaction, a, b, c []byte) error {
	fa, fb, fc := tr.Get(a), tr.Get(b), tr.Get(c)
	for _, f := range []kv.FutureValue{fa, fb, fc} {
		if _, err := f.Get(); err != nil {
			return err
		}
	}
	tr.Set(a, []byte("leader-record-bytes"))
	tr.Set(c, []byte("heartbeat-bytes"))
	return nil
}

// BenchmarkCycle runs cycle-shaped transactions through Transact on
// databases of growing size, each on keys spread over the whole database.
func BenchmarkCycle(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			db := memkv.New(memkv.Options{})
			fill(b, db, n)
			keys := benchKeys(n)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU(b)
			defer cpu.stop()
			for i := 0; b.Loop(); i++ {
				k := (i * 7919) % n
				err := db.Transact(ctx, func(tr kv.Transaction) error {
					return cycle(tr, keys[k], keys[(k+1)%n], keys[(k+2)%n])
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCycleHistory runs the same cycle with a growing number of
// recent commits inside the five-second window (a fake clock keeps them
// there), which the conflict index must check against.
func BenchmarkCycleHistory(b *testing.B) {
	for _, h := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("history=%d", h), func(b *testing.B) {
			db := memkv.New(memkv.Options{Clock: newFake()})
			keys := benchKeys(h)
			ctx := context.Background()
			for i := range h {
				tr := db.CreateTransaction()
				tr.Set(keys[i], []byte("v"))
				if err := tr.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU(b)
			defer cpu.stop()
			for i := 0; b.Loop(); i++ {
				k := (i * 7919) % h
				err := db.Transact(ctx, func(tr kv.Transaction) error {
					return cycle(tr, keys[k], keys[(k+1)%h], keys[(k+2)%h])
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConflictPair interleaves two transactions that read and write
// the same key: each iteration is one commit and one conflict.
func BenchmarkConflictPair(b *testing.B) {
	db := memkv.New(memkv.Options{})
	key := []byte("contended")
	b.ReportAllocs()
	cpu := startCPU(b)
	defer cpu.stop()
	for b.Loop() {
		t1, t2 := db.CreateTransaction(), db.CreateTransaction()
		t1.Get(key).MustGet()
		t2.Get(key).MustGet()
		t1.Set(key, []byte("1"))
		t2.Set(key, []byte("2"))
		if err := t1.Commit(); err != nil {
			b.Fatal(err)
		}
		if err := t2.Commit(); kvCode(err) != kv.CodeNotCommitted {
			b.Fatalf("second commit = %v, want not_committed", err)
		}
	}
}

// cpuTimer reports, next to ns/op, the process CPU time per operation
// (user and system, all threads, GC included). On a shared machine it is
// steadier than wall time, which also counts waiting for a core.
type cpuTimer struct {
	b     *testing.B
	start time.Duration
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU(b *testing.B) *cpuTimer { return &cpuTimer{b: b, start: processCPU()} }

func (c *cpuTimer) stop() {
	if c.b.N > 0 {
		c.b.ReportMetric(float64(processCPU()-c.start)/float64(c.b.N), "cpu-ns/op")
	}
}

func kvCode(err error) int {
	c, _ := kv.Code(err)
	return c
}

// BenchmarkRangeConflicts commits transactions that each read a range of
// 100 keys and write one key inside it, so every commit checks a range
// against recent writes.
func BenchmarkRangeConflicts(b *testing.B) {
	db := memkv.New(memkv.Options{})
	fill(b, db, 10_000)
	keys := benchKeys(10_000)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU(b)
	defer cpu.stop()
	for i := 0; b.Loop(); i++ {
		k := (i * 101) % 9_900
		tr := db.CreateTransaction()
		r := kv.Range{Begin: keys[k], End: keys[k+100]}
		if _, err := tr.GetRange(r, kv.RangeOptions{Limit: 10}).GetSliceWithError(); err != nil {
			b.Fatal(err)
		}
		tr.Set(keys[k+5], []byte("x"))
		if err := tr.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCycleParallel runs cycles on disjoint keys from all cores.
func BenchmarkCycleParallel(b *testing.B) {
	db := memkv.New(memkv.Options{})
	const n = 100_000
	fill(b, db, n)
	keys := benchKeys(n)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			k := (i * 7919) % n
			err := db.Transact(ctx, func(tr kv.Transaction) error {
				return cycle(tr, keys[k], keys[(k+1)%n], keys[(k+2)%n])
			})
			if err != nil && kvCode(err) != kv.CodeNotCommitted {
				b.Fatal(err)
			}
		}
	})
}
