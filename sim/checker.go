package sim

import (
	"bytes"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/subspace"
	"github.com/fdbelect/fdbelect/tuple"
)

// The invariants the Checker verifies, as they appear in Violation.Invariant.
const (
	// InvSingleLeader: at most one process incarnation believes it leads at
	// any true instant.
	InvSingleLeader = "single-leader"

	// InvBallots: every write of the leader record carries a ballot above
	// all earlier ones (a vacant record may keep the ballot); clearing the
	// record resets the ballots and is a violation.
	InvBallots = "ballots"

	// InvFence: a fenced write commits only while the leader record names
	// its writer, with a ballot no older than the writer's.
	InvFence = "fence"

	// InvTakeover: after the leader crashes, a live candidate takes over
	// within the bound.
	InvTakeover = "takeover"

	// InvRegistration: each running incarnation's candidate record holds
	// exactly the versionstamp its Machine adopted, unless evicted.
	InvRegistration = "registration"

	// InvLiveClaim: every claim names a registered candidate whose stored
	// heartbeat was live when the claim was made.
	InvLiveClaim = "live-claim"
)

// Violation is one broken invariant.
type Violation struct {
	// Invariant is one of the Inv constants.
	Invariant string

	// At is the true instant of the violation, relative to the start of the
	// run (or of the feed, for a Checker fed in real time).
	At time.Duration

	// Detail says what happened, naming the processes and records.
	Detail string
}

// String returns the violation on one line.
func (v Violation) String() string {
	return fmt.Sprintf("%v %s: %s", v.At, v.Invariant, v.Detail)
}

// CheckerOptions configure a Checker.
type CheckerOptions struct {
	// Work is the subspace of fenced writes (see WriteFenced).
	Work subspace.Subspace

	// MaxClockSkew is the skew the processes assume; it widens the takeover
	// bound.
	MaxClockSkew time.Duration

	// TakeoverSlack is added to the takeover bound of lease + heartbeat +
	// MaxClockSkew, for latencies, retries and clock drift. Zero disables
	// the takeover check.
	TakeoverSlack time.Duration
}

// CheckStats counts what the Checker saw.
type CheckStats struct {
	// LeaderWrites counts commits that wrote the leader record.
	LeaderWrites int

	// Claims counts leader writes that named a new holder (claims and
	// handoffs).
	Claims int

	// FencedWrites counts committed fenced writes.
	FencedWrites int

	// Failovers counts takeovers after a leader crashed.
	Failovers int

	// MaxTakeover is the longest time from a leader's crash to a new
	// holder's commit.
	MaxTakeover time.Duration

	// TakeoversChecked counts the failovers held to the takeover bound
	// (the others were excused by a disturbance or had no live candidate).
	TakeoversChecked int
}

// Checker verifies the election's invariants from a feed of committed
// writes and of what each process believed. It is safe for concurrent use:
// a real-time demo feeds commits from memkv's OnCommit observer (which runs
// under the commit lock, in commit order) and beliefs from the electors'
// goroutines.
//
// How to feed it: pass Commit every CommitInfo of the database with the
// instant it happened (memkv.Options.OnCommit); pass Adopted when a
// process's Machine adopts its registration and Registering just before it
// registers again; pass Belief for every interval during which an
// incarnation believed it led, with exact ends; pass Crash when a process
// dies; pass DisturbProc for any other fault that hits one process (a
// pause, a restart) and Disturb for one that hits the whole election.
// Config writes count as disturbances of their own accord. Then call
// Finish once with the end instant and read Violations.
//
// The takeover check applies to a crash only if another candidate was
// registered and running when the leader crashed and no disturbance hit it
// or the whole election from one candidate timeout before the crash until
// the bound. A feed that calls Disturb for every fault gets a lenient
// check; one that names the process gets a strict one.
type Checker struct {
	el       *election.Election
	cands    subspace.Subspace
	fenceKey []byte
	opts     CheckerOptions

	mu         sync.Mutex
	leader     *election.LeaderState
	maxBallot  uint64
	lastFence  uint64
	cfg        *election.Config
	cand       map[string]election.Candidate
	removed    map[string]time.Duration // candidate id -> instant its record was cleared
	inc        map[string]*incarnation  // latest incarnation per id
	beliefs    []Belief
	pending    []takeover
	disturbs   []time.Duration            // whole-election disturbances
	procFaults map[string][]time.Duration // per-process disturbances
	maxLease   time.Duration              // longest lease of any config seen
	stats      CheckStats
	violations []Violation
	finished   bool
}

