package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// candidates is how many candidates every election of a trial has.
const candidates = 3

// elected says that candidate idx of a group became leader at at.
type elected struct {
	idx int
	at  time.Time
}

// group is one election with its candidates, run by one system under test.
type group interface {
	// elected delivers a value each time a candidate becomes leader.
	elected() <-chan elected

	// crash stops candidate i without any goodbye: it stops renewing and
	// never resigns, like a process that was killed.
	crash(i int)

	// resign makes candidate i give up leadership the graceful way and
	// campaign again afterwards as the system does by default.
	resign(ctx context.Context, i int) error

	// close stops every candidate and releases what the group holds.
	close()
}

// system starts groups of one system under test.
type system interface {
	name() string

	// newGroup starts an election of n candidates under a fresh name.
	newGroup(ctx context.Context, tag string, n int) (group, error)

	// lease is the time a crashed leader's claim stays valid.
	lease() time.Duration

	// heartbeat is how often a leader renews its claim.
	heartbeat() time.Duration
}

// errTimeout is returned when a trial waits too long for a leader.
var errTimeout = errors.New("bench: no leader within the time limit")

// waitElected waits for a candidate other than skip to become leader;
// skip < 0 accepts any.
func waitElected(ctx context.Context, g group, skip int, limit time.Duration) (elected, error) {
	t := time.NewTimer(limit)
	defer t.Stop()
	for {
		select {
		case ev := <-g.elected():
			if ev.idx != skip {
				return ev, nil
			}
		case <-t.C:
			return elected{}, errTimeout
		case <-ctx.Done():
			return elected{}, ctx.Err()
		}
	}
}

// trialPlan says how many trials to run and how many at once.
type trialPlan struct {
	trials   int
	parallel int
	seed     uint64
}

// runParallel calls fn(worker, k) for k trials spread over the workers and
// collects the durations. A failed trial is counted, not fatal; the error
// of the last failure is returned with the count.
func runParallel(ctx context.Context, p trialPlan,
	fn func(ctx context.Context, worker, k int) (sample, error)) (sample, int, error) {
	var mu sync.Mutex
	var all sample
	var failed int
	var lastErr error

	var wg sync.WaitGroup
	per := (p.trials + p.parallel - 1) / p.parallel
	for w := range p.parallel {
		k := min(per, p.trials-w*per)
		if k <= 0 {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := fn(ctx, w, k)
			mu.Lock()
			defer mu.Unlock()
			all = append(all, s...)
			if err != nil {
				failed++
				lastErr = err
			}
		}()
	}
	wg.Wait()
	return all, failed, lastErr
}

// crashTrials measures the time from a leader's crash to the next leader,
// each trial on a fresh election of three candidates.
func crashTrials(ctx context.Context, sys system, p trialPlan) (sample, int, error) {
	return runParallel(ctx, p, func(ctx context.Context, w, k int) (sample, error) {
		rng := rand.New(rand.NewPCG(p.seed, uint64(w)))
		var s sample
		for i := range k {
			d, err := crashOnce(ctx, sys, fmt.Sprintf("crash-%d-%d", w, i), rng)
			if err != nil {
				return s, fmt.Errorf("%s crash trial: %w", sys.name(), err)
			}
			s = append(s, d)
		}
		return s, nil
	})
}

func crashOnce(ctx context.Context, sys system, tag string, rng *rand.Rand) (time.Duration,
	error) {
	g, err := sys.newGroup(ctx, tag, candidates)
	if err != nil {
		return 0, err
	}
	defer g.close()

	limit := 10 * sys.lease()
	first, err := waitElected(ctx, g, -1, limit)
	if err != nil {
		return 0, err
	}
	// Let the followers settle, then crash at a random phase of the
	// leader's renewal cycle.
	hb := sys.heartbeat()
	settle := 2*hb + time.Duration(rng.Int64N(int64(hb)))
	if err := sleep(ctx, settle); err != nil {
		return 0, err
	}

	t0 := time.Now()
	g.crash(first.idx)
	next, err := waitElected(ctx, g, first.idx, limit)
	if err != nil {
		return 0, err
	}
	return next.at.Sub(t0), nil
}

// handoverTrials measures the time from a leader's resignation to the next
// leader, in chains of resignations on one election per worker. With
// settle > 0 each new leader waits that long before resigning, so the
// other candidates have settled into waiting; with settle = 0 it resigns
// at once (back to back).
func handoverTrials(ctx context.Context, sys system, p trialPlan,
	settle time.Duration) (sample, int, error) {
	return runParallel(ctx, p, func(ctx context.Context, w, k int) (sample, error) {
		g, err := sys.newGroup(ctx, fmt.Sprintf("handover-%d-%d", settle/time.Millisecond, w),
			candidates)
		if err != nil {
			return nil, err
		}
		defer g.close()

		limit := 10 * sys.lease()
		cur, err := waitElected(ctx, g, -1, limit)
		if err != nil {
			return nil, err
		}
		// Start from a settled group in both modes.
		if err := sleep(ctx, max(settle, 2*sys.heartbeat())); err != nil {
			return nil, err
		}

		var s sample
		for i := range k {
			if i > 0 && settle > 0 {
				if err := sleep(ctx, settle); err != nil {
					return s, err
				}
			}
			t0 := time.Now()
			if err := g.resign(ctx, cur.idx); err != nil {
				return s, fmt.Errorf("%s resign: %w", sys.name(), err)
			}
			// The next election counts whoever wins it: when every
			// candidate resigned a moment ago and is holding off, the
			// resigner itself may be the first to campaign again.
			next, err := waitElected(ctx, g, -1, limit)
			if err != nil {
				return s, fmt.Errorf("%s handover: %w", sys.name(), err)
			}
			s = append(s, next.at.Sub(t0))
			cur = next
		}
		return s, nil
	})
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// handoverChains is how many elections run handover chains at once.
const handoverChains = 4
