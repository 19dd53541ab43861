package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/subspace"
)

// cycleCost is the cost of one cycle with a number of registered
// candidates.
type cycleCost struct {
	candidates  int
	nsPerOp     int64
	allocsPerOp int64
	bytesPerOp  int64
	n           int
}

// benchCycle measures fn as the cycle of the first of n registered
// candidates, who leads, on an engine without latency.
func benchCycle(ctx context.Context, n int, fn cycleFunc) (cycleCost, error) {
	db := memkv.New(memkv.Options{})
	el, err := setupElection(ctx, db, subspace.Sub("bench", "cost"), n)
	if err != nil {
		return cycleCost{}, err
	}
	var failed error
	res := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			err := db.Transact(ctx, func(tr kv.Transaction) error {
				return fn(tr, el, candidateName(0), time.Now())
			})
			if err != nil {
				failed = err
				b.FailNow()
			}
		}
	})
	if failed != nil {
		return cycleCost{}, failed
	}
	return cycleCost{candidates: n, nsPerOp: res.NsPerOp(), allocsPerOp: res.AllocsPerOp(),
		bytesPerOp: res.AllocedBytesPerOp(), n: res.N}, nil
}

// fleet is the outcome of the many-elections measurement.
type fleet struct {
	elections, perElection int
	heartbeat, window      time.Duration
	cpuShare               float64 // process CPU time / wall time, 1 = one core
	txPerSec               float64 // transactions started per second
	commitsPerSec          float64 // commits with writes per second
	leaders                int     // elections with a leader at the end
}

// countingDB counts the transactions started through it.
type countingDB struct {
	inner kv.Database
	n     atomic.Int64
}

func (c *countingDB) Transact(ctx context.Context, fn func(kv.Transaction) error) error {
	c.n.Add(1)
	return c.inner.Transact(ctx, fn)
}

func (c *countingDB) ReadTransact(ctx context.Context,
	fn func(kv.ReadTransaction) error) error {
	c.n.Add(1)
	return c.inner.ReadTransact(ctx, fn)
}

// measureFleet runs elections × perElection Electors in this process on one
// engine, with the given heartbeat interval (lease three times it), lets
// them settle for warm, and measures CPU time and transactions over window.
func measureFleet(ctx context.Context, elections, perElection int,
	heartbeat, warm, window time.Duration) (fleet, error) {
	var commits atomic.Int64
	db := &countingDB{inner: memkv.New(memkv.Options{
		OnCommit: func(memkv.CommitInfo) { commits.Add(1) },
	})}
	cfg := election.ConfigWithLease(3 * heartbeat)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	var electors []*election.Elector
	for k := range elections {
		ss := subspace.Sub("bench", "fleet", k)
		for i := range perElection {
			e, err := election.NewElector(db, ss, candidateID(i),
				election.ElectorOptions{Init: &cfg})
			if err != nil {
				return fleet{}, err
			}
			electors = append(electors, e)
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = e.Run(ctx)
			}()
		}
	}
	if err := sleep(ctx, warm); err != nil {
		return fleet{}, err
	}

	cpu0, err := cpuTime()
	if err != nil {
		return fleet{}, err
	}
	tx0, c0, t0 := db.n.Load(), commits.Load(), time.Now()
	if err := sleep(ctx, window); err != nil {
		return fleet{}, err
	}
	cpu1, err := cpuTime()
	if err != nil {
		return fleet{}, err
	}
	tx1, c1, wall := db.n.Load(), commits.Load(), time.Since(t0)

	f := fleet{elections: elections, perElection: perElection, heartbeat: heartbeat,
		window: wall, cpuShare: ratio(cpu1-cpu0, wall),
		txPerSec:      float64(tx1-tx0) / wall.Seconds(),
		commitsPerSec: float64(c1-c0) / wall.Seconds()}
	for k := range elections {
		for i := range perElection {
			if electors[k*perElection+i].IsLeader() {
				f.leaders++
				break
			}
		}
	}
	return f, nil
}

// cpuTime returns the user and system CPU time of this process so far.
func cpuTime() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("bench: getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