// incarnation is what the Checker knows of one process's current life.
type incarnation struct {
	stamp       tuple.Versionstamp
	adoptedAt   time.Duration
	up          bool
	registering bool
}

// takeover is a leader crash waiting for a successor.
type takeover struct {
	at    time.Duration
	id    string
	stamp tuple.Versionstamp
	bound time.Duration
	live  []string // other processes registered and running at the crash
}

// Belief is an interval of true time during which a process incarnation
// believed it led.
type Belief struct {
	// Proc is the process id.
	Proc string

	// Stamp is the incarnation's registration versionstamp.
	Stamp tuple.Versionstamp

	// From and To bound the interval, [From, To).
	From, To time.Duration

	// Ballot is the ballot the incarnation held when the interval began.
	Ballot uint64
}

// NewChecker returns a Checker for election el.
func NewChecker(el *election.Election, opts CheckerOptions) *Checker {
	return &Checker{
		el:       el,
		cands:    el.Subspace().Sub("candidates"),
		fenceKey: FencedKey(opts.Work),
		opts:     opts,
		cand:     make(map[string]election.Candidate),
		removed:  make(map[string]time.Duration),
		inc:      make(map[string]*incarnation),

		procFaults: make(map[string][]time.Duration),
	}
}

// Add records a violation found outside the Checker.
func (c *Checker) Add(v Violation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.violations = append(c.violations, v)
}

func (c *Checker) violate(at time.Duration, inv, format string, args ...any) {
	c.violations = append(c.violations, Violation{Invariant: inv, At: at,
		Detail: fmt.Sprintf(format, args...)})
}

// Violations returns the violations found so far, in the order found.
func (c *Checker) Violations() []Violation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Violation(nil), c.violations...)
}

// Stats returns what the Checker counted.
func (c *Checker) Stats() CheckStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Adopted records that the incarnation of id registered with stamp is
// running and has adopted stamp.
func (c *Checker) Adopted(at time.Duration, id string, stamp tuple.Versionstamp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inc[id] = &incarnation{stamp: stamp, adoptedAt: at, up: true}
}

// Registering records that the process id is about to register (again):
// its record may change before the next Adopted.
func (c *Checker) Registering(at time.Duration, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if in := c.inc[id]; in != nil {
		in.registering = true
	}
}

// Belief records an interval during which an incarnation believed it led.
func (c *Checker) Belief(b Belief) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b.To > b.From {
		c.beliefs = append(c.beliefs, b)
	}
}

// Disturb records a fault at at, hitting the whole election, that may
// legitimately delay a takeover.
func (c *Checker) Disturb(at time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.disturbs = append(c.disturbs, at)
}

// DisturbProc records a fault at at that hit process id (a pause, its end,
// a restart): id does not count as a live candidate for takeovers whose
// window contains at.
func (c *Checker) DisturbProc(at time.Duration, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.procFaults[id] = append(c.procFaults[id], at)
}

// Crash records that process id, incarnation stamp, died at at. If the
// leader record names it, a takeover is due.
func (c *Checker) Crash(at time.Duration, id string, stamp tuple.Versionstamp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if in := c.inc[id]; in != nil && in.stamp == stamp {
		in.up = false
	}
	c.procFaults[id] = append(c.procFaults[id], at)
	l := c.leader
	if l == nil || l.Vacant() || l.LeaderID != id || l.Versionstamp != stamp ||
		c.cfg == nil || !c.cfg.Enabled {
		return
	}
	t := takeover{at: at, id: id, stamp: stamp, live: c.liveOthersLocked(id, at)}
	if c.opts.TakeoverSlack > 0 {
		// A Machine waits the longest lease it has seen, so the bound does
		// too.
		t.bound = max(c.maxLease, c.cfg.LeaseDuration) + c.cfg.HeartbeatInterval +
			c.opts.MaxClockSkew + c.opts.TakeoverSlack
	}
	c.pending = append(c.pending, t)
}

