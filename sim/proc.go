package sim

import (
	"errors"
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/tuple"
)

// Retry timing, the same as the Elector's and kv's retry loops.
const (
	minElectorDelay = 25 * time.Millisecond
	heartbeatJitter = 0.1
	fencePauseRate  = 0.05 // share of fenced writes stalled before their commit
)

// proc is one simulated process: an id that keeps campaigning through
// crashes, with the Machine of its current incarnation and its clocks.
type proc struct {
	idx   int
	id    string
	inc   int // event generation, bumped by every boot and crash
	lives int // incarnations started
	up    bool
	m     *election.Machine

	priority int32
	boot     time.Duration // true instant the incarnation started
	ppm      int64         // clock rate error, parts per million
	offset   time.Duration // wall-clock error at true time zero

	pausedUntil time.Duration
	busy        bool // an election transaction is in flight
	working     bool // a fenced write is in flight
	wakePending bool // a wake-up came while busy
	wakeSeq     uint64
	watches     [3]kv.FutureNil
	inflight    []*memkv.Txn
	req         election.Request

	attemptStart time.Duration // first attempt of the logical transaction
	retrying     bool
	backoff      time.Duration // kv-style backoff of the current transaction
	errDelay     time.Duration // Elector-style delay after a failed cycle

	belief         *Belief       // open belief interval
	beliefDeadline time.Duration // monotonic deadline of the open belief
	stamp          tuple.Versionstamp
}

// mono returns p's monotonic reading at true instant t.
func (w *world) mono(p *proc, t time.Duration) time.Duration {
	return scale(t-p.boot, p.ppm)
}

// wall returns p's wall reading at true instant t: true time plus a drift
// and an offset, kept within the spread bound the way a disciplined clock
// stays within its error bound.
func (w *world) wall(p *proc, t time.Duration) time.Time {
	dev := p.offset + scale(t, p.ppm) - t
	bound := w.wallBound()
	dev = min(max(dev, -bound), bound)
	return epoch.Add(t + dev)
}

// wallBound is how far a wall clock may stray from true time.
func (w *world) wallBound() time.Duration {
	if !w.cfg.Faults.Skew {
		return 0
	}
	return time.Duration(w.cfg.ClockSpread * float64(w.cfg.MaxClockSkew) / 2)
}

// reading returns both of p's clocks at true instant t.
func (w *world) reading(p *proc, t time.Duration) election.Reading {
	return election.Reading{Mono: w.mono(p, t), Wall: w.wall(p, t)}
}

// trueAt returns the true instant at which p's monotonic clock reaches m.
func (w *world) trueAt(p *proc, m time.Duration) time.Duration {
	return p.boot + unscale(m, p.ppm)
}

// boot starts a new incarnation of p.
func (w *world) boot(p *proc) {
	p.inc++
	p.lives++
	p.up = true
	p.boot = w.now
	p.pausedUntil = 0
	p.busy, p.working, p.wakePending, p.retrying = false, false, false, false
	p.req = election.Request{}
	p.stamp = tuple.Versionstamp{}
	p.errDelay = 0
	if w.cfg.Faults.Drift && w.cfg.MaxDriftPPM > 0 {
		p.ppm = w.rng.Int64N(2*w.cfg.MaxDriftPPM+1) - w.cfg.MaxDriftPPM
	}
	if b := w.wallBound(); b > 0 {
		// Half of the clocks sit at an edge of the bound, where the
		// takeover rules are tested hardest.
		switch w.rng.IntN(4) {
		case 0:
			p.offset = -b
		case 1:
			p.offset = b
		default:
			p.offset = w.uniform(-b, b)
		}
	}
	m, err := election.NewMachine(w.el, p.id, w.machineOptions(p.priority))
	if err != nil {
		// start checked these options with a valid id: unreachable.
		panic(fmt.Sprintf("sim: NewMachine: %v", err))
	}
	p.m = m
	w.record(p.id, "boot incarnation %d (drift %+d ppm, wall offset %v)", p.lives, p.ppm,
		p.offset)
	w.wake(p, w.now)
	w.at(w.now+w.uniform(0, w.cfg.FenceInterval), p.idx, func() { w.workTick(p) })
}

// machineOptions returns the options of every Machine of the run.
func (w *world) machineOptions(priority int32) election.MachineOptions {
	return election.MachineOptions{
		Priority:      priority,
		MaxClockSkew:  w.cfg.MaxClockSkew,
		ResignHoldoff: w.cfg.ResignHoldoff,
		Flaws:         w.cfg.Flaws,
	}
}

