package sim

import (
	"fmt"
	"strings"

	"github.com/fdbelect/fdbelect/election"
)

// FaultSet says which faults a run injects. The zero value injects none: a
// run on it still has many electors racing on one database, but no process
// ever crashes, pauses or sees an error.
type FaultSet struct {
	// Crash kills a process at random instants and restarts it under the
	// same id as a new incarnation after up to Config.RestartDelay.
	Crash bool

	// Pause stalls a process for up to Config.PauseMax, longer than a lease
	// and than the candidate timeout, also between the start of a fenced
	// write and its commit.
	Pause bool

	// Skew gives every process a wall-clock offset within
	// Config.ClockSpread × MaxClockSkew/2 of true time.
	Skew bool

	// Drift makes every process's clocks run fast or slow by up to
	// Config.MaxDriftPPM parts per million.
	Drift bool

	// Latency delays reads and commits by up to Config.ReadLatency and
	// Config.CommitLatency, so transactions of different processes overlap.
	Latency bool

	// Conflict fails commits with not_committed at Config.ConflictRate.
	Conflict bool

	// Unknown reports commit_unknown_result at Config.UnknownRate, half of
	// the time for a commit that did apply.
	Unknown bool

	// Resign makes the leader resign at random instants.
	Resign bool

	// Preempt changes candidates' priorities at random instants, so that a
	// candidate of higher priority than the leader asks for a handoff.
	Preempt bool

	// Config rewrites the election's config: disables elections for a
	// while, or changes the lease.
	Config bool

	// Evict lets the leader evict dead candidates, as the Elector does.
	Evict bool
}

// faultNames lists the names ParseFaults accepts, in the order String
// prints them.
var faultNames = []string{"crash", "pause", "skew", "drift", "latency", "conflict",
	"unknown", "resign", "preempt", "config", "evict"}

// AllFaults returns a FaultSet with every fault switched on.
func AllFaults() FaultSet {
	var f FaultSet
	for _, n := range faultNames {
		*f.field(n) = true
	}
	return f
}

// field returns the switch of the fault called name, or nil.
func (f *FaultSet) field(name string) *bool {
	switch name {
	case "crash":
		return &f.Crash
	case "pause":
		return &f.Pause
	case "skew":
		return &f.Skew
	case "drift":
		return &f.Drift
	case "latency":
		return &f.Latency
	case "conflict":
		return &f.Conflict
	case "unknown":
		return &f.Unknown
	case "resign":
		return &f.Resign
	case "preempt":
		return &f.Preempt
	case "config":
		return &f.Config
	case "evict":
		return &f.Evict
	}
	return nil
}

// String returns the switched-on faults as a comma-separated list that
// ParseFaults reads back, or "none".
func (f FaultSet) String() string {
	var on []string
	for _, n := range faultNames {
		if *f.field(n) {
			on = append(on, n)
		}
	}
	if len(on) == 0 {
		return "none"
	}
	return strings.Join(on, ",")
}

// ParseFaults reads a comma-separated list of fault names: crash, pause,
// skew, drift, latency, conflict, unknown, resign, preempt, config, evict,
// or "all" or "none". Names are case-insensitive and spaces around them are
// ignored; an empty list means none.
func ParseFaults(list string) (FaultSet, error) {
	var f FaultSet
	for _, raw := range strings.Split(list, ",") {
		name := strings.ToLower(strings.TrimSpace(raw))
		switch name {
		case "", "none":
			continue
		case "all":
			f = AllFaults()
			continue
		}
		p := f.field(name)
		if p == nil {
			return FaultSet{}, fmt.Errorf("%w: %q (known: all, none, %s)", ErrUnknownFault,
				name, strings.Join(faultNames, ", "))
		}
		*p = true
	}
	return f, nil
}

// flawNames maps the names ParseFlaw accepts to the flaw they switch on.
var flawNames = []struct {
	name string
	set  func(*election.Flaws)
}{
	{"reset-ballot", func(f *election.Flaws) { f.ResetBallotOnResign = true }},
	{"wall-clock", func(f *election.Flaws) { f.WallClockTakeover = true }},
	{"instant-preemption", func(f *election.Flaws) { f.InstantPreemption = true }},
	{"dead-candidate", func(f *election.Flaws) { f.DeadCandidateClaims = true }},
}

// ParseFlaw reads the name of a 0.11.0 flaw to switch back on:
// reset-ballot (ResetBallotOnResign), wall-clock (WallClockTakeover),
// instant-preemption (InstantPreemption) or dead-candidate
// (DeadCandidateClaims). The field names are accepted too, and so are
// several names separated by commas, "all" and "none".
func ParseFlaw(name string) (election.Flaws, error) {
	var f election.Flaws
	for _, raw := range strings.Split(name, ",") {
		n := strings.ToLower(strings.TrimSpace(raw))
		if n == "" || n == "none" {
			continue
		}
		found := false
		for i, fl := range flawNames {
			if n == "all" || n == fl.name || n == strings.ToLower(flawFields[i]) {
				fl.set(&f)
				found = true
			}
		}
		if !found {
			return election.Flaws{}, fmt.Errorf(
				"%w: %q (known: reset-ballot, wall-clock, instant-preemption, dead-candidate)",
				ErrUnknownFlaw, n)
		}
	}
	return f, nil
}

// flawFields are the Flaws field names, in the order of flawNames.
var flawFields = []string{"ResetBallotOnResign", "WallClockTakeover", "InstantPreemption",
	"DeadCandidateClaims"}

// FlawString names the flaws switched on in f, as ParseFlaw reads them, or
// "none".
func FlawString(f election.Flaws) string {
	on := []bool{f.ResetBallotOnResign, f.WallClockTakeover, f.InstantPreemption,
		f.DeadCandidateClaims}
	var names []string
	for i, b := range on {
		if b {
			names = append(names, flawNames[i].name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ",")
}