// liveOthersLocked returns, in order, the processes other than id that are
// up and registered with the record they adopted before at.
func (c *Checker) liveOthersLocked(id string, at time.Duration) []string {
	var live []string
	for _, other := range sortedKeys(c.inc) {
		in := c.inc[other]
		if other == id || !in.up || in.registering || in.adoptedAt > at {
			continue
		}
		if r, ok := c.cand[other]; ok && r.Versionstamp == in.stamp {
			live = append(live, other)
		}
	}
	return live
}

// Commit checks one commit, at the true instant at, against the state the
// earlier commits built, then applies it. Feed every commit that applied,
// in commit order.
func (c *Checker) Commit(at time.Duration, info memkv.CommitInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()

	// The leader record and fenced writes are judged against the state
	// before this commit: a claim also rewrites its candidate record, and
	// what counts is the heartbeat stored when the claim was decided.
	for _, m := range info.Mutations {
		switch {
		case bytes.Equal(m.Key, c.el.LeaderKey()):
			c.leaderLocked(at, m)
		case bytes.Equal(m.Key, c.fenceKey):
			c.fenceLocked(at, m)
		}
	}
	for _, m := range info.Mutations {
		switch {
		case m.Kind == memkv.MutationClearRange:
			c.clearRangeLocked(at, m.Key, m.End)
		case bytes.Equal(m.Key, c.el.ConfigKey()):
			c.configLocked(at, m)
		case c.cands.Contains(m.Key):
			c.candidateLocked(at, m)
		}
	}
}

// clearRangeLocked applies a range clear to the records it covers.
func (c *Checker) clearRangeLocked(at time.Duration, begin, end []byte) {
	in := func(k []byte) bool {
		return bytes.Compare(k, begin) >= 0 && bytes.Compare(k, end) < 0
	}
	if in(c.el.LeaderKey()) {
		c.leaderLocked(at, memkv.Mutation{Kind: memkv.MutationClear, Key: c.el.LeaderKey()})
	}
	for _, id := range sortedKeys(c.cand) {
		key, err := c.el.CandidateKey(id)
		if err == nil && in(key) {
			delete(c.cand, id)
			c.removed[id] = at
		}
	}
}

// leaderLocked checks a write of the leader record: ballots, and for a new
// holder that it is a live registered candidate.
func (c *Checker) leaderLocked(at time.Duration, m memkv.Mutation) {
	c.stats.LeaderWrites++
	if m.Kind != memkv.MutationSet {
		c.violate(at, InvBallots,
			"leader record cleared at ballot %d: the next claim starts again at 1",
			c.maxBallot)
		c.leader = nil
		c.maxBallot = 0
		return
	}
	l, err := election.DecodeLeader(m.Value)
	if err != nil {
		c.violate(at, InvBallots, "leader record does not decode: %v", err)
		return
	}

	switch {
	case l.Vacant() && l.Ballot < c.maxBallot:
		c.violate(at, InvBallots, "vacant record lowers the ballot from %d to %d",
			c.maxBallot, l.Ballot)
	case !l.Vacant() && l.Ballot <= c.maxBallot:
		c.violate(at, InvBallots, "%s writes ballot %d, not above %d", l.LeaderID, l.Ballot,
			c.maxBallot)
	}
	// After a violation the new ballot is the baseline, so that one reset
	// is reported once rather than at every later write.
	c.maxBallot = l.Ballot

	prev := c.leader
	newHolder := !l.Vacant() && (prev == nil || prev.Vacant() ||
		prev.LeaderID != l.LeaderID || prev.Versionstamp != l.Versionstamp)
	if newHolder {
		c.stats.Claims++
		c.claimLocked(at, l)
		c.resolveLocked(at, l)
	}
	c.leader = &l
}

