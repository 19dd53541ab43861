package main

import (
	"cmp"
	"context"
	"fmt"
	"log"
	"slices"
	"time"
)

// results holds everything one run measured.
type results struct {
	opts    options
	machine machine
	took    time.Duration
	errs    []string

	rtt     roundTrips
	costs   []cycleCost // recipe cycle by number of candidates
	naive   cycleCost   // sequential port, 10 candidates
	fleet   fleet
	sim     simSpeed
	systems []systemResult
}

// systemResult is what one system under test did.
type systemResult struct {
	name      string
	lease     time.Duration
	heartbeat time.Duration

	crash, settled, backToBack sample
	failed                     [3]int // failed trial chains, in the order above
	errs                       []string
}

// costRounds is how many times each cycle benchmark runs; the report keeps
// the median, since other work on a shared machine slows single runs.
const costRounds = 3

// measureCost measures a cycle with 10 and 10,000 candidates, and the
// sequential port with 10, interleaving the rounds so that a burst of load
// from elsewhere hits them alike.
func (r *results) measureCost(ctx context.Context) error {
	cases := []struct {
		n  int
		fn cycleFunc
	}{{10, recipeCycle}, {10000, recipeCycle}, {10, sequentialCycle}}
	runs := make([][]cycleCost, len(cases))
	for range costRounds {
		for i, c := range cases {
			res, err := benchCycle(ctx, c.n, c.fn)
			if err != nil {
				return err
			}
			runs[i] = append(runs[i], res)
		}
	}
	med := make([]cycleCost, len(cases))
	for i, rs := range runs {
		slices.SortFunc(rs, func(a, b cycleCost) int { return cmp.Compare(a.nsPerOp, b.nsPerOp) })
		med[i] = rs[len(rs)/2]
	}
	r.costs, r.naive = med[:2], med[2]
	return nil
}

// measureSystem runs the crash and handover trials of one system.
func (r *results) measureSystem(ctx context.Context, sys system) systemResult {
	o := r.opts
	res := systemResult{name: sys.name(), lease: sys.lease(), heartbeat: sys.heartbeat()}
	plan := trialPlan{trials: o.trials, parallel: o.parallel, seed: 1}
	hplan := trialPlan{trials: o.handovers, parallel: min(o.parallel, handoverChains), seed: 2}

	runs := []struct {
		what string
		dst  *sample
		fn   func() (sample, int, error)
	}{
		{"crash", &res.crash, func() (sample, int, error) { return crashTrials(ctx, sys, plan) }},
		{"settled handover", &res.settled, func() (sample, int, error) {
			return handoverTrials(ctx, sys, hplan, o.settle)
		}},
		{"back-to-back handover", &res.backToBack, func() (sample, int, error) {
			return handoverTrials(ctx, sys, hplan, 0)
		}},
	}
	for i, run := range runs {
		t := time.Now()
		s, failed, err := run.fn()
		*run.dst = s
		res.failed[i] = failed
		if err != nil {
			res.errs = append(res.errs, fmt.Sprintf("%s: %d failed, last: %v", run.what,
				failed, err))
		}
		log.Printf("%s %s: n=%d p50=%v p99=%v failed=%d (%v)", sys.name(), run.what,
			len(s), s.quantile(0.5), s.quantile(0.99), failed,
			time.Since(t).Round(time.Millisecond))
	}
	return res
}