// wake asks for a cycle of p at true instant t, unless one is due sooner.
func (w *world) wake(p *proc, t time.Duration) {
	p.wakeSeq++
	seq := p.wakeSeq
	w.at(t, p.idx, func() {
		if seq != p.wakeSeq {
			return
		}
		if p.busy {
			p.wakePending = true
			return
		}
		w.startCycle(p)
	})
}

// nudge wakes p at t if that is sooner than its planned wake-up: a watch
// fired or a request arrived.
func (w *world) nudge(p *proc, t time.Duration) {
	if p.busy {
		p.wakePending = true
		return
	}
	w.wake(p, t)
}

// begin creates a transaction of p that a crash cancels.
func (w *world) begin(p *proc) *memkv.Txn {
	tr := w.db.CreateTransaction()
	p.inflight = append(p.inflight, tr)
	return tr
}

// end forgets a transaction of p.
func (w *world) end(p *proc, tr *memkv.Txn) {
	for i, x := range p.inflight {
		if x == tr {
			p.inflight = append(p.inflight[:i], p.inflight[i+1:]...)
			return
		}
	}
}

// commit commits tr on behalf of who, then wakes the owners of watches
// that fired.
func (w *world) commit(who string, tr *memkv.Txn) error {
	err := w.commitOnly(who, tr)
	w.afterCommit()
	return err
}

// commitOnly commits tr on behalf of who. The caller must call afterCommit
// once its own watches are in place.
func (w *world) commitOnly(who string, tr *memkv.Txn) error {
	w.committer = who
	err := tr.Commit()
	w.committer = ""
	if err != nil {
		w.stats.FailedCommits++
	}
	return err
}

// afterCommit wakes the owners of watches that fired, after a notification
// delay.
func (w *world) afterCommit() {
	for _, p := range w.procs {
		if !p.up {
			continue
		}
		fired := false
		for i, f := range p.watches {
			if f != nil && f.IsReady() {
				p.watches[i] = nil
				fired = true
			}
		}
		if fired {
			w.nudge(p, w.now+w.readLatency())
		}
	}
}

// startCycle runs the Machine's cycle in a transaction that reads at the
// current instant; its commit follows after the read and commit latencies.
func (w *world) startCycle(p *proc) {
	p.busy = true
	if !p.retrying {
		p.attemptStart = w.now
		p.backoff = kv.MinBackoff
	}
	w.stats.Cycles++

	tr := w.begin(p)
	if cfg, ok := p.m.Config(); ok {
		tr.SetTimeout(cfg.HeartbeatInterval)
	}
	t0, rl := w.now, w.readLatency()
	calls := 0
	clk := func() election.Reading {
		calls++
		if calls == 1 {
			return w.reading(p, t0)
		}
		return w.reading(p, t0+rl)
	}
	req := p.req
	p.req = election.Request{}

	plan, err := p.m.Cycle(tr, clk, req)
	w.syncBelief(p, t0+rl)
	if err != nil {
		tr.Cancel()
		w.end(p, tr)
		w.at(t0+rl, p.idx, func() { w.cycleDone(p, plan, err) })
		return
	}
	ws := [3]kv.FutureNil{tr.Watch(w.el.LeaderKey()), tr.Watch(w.el.ConfigKey())}
	if plan.Action == election.ActClaim || plan.Action == election.ActRefresh {
		ws[2] = tr.Watch(w.el.HandoffKey())
	}
	w.at(t0+rl+w.commitLatency(), p.idx, func() { w.commitCycle(p, tr, plan, ws) })
}

// commitCycle commits a cycle and retries it the way kv's retry loop
// would: a retryable error runs the cycle again in a fresh transaction
// after a jittered backoff, until the heartbeat interval has passed.
func (w *world) commitCycle(p *proc, tr *memkv.Txn, plan election.Plan, ws [3]kv.FutureNil) {
	// The watches of the previous cycle are replaced before anyone is
	// woken, so that this cycle's own write does not wake its process.
	err := w.commitOnly(p.id, tr)
	w.end(p, tr)
	defer w.afterCommit()
	if err != nil {
		for _, f := range ws {
			if f != nil {
				f.Cancel()
			}
		}
		if w.retry(p, err) {
			return
		}
	} else {
		for _, f := range p.watches {
			if f != nil {
				f.Cancel()
			}
		}
		p.watches = ws
	}
	w.cycleDone(p, plan, err)
}

// retry schedules another attempt of p's cycle after a retryable error and
// reports whether it did.
func (w *world) retry(p *proc, err error) bool {
	budget := time.Second
	if cfg, ok := p.m.Config(); ok {
		budget = cfg.HeartbeatInterval
	}
	if !kv.IsRetryable(err) || w.now-p.attemptStart >= budget {
		return false
	}
	d := kv.MinBackoff
	if code, _ := kv.Code(err); code != kv.CodeTransactionTooOld {
		d = time.Duration(w.rng.Float64() * float64(p.backoff))
		p.backoff = min(2*p.backoff, kv.MaxBackoff)
	}
	w.record(p.id, "retry after %v: %v", d, err)
	p.retrying = true
	p.busy = false
	w.wake(p, w.now+d)
	return true
}