// claimLocked checks that a new holder is a registered candidate whose
// stored heartbeat was live at the claim's own wall clock (the expiry it
// wrote minus the lease).
func (c *Checker) claimLocked(at time.Duration, l election.LeaderState) {
	r, ok := c.cand[l.LeaderID]
	switch {
	case !ok:
		c.violate(at, InvLiveClaim, "%s (ballot %d) claims without a candidate record",
			l.LeaderID, l.Ballot)
	case r.Versionstamp != l.Versionstamp:
		c.violate(at, InvLiveClaim, "%s (ballot %d) claims for registration %s, stored %s",
			l.LeaderID, l.Ballot, l.Versionstamp, r.Versionstamp)
	case c.cfg != nil:
		now := l.LeaseExpiry.Add(-c.cfg.LeaseDuration)
		if !r.Alive(now, c.cfg.CandidateTimeout) {
			c.violate(at, InvLiveClaim,
				"%s (ballot %d) claims with a dead candidate record: heartbeat %v old, timeout %v",
				l.LeaderID, l.Ballot, now.Sub(r.LastHeartbeat), c.cfg.CandidateTimeout)
		}
	}
}

// resolveLocked ends the takeovers that a new holder satisfies.
func (c *Checker) resolveLocked(at time.Duration, l election.LeaderState) {
	keep := c.pending[:0]
	for _, t := range c.pending {
		if t.id == l.LeaderID && t.stamp == l.Versionstamp {
			keep = append(keep, t)
			continue
		}
		d := at - t.at
		c.stats.Failovers++
		c.stats.MaxTakeover = max(c.stats.MaxTakeover, d)
		if t.bound == 0 || !c.takeoverDueLocked(t) {
			continue
		}
		c.stats.TakeoversChecked++
		if d > t.bound {
			c.violate(at, InvTakeover, "%s took over %v after %s crashed, bound %v",
				l.LeaderID, d, t.id, t.bound)
		}
	}
	c.pending = keep
}

// takeoverDueLocked reports whether the bound of t applies: elections
// stayed on, no disturbance hit the whole election, and one of the
// candidates live at the crash was left alone, in the window from one
// candidate timeout before the crash to the bound.
func (c *Checker) takeoverDueLocked(t takeover) bool {
	if c.cfg == nil || !c.cfg.Enabled {
		return false
	}
	from, to := t.at-c.cfg.CandidateTimeout, t.at+t.bound
	hit := func(ds []time.Duration) bool {
		for _, d := range ds {
			if d >= from && d <= to {
				return true
			}
		}
		return false
	}
	if hit(c.disturbs) {
		return false
	}
	for _, id := range t.live {
		if !hit(c.procFaults[id]) {
			return true
		}
	}
	return false
}

// configLocked applies a config write; a config change counts as a
// disturbance.
func (c *Checker) configLocked(at time.Duration, m memkv.Mutation) {
	c.disturbs = append(c.disturbs, at)
	if m.Kind != memkv.MutationSet {
		c.cfg = nil
		return
	}
	cfg, err := election.DecodeConfig(m.Value)
	if err != nil {
		c.cfg = nil
		return
	}
	c.cfg = &cfg
	c.maxLease = max(c.maxLease, cfg.LeaseDuration)
}

