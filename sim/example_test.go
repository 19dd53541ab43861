package sim_test

import (
	"fmt"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/sim"
)

// A calm run: five electors, no faults, one election.
func ExampleRun() {
	cfg := sim.DefaultConfig()
	cfg.Faults = sim.FaultSet{}
	r, err := sim.Run(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println("violations:", len(r.Violations))
	fmt.Println("elections:", r.Stats.Elections)
	// Output:
	// violations: 0
	// elections: 1
}

// A negative control: with the 0.11.0 resignation flaw back on, the checker
// sees the ballots go back.
func ExampleFlawConfig() {
	cfg := sim.FlawConfig(election.Flaws{ResetBallotOnResign: true})
	cfg.Seed = 1
	r, err := sim.Run(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Violations[0].Invariant)
	// Output:
	// ballots
}

func ExampleParseFaults() {
	f, err := sim.ParseFaults("crash,pause,skew")
	if err != nil {
		panic(err)
	}
	fmt.Println(f)
	// Output:
	// crash,pause,skew
}