// cycleDone reports the outcome to the Machine, as the Elector does after
// its transaction returns, and moves on: registration, eviction, or sleep
// until the next wake-up.
func (w *world) cycleDone(p *proc, plan election.Plan, err error) {
	p.retrying = false
	p.m.Finish(plan, err, w.reading(p, w.now))
	w.syncBelief(p, w.now)
	if p.m.Superseded() {
		w.chk.Add(Violation{Invariant: InvRegistration, At: w.now,
			Detail: p.id + " was superseded although no other process uses its id"})
		w.record(p.id, "superseded: stops")
		p.busy = false
		return
	}
	if err != nil && !errors.Is(err, election.ErrNotInitialized) {
		w.record(p.id, "cycle failed: %v", err)
		p.errDelay = w.electorDelay(p)
		p.busy = false
		w.wake(p, w.now+p.errDelay)
		return
	}
	p.errDelay = 0
	if plan.Action != election.ActNone || plan.Leader != nil {
		w.record(p.id, "%s: %s", plan.Action, plan.Reason)
	}

	switch {
	case plan.Action == election.ActRegister:
		w.startRegister(p)
	case w.cfg.Faults.Evict && p.m.EvictDue(w.mono(p, w.now)):
		w.startEvict(p)
	default:
		w.sleepAfter(p, plan)
	}
}

// sleepAfter is sleep after a committed cycle. A cycle that wrote nothing
// and whose Machine still wants to run again at once (NextWake not in the
// future) would run in a loop with no delay, as the Elector's loop does
// while elections are disabled and the record's lease is past; the
// simulator waits a heartbeat instead and counts the occurrence.
func (w *world) sleepAfter(p *proc, plan election.Plan) {
	cfg, ok := p.m.Config()
	idle := plan.Action == election.ActNone && !plan.Heartbeat && ok
	if idle && !p.wakePending && p.m.NextWake(w.reading(p, w.now)) <= w.mono(p, w.now) {
		w.stats.BusyWakes++
		p.busy = false
		w.wake(p, w.now+cfg.HeartbeatInterval)
		return
	}
	w.sleep(p)
}

// electorDelay doubles the delay after a failed cycle, from 25 ms up to a
// heartbeat interval, as the Elector does.
func (w *world) electorDelay(p *proc) time.Duration {
	ceiling := time.Second
	if cfg, ok := p.m.Config(); ok {
		ceiling = cfg.HeartbeatInterval
	}
	return min(max(2*p.errDelay, minElectorDelay), ceiling)
}

// sleep ends p's transaction and schedules its next cycle at the Machine's
// next wake-up, up to 10% of a heartbeat early, or at once if something
// woke it meanwhile.
func (w *world) sleep(p *proc) {
	p.busy = false
	if p.wakePending {
		p.wakePending = false
		w.wake(p, w.now)
		return
	}
	r := w.reading(p, w.now)
	next := w.trueAt(p, p.m.NextWake(r))
	if cfg, ok := p.m.Config(); ok && next > w.now {
		jit := time.Duration(w.rng.Float64() * heartbeatJitter * float64(cfg.HeartbeatInterval))
		next = max(next-jit, w.now)
	}
	w.wake(p, next)
}

// startRegister commits p's registration in a transaction of its own.
func (w *world) startRegister(p *proc) {
	w.chk.Registering(w.now, p.id)
	if !p.retrying {
		p.attemptStart = w.now
		p.backoff = kv.MinBackoff
	}
	tr := w.begin(p)
	stampF := tr.GetVersionstamp()
	if err := p.m.Register(tr, w.reading(p, w.now)); err != nil {
		tr.Cancel()
		w.end(p, tr)
		w.cycleDone(p, election.Plan{}, err)
		return
	}
	w.at(w.now+w.readLatency()+w.commitLatency(), p.idx, func() {
		err := w.commit(p.id, tr)
		w.end(p, tr)
		if err != nil {
			if kv.IsRetryable(err) && w.now-p.attemptStart < time.Second {
				d := time.Duration(w.rng.Float64() * float64(p.backoff))
				p.backoff = min(2*p.backoff, kv.MaxBackoff)
				w.record(p.id, "registration retry after %v: %v", d, err)
				p.retrying = true
				w.at(w.now+d, p.idx, func() { w.startRegister(p) })
				return
			}
			p.retrying = false
			w.record(p.id, "registration failed: %v", err)
			p.errDelay = w.electorDelay(p)
			p.busy = false
			w.wake(p, w.now+p.errDelay)
			return
		}
		p.retrying = false
		committed, err := stampF.Get()
		if err != nil {
			w.record(p.id, "registration versionstamp unavailable: %v", err)
			p.errDelay = w.electorDelay(p)
			p.busy = false
			w.wake(p, w.now+p.errDelay)
			return
		}
		w.loadRegistration(p, committed)
	})
}