// fenceLocked checks a fenced write against the leader record it commits
// under.
func (c *Checker) fenceLocked(at time.Duration, m memkv.Mutation) {
	if m.Kind != memkv.MutationSet {
		return
	}
	c.stats.FencedWrites++
	f, err := decodeFenced(m.Value)
	if err != nil {
		c.violate(at, InvFence, "fenced write does not decode: %v", err)
		return
	}
	l := c.leader
	switch {
	case l == nil || l.Vacant():
		c.violate(at, InvFence, "%s (ballot %d) commits a fenced write with no leader",
			f.id, f.ballot)
	case l.LeaderID != f.id || l.Versionstamp != f.stamp:
		c.violate(at, InvFence, "%s (ballot %d) commits a fenced write while %s leads (ballot %d)",
			f.id, f.ballot, l.LeaderID, l.Ballot)
	case f.ballot > l.Ballot:
		c.violate(at, InvFence, "%s writes token %d above the record's ballot %d",
			f.id, f.ballot, l.Ballot)
	case f.ballot < c.lastFence:
		c.violate(at, InvFence, "%s writes token %d after token %d: tokens went back",
			f.id, f.ballot, c.lastFence)
	}
	c.lastFence = f.ballot
}

// candidateLocked applies a write of a candidate record.
func (c *Checker) candidateLocked(at time.Duration, m memkv.Mutation) {
	var id string
	if err := c.cands.UnpackExact(m.Key, &id); err != nil {
		return
	}
	if m.Kind != memkv.MutationSet {
		delete(c.cand, id)
		c.removed[id] = at
		return
	}
	r, err := election.DecodeCandidate(id, m.Value)
	if err != nil {
		c.violate(at, InvRegistration, "candidate record of %s does not decode: %v", id, err)
		return
	}
	c.cand[id] = r
}

// Finish runs the checks that need the whole run, at its end instant:
// overlapping beliefs, takeovers still pending, and registrations. Later
// calls do nothing.
func (c *Checker) Finish(end time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.finished {
		return
	}
	c.finished = true

	c.overlapsLocked()
	for _, t := range c.pending {
		if t.bound > 0 && end-t.at > t.bound && c.takeoverDueLocked(t) {
			c.violate(t.at+t.bound, InvTakeover, "nobody took over from %s within %v",
				t.id, t.bound)
		}
	}
	c.registrationsLocked(end)
	sort.SliceStable(c.violations, func(i, j int) bool {
		return c.violations[i].At < c.violations[j].At
	})
}

// overlapsLocked reports every pair of beliefs of different incarnations
// that share an instant.
func (c *Checker) overlapsLocked() {
	bs := append([]Belief(nil), c.beliefs...)
	sort.Slice(bs, func(i, j int) bool {
		if bs[i].From != bs[j].From {
			return bs[i].From < bs[j].From
		}
		if bs[i].Proc != bs[j].Proc {
			return bs[i].Proc < bs[j].Proc
		}
		return bytes.Compare(bs[i].Stamp.Bytes(), bs[j].Stamp.Bytes()) < 0
	})
	var open []Belief // intervals that may still overlap later ones
	for _, b := range bs {
		keep := open[:0]
		for _, o := range open {
			if o.To > b.From {
				keep = append(keep, o)
			}
		}
		open = keep
		for _, o := range open {
			if o.Proc != b.Proc || o.Stamp != b.Stamp {
				c.violate(b.From, InvSingleLeader,
					"%s (ballot %d) believes it leads from %v while %s (ballot %d) does until %v",
					b.Proc, b.Ballot, b.From, o.Proc, o.Ballot, o.To)
			}
		}
		open = append(open, b)
	}
}

// registrationsLocked checks that every running, settled incarnation's
// record holds the versionstamp it adopted, or was removed after it.
func (c *Checker) registrationsLocked(end time.Duration) {
	for _, id := range sortedKeys(c.inc) {
		in := c.inc[id]
		if !in.up || in.registering {
			continue
		}
		r, ok := c.cand[id]
		switch {
		case !ok:
			if at, gone := c.removed[id]; !gone || at < in.adoptedAt {
				c.violate(end, InvRegistration, "%s adopted %s but has no candidate record",
					id, in.stamp)
			}
		case r.Versionstamp != in.stamp:
			c.violate(end, InvRegistration, "%s adopted %s but its record holds %s",
				id, in.stamp, r.Versionstamp)
		}
	}
}

// sortedKeys returns m's keys in order, so that iteration is deterministic.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
