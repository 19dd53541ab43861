package main

import (
	"time"

	"github.com/fdbelect/fdbelect/sim"
)

// simSpeed is the outcome of the simulation-speed measurement.
type simSpeed struct {
	runs     int
	electors int
	virtual  time.Duration
	wall     time.Duration
	passed   bool
}

// measureSim runs the simulator's default configuration (five electors,
// every fault on) for seeds 1..runs and compares simulated with wall time.
func measureSim(runs int) (simSpeed, error) {
	s := simSpeed{runs: runs, passed: true}
	for seed := 1; seed <= runs; seed++ {
		cfg := sim.DefaultConfig()
		cfg.Seed = int64(seed)
		s.electors = cfg.Electors
		start := time.Now()
		res, err := sim.Run(cfg)
		if err != nil {
			return simSpeed{}, err
		}
		s.wall += time.Since(start)
		s.virtual += res.Stats.VirtualTime
		s.passed = s.passed && res.Passed()
	}
	return s, nil
}
