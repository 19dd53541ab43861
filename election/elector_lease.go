package election

import (
	"context"
	"time"
)

// publish makes the outcome of a cycle visible to other goroutines and
// sends the events it implies. Only the Run goroutine calls it.
func (e *Elector) publish(plan Plan, err error) {
	if err != nil {
		if plan.Action == ActRefresh {
			e.opts.Metrics.refreshFailed(e.id)
		}
		// Decide may have ended leadership before the commit failed (a
		// handoff or resignation under way, a record taken over).
		if !e.m.Leading(e.clk.Mono()) {
			e.transition(plan, demotionReason(plan))
		}
		return
	}

	e.transition(plan, demotionReason(plan))
	if cfg, ok := e.m.Config(); ok {
		e.mu.Lock()
		e.pub.cfg, e.pub.hasCfg = cfg, true
		e.mu.Unlock()
	}
	e.observe()
}

// transition compares the Machine's leadership with what was published and
// sends Elected or Demoted accordingly.
func (e *Elector) transition(plan Plan, reason string) {
	now := e.clk.Mono()
	leading := e.m.Leading(now)
	deadline, _ := e.m.Deadline()

	e.mu.Lock()
	defer e.mu.Unlock()
	was := e.pub.leading
	e.pub.deadline = deadline
	if leading {
		e.pub.ballot = e.m.Ballot()
	}
	e.wakeGuardLocked()

	switch {
	case leading && !was:
		e.electedLocked(plan)
	case !leading && was:
		e.demotedLocked(reason)
	}
	if leading {
		e.opts.Metrics.setBallot(e.id, e.pub.ballot)
	}
}

// electedLocked starts a new term: a fresh leadership context and an
// Elected event.
func (e *Elector) electedLocked(plan Plan) {
	e.term++
	e.pub.leading = true
	ctx, cancel := context.WithCancel(context.Background())
	e.leaderCancel = cancel

	l := *plan.Leader
	e.log.Info("elected", logBallot, l.Ballot, logReason, plan.Reason)
	e.opts.Metrics.elected(e.id, l.Ballot, e.takeoverTime(plan))
	e.events.push(Event{Kind: Elected, Leader: l, HasLeader: true, At: e.clk.Now()}, ctx)
}

// demotedLocked ends the term: the leadership context is cancelled before
// the Demoted event is sent.
func (e *Elector) demotedLocked(reason string) {
	e.pub.leading = false
	if e.leaderCancel != nil {
		e.leaderCancel()
		e.leaderCancel = nil
	}
	e.log.Info("demoted", logReason, reason)
	e.opts.Metrics.demoted(e.id)
	e.events.push(Event{Kind: Demoted, Reason: reason, Leader: e.pub.observed,
		HasLeader: e.pub.hasObserved, At: e.clk.Now()}, nil)
}

// takeoverTime is how long the election was without a usable leader as
// this process saw it: from the first observation of the record it
// replaced to now, roughly. It is zero for a refresh of its own record.
func (e *Elector) takeoverTime(plan Plan) time.Duration {
	if plan.Action != ActClaim {
		return 0
	}
	return plan.Waited + e.clk.Mono() - plan.Start.Mono
}

// observe publishes the leader record the Machine last saw and sends
// LeaderChanged when its holder changed.
func (e *Elector) observe() {
	l, ok := e.m.Observed()
	if ok && l.Vacant() {
		ok = false
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	prev, had := e.pub.observed, e.pub.hasObserved
	e.pub.observed, e.pub.hasObserved = l, ok
	if had == ok && (!ok || (prev.LeaderID == l.LeaderID && prev.Versionstamp == l.Versionstamp)) {
		return
	}
	if ok {
		e.log.Info("leader changed", logLeader, l.LeaderID, logBallot, l.Ballot)
	} else {
		e.log.Info("leader changed", logLeader, "")
	}
	e.events.push(Event{Kind: LeaderChanged, Leader: l, HasLeader: ok, At: e.clk.Now()}, nil)
}

// demotionReason names why a plan ended leadership: the decision's own
// reason, or the lease deadline when the decision did not end it.
func demotionReason(plan Plan) string {
	if plan.Lost != "" {
		return plan.Lost
	}
	return "lease deadline passed"
}

func (e *Elector) wakeGuardLocked() {
	select {
	case e.guardWake <- struct{}{}:
	default:
	}
}

// guard ends leadership at its deadline even while the Run goroutine is
// stuck in a slow transaction: the OnElected context is cancelled and
// Demoted sent the moment leadership can no longer be proven.
func (e *Elector) guard(stop <-chan struct{}) {
	for {
		e.mu.Lock()
		leading, deadline := e.pub.leading, e.pub.deadline
		e.mu.Unlock()

		if !e.guardWait(leading, deadline, stop) {
			return
		}
	}
}

// guardWait waits for the deadline (when leading), a change of it, or stop,
// and reports false on stop.
func (e *Elector) guardWait(leading bool, deadline time.Duration, stop <-chan struct{}) bool {
	var fire <-chan time.Time
	if leading {
		t := e.clk.NewTimer(deadline - e.clk.Mono())
		defer t.Stop()
		fire = t.C()
	}

	select {
	case <-fire:
		e.expire()
	case <-e.guardWake:
	case <-stop:
		return false
	}
	return true
}

// expire demotes if the published deadline has passed.
func (e *Elector) expire() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.pub.leading && e.clk.Mono() >= e.pub.deadline {
		e.demotedLocked("lease deadline passed")
	}
}
