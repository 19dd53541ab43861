package main

import (
	"sync"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/sim"
	"github.com/fdbelect/fdbelect/subspace"
	"github.com/fdbelect/fdbelect/tuple"
)

// demoWork is the subspace of the demo leaders' fenced writes.
var demoWork = subspace.Sub("fdbelect-demo-work")

// demoCheck feeds the simulator's invariant checker in real time: every
// commit of the engine, each process's registrations, beliefs (from
// Elected to Demoted or the crash) and faults.
type demoCheck struct {
	c     *sim.Checker
	el    *election.Election
	start time.Time

	mu      sync.Mutex
	stamps  map[string]tuple.Versionstamp // guarded by mu; latest registration per id
	commits int                           // guarded by mu
}

func newDemoCheck(el *election.Election, cfg election.Config, skew time.Duration,
	start time.Time) *demoCheck {
	return &demoCheck{
		c: sim.NewChecker(el, sim.CheckerOptions{
			Work:         demoWork,
			MaxClockSkew: skew,
			// Real goroutines on a busy machine are slower than virtual
			// ones: allow a lease of scheduling noise on top of the bound.
			TakeoverSlack: max(cfg.LeaseDuration, time.Second),
		}),
		el:     el,
		start:  start,
		stamps: map[string]tuple.Versionstamp{},
	}
}

func (k *demoCheck) at(t time.Time) time.Duration { return t.Sub(k.start) }

// commit feeds one commit. A candidate record whose versionstamp changed is
// a registration that its process adopts.
func (k *demoCheck) commit(info memkv.CommitInfo) {
	at := k.at(time.Now())
	k.c.Commit(at, info)

	cands := k.el.Subspace().Sub("candidates")
	k.mu.Lock()
	defer k.mu.Unlock()
	k.commits++
	for _, m := range info.Mutations {
		var id string
		if m.Kind != memkv.MutationSet || cands.UnpackExact(m.Key, &id) != nil {
			continue
		}
		c, err := election.DecodeCandidate(id, m.Value)
		if err != nil || k.stamps[id] == c.Versionstamp {
			continue
		}
		k.stamps[id] = c.Versionstamp
		k.c.Adopted(at, id, c.Versionstamp)
	}
}

// starting tells the checker that id is about to register (again).
func (k *demoCheck) starting(id string, t time.Time) {
	k.c.Registering(k.at(t), id)
	k.c.Disturb(k.at(t))
}

// disturb records a fault that may delay a takeover.
func (k *demoCheck) disturb(t time.Time) { k.c.Disturb(k.at(t)) }

// crash records the death of id's latest incarnation.
func (k *demoCheck) crash(id string, t time.Time) {
	k.mu.Lock()
	stamp := k.stamps[id]
	k.mu.Unlock()
	k.c.Crash(k.at(t), id, stamp)
}

// belief records that id, registered with stamp, believed it led from
// from to to.
func (k *demoCheck) belief(id string, stamp tuple.Versionstamp, ballot uint64,
	from, to time.Time) {
	k.c.Belief(sim.Belief{Proc: id, Stamp: stamp, From: k.at(from), To: k.at(to),
		Ballot: ballot})
}

// verdict finishes the check and returns the number of commits and the
// verdict.
func (k *demoCheck) verdict() (int, demoVerdict) {
	k.c.Finish(k.at(time.Now()))
	st := k.c.Stats()
	v := demoVerdict{
		OK:      true,
		Checker: "sim.Checker",
		Checked: []string{
			"at most one process believes it leads at any instant",
			"ballots strictly increase across leader record writes",
			"fenced writes commit only under their writer's leadership " +
				"(checked: " + itoa(st.FencedWrites) + ")",
			"a live candidate takes over within lease + heartbeat + skew after a crash " +
				"(failovers: " + itoa(st.Failovers) + ")",
			"claims come from live registered candidates; registrations are not lost",
		},
		Violations: []string{},
	}
	for _, x := range k.c.Violations() {
		v.OK = false
		v.Violations = append(v.Violations, x.String())
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.commits, v
}