// loadRegistration checks that the record carries the versionstamp of the
// registration's commit and adopts it, then runs the next cycle at once, as
// the Elector does.
func (w *world) loadRegistration(p *proc, committed []byte) {
	tr := w.db.CreateTransaction()
	stamp, err := p.m.LoadRegistration(tr, committed)
	tr.Cancel()
	w.at(w.now+w.readLatency(), p.idx, func() {
		if err != nil {
			w.record(p.id, "loading registration failed: %v", err)
			p.errDelay = w.electorDelay(p)
			p.busy = false
			w.wake(p, w.now+p.errDelay)
			return
		}
		p.stamp = stamp
		w.chk.Adopted(w.now, p.id, stamp)
		w.record(p.id, "adopted registration %s", stamp)
		p.busy = false
		w.wake(p, w.now)
	})
}

// startEvict removes dead candidates, as the leading Elector does once per
// candidate timeout.
func (w *world) startEvict(p *proc) {
	tr := w.begin(p)
	n, err := w.el.EvictDeadCandidates(tr, w.wall(p, w.now))
	if err != nil {
		tr.Cancel()
		w.end(p, tr)
		w.sleep(p)
		return
	}
	w.at(w.now+w.readLatency()+w.commitLatency(), p.idx, func() {
		err := w.commit(p.id, tr)
		w.end(p, tr)
		if err == nil {
			p.m.Evicted(w.mono(p, w.now))
			if n > 0 {
				w.stats.Evictions += n
				w.record(p.id, "evicted %d dead candidates", n)
			}
		}
		w.sleep(p)
	})
}

// workTick runs a fenced write if p believes it leads, then schedules the
// next tick.
func (w *world) workTick(p *proc) {
	w.at(w.now+w.cfg.FenceInterval, p.idx, func() { w.workTick(p) })
	if p.working || !p.m.Leading(w.mono(p, w.now)) {
		return
	}

	tr := w.begin(p)
	if err := p.m.Fence(tr, w.mono(p, w.now)); err != nil {
		tr.Cancel()
		w.end(p, tr)
		w.stats.FenceRejected++
		return
	}
	ballot := p.m.Ballot()
	if err := WriteFenced(tr, w.work, p.id, p.stamp, ballot); err != nil {
		tr.Cancel()
		w.end(p, tr)
		return
	}
	p.working = true
	if w.cfg.Faults.Pause && w.rng.Float64() < fencePauseRate {
		w.pause(p, "between a fenced write's reads and its commit")
	}
	w.at(w.now+w.readLatency()+w.commitLatency(), p.idx, func() {
		err := w.commit(p.id, tr)
		w.end(p, tr)
		p.working = false
		if err != nil {
			w.stats.FenceRejected++
			w.record(p.id, "fenced write (token %d) failed: %v", ballot, err)
		}
	})
}

// syncBelief brings p's recorded belief up to date with its Machine, after
// a call that may have changed it; at is the true instant of the change.
func (w *world) syncBelief(p *proc, at time.Duration) {
	deadline, active := p.m.Deadline()
	if b := p.belief; b != nil {
		end := w.trueAt(p, p.beliefDeadline)
		switch {
		case !active:
			w.closeBelief(p, min(at, end))
		case end <= at:
			w.closeBelief(p, end)
		default:
			p.beliefDeadline = deadline
		}
	}
	if p.belief == nil && active && p.m.Leading(w.mono(p, at)) {
		p.belief = &Belief{Proc: p.id, Stamp: p.stamp, From: at, Ballot: p.m.Ballot()}
		p.beliefDeadline = deadline
		w.record(p.id, "believes it leads (ballot %d) until mono %v", p.m.Ballot(), deadline)
	}
}

// closeBelief ends p's open belief at true instant t, or earlier if its
// deadline passed before t.
func (w *world) closeBelief(p *proc, t time.Duration) {
	b := p.belief
	if b == nil {
		return
	}
	b.To = max(min(t, w.trueAt(p, p.beliefDeadline)), b.From)
	p.belief = nil
	w.beliefs = append(w.beliefs, *b)
	w.chk.Belief(*b)
	w.hist = append(w.hist, Event{At: w.now, Proc: p.id,
		What: fmt.Sprintf("belief (ballot %d) ended at %s", b.Ballot, fmtAt(b.To))})
}
