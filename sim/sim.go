package sim

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/fdbelect/fdbelect/clock"
	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/subspace"
)

// Result is the outcome of one run.
type Result struct {
	// Seed and Config are what the run was given.
	Seed   int64
	Config Config

	// Hash is the hex SHA-256 of the canonical history: two runs with the
	// same Hash did the same thing at the same instants.
	Hash string

	// Violations are the broken invariants, ordered by instant. A run
	// passes when it has none.
	Violations []Violation

	// Stats counts what happened.
	Stats Stats

	// History is every recorded event in true-time order.
	History []Event

	// Electors are the process ids, one timeline lane each.
	Electors []string

	// Beliefs are the intervals during which incarnations believed they
	// led, in the order they ended.
	Beliefs []Belief

	// Marks are the discrete faults, in the order injected.
	Marks []Mark
}

// Stats counts what a run did.
type Stats struct {
	// VirtualTime is the simulated time covered.
	VirtualTime time.Duration

	// Cycles counts election cycles started, retries included.
	Cycles int

	// Commits counts commits with writes that applied; FailedCommits the
	// commits that returned an error (some of which applied).
	Commits       int
	FailedCommits int

	// Elections counts leader-record writes naming a new holder; Failovers
	// those that followed a leader's crash; MaxTakeover is the longest of
	// those takeovers.
	Elections   int
	Failovers   int
	MaxTakeover time.Duration

	// TakeoversChecked counts the failovers held to the takeover bound;
	// the others had a disturbance in their window or no live candidate.
	TakeoversChecked int

	// FencedWrites counts fenced writes that committed; FenceRejected those
	// refused by the fence or failed at commit.
	FencedWrites  int
	FenceRejected int

	// BusyWakes counts cycles after which the Machine asked to run again at
	// once without having written anything (see doc.go, Limits); the
	// simulator waits a heartbeat instead.
	BusyWakes int

	// Injected faults.
	Crashes           int
	Pauses            int
	Resignations      int
	PriorityChanges   int
	ConfigChanges     int
	Evictions         int
	InjectedConflicts int
	InjectedUnknown   int
}

// FaultsInjected returns the total number of injected faults.
func (s Stats) FaultsInjected() int {
	return s.Crashes + s.Pauses + s.Resignations + s.PriorityChanges + s.ConfigChanges +
		s.InjectedConflicts + s.InjectedUnknown
}

// Passed reports whether the run found no violation.
func (r *Result) Passed() bool { return len(r.Violations) == 0 }

// Run simulates cfg and checks the invariants. It is deterministic: the
// same cfg gives the same Result, byte for byte. It fails only on an
// invalid cfg; violations are reported in the Result.
func Run(cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	w := newWorld(cfg)
	if err := w.start(); err != nil {
		return nil, err
	}
	w.run()
	return w.finish(), nil
}

// newWorld builds the database, the checker and the processes of a run.
func newWorld(cfg Config) *world {
	seed := uint64(cfg.Seed)
	w := &world{
		cfg:  cfg,
		rng:  rand.New(rand.NewPCG(seed, 0x243f6a8885a308d3)),
		frng: rand.New(rand.NewPCG(seed, 0x13198a2e03707344)),
		clk:  clock.NewFake(epoch),
		el:   election.New(subspace.Sub("sim", "election")),
		work: subspace.Sub("sim", "work"),
	}
	w.db = memkv.New(memkv.Options{
		Clock:       w.clk,
		Seed:        cfg.Seed,
		CommitFault: w.commitFault,
		OnCommit:    w.onCommit,
	})
	slack := cfg.MaxClockSkew + 10*(cfg.ReadLatency+cfg.CommitLatency) +
		2*cfg.Lease*time.Duration(cfg.MaxDriftPPM)/1_000_000 + 250*time.Millisecond
	w.chk = NewChecker(w.el, CheckerOptions{Work: w.work, MaxClockSkew: cfg.MaxClockSkew,
		TakeoverSlack: slack})
	for i := range cfg.Electors {
		p := &proc{idx: i, id: fmt.Sprintf("p%d", i+1)}
		if cfg.Faults.Preempt {
			p.priority = int32(w.rng.IntN(3))
		}
		w.procs = append(w.procs, p)
	}
	return w
}

