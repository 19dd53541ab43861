package main

import (
	"context"
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/subspace"
)

// cycleFunc is one election cycle of candidate id inside tr.
type cycleFunc func(tr kv.Transaction, el *election.Election, id string, now time.Time) error

// recipeCycle is the library's cycle: RunCycle issues its three reads
// before waiting on any.
func recipeCycle(tr kv.Transaction, el *election.Election, id string, now time.Time) error {
	_, err := el.RunCycle(tr, id, 0, now)
	return err
}

// sequentialCycle is the cycle as a direct port would write it: read the
// config, wait; read the candidate, wait; read the leader, wait; then
// heartbeat and claim or refresh. It writes what RunCycle writes for a
// registered, live candidate.
func sequentialCycle(tr kv.Transaction, el *election.Election, id string,
	now time.Time) error {
	cfgRaw, err := tr.Get(el.ConfigKey()).Get()
	if err != nil {
		return err
	}
	candKey, err := el.CandidateKey(id)
	if err != nil {
		return err
	}
	candRaw, err := tr.Get(candKey).Get()
	if err != nil {
		return err
	}
	leaderRaw, err := tr.Get(el.LeaderKey()).Get()
	if err != nil {
		return err
	}

	if cfgRaw == nil || candRaw == nil {
		return fmt.Errorf("bench: election not initialized or %q not registered", id)
	}
	cfg, err := election.DecodeConfig(cfgRaw)
	if err != nil {
		return err
	}
	cand, err := election.DecodeCandidate(id, candRaw)
	if err != nil {
		return err
	}
	cand.LastHeartbeat = now
	b, err := election.EncodeCandidate(cand)
	if err != nil {
		return err
	}
	tr.Set(candKey, b)

	var cur election.LeaderState
	if leaderRaw != nil {
		if cur, err = election.DecodeLeader(leaderRaw); err != nil {
			return err
		}
	}
	free := leaderRaw == nil || cur.Vacant() || !now.Before(cur.LeaseExpiry)
	if !free && cur.LeaderID != id {
		return nil
	}
	next := election.LeaderState{Ballot: cur.Ballot + 1, LeaderID: id,
		Priority: cand.Priority, LeaseExpiry: now.Add(cfg.LeaseDuration),
		Versionstamp: cand.Versionstamp}
	if b, err = election.EncodeLeader(next); err != nil {
		return err
	}
	tr.Set(el.LeaderKey(), b)
	return nil
}

// roundTrips is the outcome of the round-trip measurement.
type roundTrips struct {
	rtt             time.Duration
	cycles          int
	recipe, naive   time.Duration // median cycle latency
	recipeR, naiveR float64       // median latency / rtt
}

// measureRoundTrips runs cycles of one leader on an engine whose reads take
// rtt, with the library's cycle and with the sequential port, alternating
// so that both see the same machine load.
func measureRoundTrips(ctx context.Context, rtt time.Duration, cycles int) (roundTrips,
	error) {
	db := memkv.New(memkv.Options{ReadLatency: rtt})
	el, err := setupElection(ctx, db, subspace.Sub("bench", "rtt"), 1)
	if err != nil {
		return roundTrips{}, err
	}

	timed := func(fn cycleFunc) (time.Duration, error) {
		start := time.Now()
		err := db.Transact(ctx, func(tr kv.Transaction) error {
			return fn(tr, el, candidateName(0), time.Now())
		})
		return time.Since(start), err
	}
	var recipe, naive sample
	for range cycles {
		d, err := timed(recipeCycle)
		if err != nil {
			return roundTrips{}, err
		}
		recipe = append(recipe, d)
		if d, err = timed(sequentialCycle); err != nil {
			return roundTrips{}, err
		}
		naive = append(naive, d)
	}
	r := roundTrips{rtt: rtt, cycles: cycles, recipe: recipe.quantile(0.5),
		naive: naive.quantile(0.5)}
	r.recipeR, r.naiveR = ratio(r.recipe, rtt), ratio(r.naive, rtt)
	return r, nil
}

// candidateName names registered candidate i of a cost benchmark.
func candidateName(i int) string { return fmt.Sprintf("c%05d", i) }

// setupElection initializes an election with the default config and
// registers n candidates, committed in batches.
func setupElection(ctx context.Context, db kv.Database, ss subspace.Subspace,
	n int) (*election.Election, error) {
	el := election.New(ss)
	err := db.Transact(ctx, func(tr kv.Transaction) error {
		return el.Initialize(tr, election.DefaultConfig())
	})
	if err != nil {
		return nil, err
	}
	const batch = 500
	for lo := 0; lo < n; lo += batch {
		err := db.Transact(ctx, func(tr kv.Transaction) error {
			for i := lo; i < min(lo+batch, n); i++ {
				if err := el.RegisterCandidate(tr, candidateName(i), 0, time.Now()); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return el, nil
}