// start checks that the Machines accept the options, writes the initial
// config and boots every process within the first 100 ms.
func (w *world) start() error {
	if _, err := election.NewMachine(w.el, w.procs[0].id, w.machineOptions(0)); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	w.admin.lease = w.cfg.Lease
	tr := w.db.CreateTransaction()
	if err := w.el.Initialize(tr, w.electionConfig(w.cfg.Lease)); err != nil {
		return fmt.Errorf("%w: initial election config: %w", ErrInvalidConfig, err)
	}
	if err := w.commit(adminID, tr); err != nil {
		return fmt.Errorf("sim: initializing the election: %w", err)
	}
	for _, p := range w.procs {
		w.at(w.uniform(0, 100*time.Millisecond), -1, func() { w.boot(p) })
	}
	if kinds := w.discrete(); len(kinds) > 0 {
		w.scheduleChaos(kinds)
	}
	return nil
}

// finish closes what is open, runs the end-of-run checks and builds the
// Result.
func (w *world) finish() *Result {
	end := w.cfg.Duration
	for _, p := range w.procs {
		if p.belief != nil {
			w.closeBelief(p, min(end, w.trueAt(p, p.beliefDeadline)))
		}
	}
	w.chk.Finish(end)

	cs := w.chk.Stats()
	w.stats.VirtualTime = end
	w.stats.Elections = cs.Claims
	w.stats.Failovers = cs.Failovers
	w.stats.MaxTakeover = cs.MaxTakeover
	w.stats.TakeoversChecked = cs.TakeoversChecked
	w.stats.FencedWrites = cs.FencedWrites

	r := &Result{Seed: w.cfg.Seed, Config: w.cfg, Violations: w.chk.Violations(),
		Stats: w.stats, History: w.hist, Beliefs: w.beliefs, Marks: w.marks}
	for _, p := range w.procs {
		r.Electors = append(r.Electors, p.id)
	}
	r.Hash = hashHistory(r.History)
	return r
}

// onCommit feeds the checker and the history, under the commit lock.
func (w *world) onCommit(info memkv.CommitInfo) {
	w.stats.Commits++
	w.chk.Commit(w.now, info)
	who := w.committer
	for _, m := range info.Mutations {
		if s := w.describe(m); s != "" {
			w.record(who, "commit v%d: %s", info.Version, s)
		}
	}
}

// describe renders a mutation of the election or the fenced key for the
// history.
func (w *world) describe(m memkv.Mutation) string {
	cands := w.el.Subspace().Sub("candidates")
	switch {
	case m.Kind == memkv.MutationClearRange:
		return fmt.Sprintf("clear range %x..%x", m.Key, m.End)
	case bytes.Equal(m.Key, w.el.LeaderKey()):
		if m.Kind == memkv.MutationClear {
			return "leader record cleared"
		}
		l, err := election.DecodeLeader(m.Value)
		if err != nil {
			return "leader record: " + err.Error()
		}
		if l.Vacant() {
			return fmt.Sprintf("leader vacant ballot=%d", l.Ballot)
		}
		return fmt.Sprintf("leader %s ballot=%d expiry=%s prio=%d", l.LeaderID, l.Ballot,
			fmtAt(l.LeaseExpiry.Sub(epoch)), l.Priority)
	case bytes.Equal(m.Key, w.el.ConfigKey()):
		c, err := election.DecodeConfig(m.Value)
		if err != nil {
			return "config: " + err.Error()
		}
		return fmt.Sprintf("config lease=%v enabled=%t", c.LeaseDuration, c.Enabled)
	case bytes.Equal(m.Key, FencedKey(w.work)):
		f, err := decodeFenced(m.Value)
		if err != nil {
			return "fenced: " + err.Error()
		}
		return fmt.Sprintf("fenced write by %s token=%d", f.id, f.ballot)
	case cands.Contains(m.Key):
		var id string
		if err := cands.UnpackExact(m.Key, &id); err != nil {
			return "candidate key: " + err.Error()
		}
		if m.Kind == memkv.MutationClear {
			return "candidate " + id + " removed"
		}
		c, err := election.DecodeCandidate(id, m.Value)
		if err != nil {
			return "candidate " + id + ": " + err.Error()
		}
		return fmt.Sprintf("candidate %s hb=%s stamp=%s prio=%d", id,
			fmtAt(c.LastHeartbeat.Sub(epoch)), shortStamp(c.Versionstamp.String()), c.Priority)
	}
	return ""
}

// shortStamp trims the leading zeros of a versionstamp's text.
func shortStamp(s string) string {
	t := strings.TrimLeft(s, "0")
	if t == "" || t[0] == ':' {
		return "0" + t
	}
	return t
}
