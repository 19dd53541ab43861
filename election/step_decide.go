package election

import "time"

// Decide chooses what a cycle writes, from what the cycle read (snap), the
// reading taken before its first read (start), the reading taken after the
// reads returned (seen) and the owner's request. It changes nothing but the
// Machine's view of the config and the leader record, which are facts
// whether or not the cycle commits.
func (m *Machine) Decide(snap Snapshot, start, seen Reading, req Request) Plan {
	m.observeConfig(snap.Config)
	m.Observe(snap.Leader, seen)

	plan := Plan{Start: start}
	if snap.Config != nil {
		plan.Lease = snap.Config.LeaseDuration
	}

	switch {
	case snap.Config == nil:
		return m.lose(plan, "not initialized")
	case !snap.Config.Enabled:
		return m.lose(plan, "elections disabled")
	case m.superseded:
		return m.lose(plan, "superseded by another incarnation")
	case 2*m.opts.MaxClockSkew >= snap.Config.LeaseDuration:
		return m.lose(plan, "lease too short for MaxClockSkew")
	case !m.registered:
		plan.Action = ActRegister
		return m.lose(plan, "not registered")
	case snap.Candidate == nil:
		plan.Action = ActRegister
		m.registered = false
		return m.lose(plan, "candidate record missing")
	case snap.Candidate.Versionstamp != m.stamp:
		m.superseded = true
		return m.lose(plan, "candidate record belongs to another incarnation")
	}

	plan.Heartbeat = true
	if !m.opts.Flaws.DeadCandidateClaims &&
		!snap.Candidate.Alive(start.Wall, snap.Config.CandidateTimeout) && !m.mine(snap.Leader) {
		// Our stored heartbeat is stale (a long pause): others may already
		// count us dead. Heartbeat now and campaign from the next cycle.
		return m.lose(plan, "own heartbeat stale")
	}
	m.vacancyWait = 0
	switch l := snap.Leader; {
	case m.mine(l):
		return m.decideOwn(snap, plan, req)
	case l == nil || l.Vacant():
		return m.decideVacant(snap, plan, seen, req)
	default:
		return m.decideForeign(snap, plan, seen, req)
	}
}

// decideOwn handles a record that names this incarnation: refresh it, or
// resign or hand over when asked to.
func (m *Machine) decideOwn(snap Snapshot, plan Plan, req Request) Plan {
	l, cfg := snap.Leader, snap.Config

	plan.ClearResignRequest = snap.ResignRequest != ""
	if req.Resign || snap.ResignRequest == m.id {
		vacant := vacated(*l)
		if m.opts.Flaws.ResetBallotOnResign {
			vacant.Ballot = 0
		}
		plan.Action, plan.Leader = ActResign, &vacant
		plan.MarkResigned = !m.opts.Flaws.ResetBallotOnResign
		m.gaveAway = vacant
		// Stop acting before the vacancy can commit.
		return m.lose(plan, "resigned")
	}
	if target := m.handoffTarget(snap, req, plan.Start.Wall); target != nil {
		next := LeaderState{
			Ballot:       l.Ballot + 1,
			LeaderID:     target.ProcessID,
			Priority:     target.Priority,
			LeaseExpiry:  plan.Start.Wall.Add(cfg.LeaseDuration),
			Versionstamp: target.Versionstamp,
		}
		plan.Action, plan.Leader = ActHandoff, &next
		plan.ClearHandoff = snap.Handoff != nil
		m.gaveAway = next
		// Stop acting before the new holder can see its record.
		return m.lose(plan, "handed over to "+target.ProcessID)
	}
	if snap.Handoff != nil {
		// A request that cannot be honoured (dead or gone requester, no
		// longer higher priority) is removed so that it stops waking us.
		plan.ClearHandoff = true
	}

	next := *l
	next.Ballot = l.Ballot + 1
	next.Priority = m.opts.Priority
	next.LeaseExpiry = plan.Start.Wall.Add(cfg.LeaseDuration)
	plan.Action, plan.Leader = ActRefresh, &next
	return plan.because("refreshing own lease")
}

// handoffTarget returns the live candidate to hand over to, if the owner
// asked for one or a valid preemption request is pending.
func (m *Machine) handoffTarget(snap Snapshot, req Request, now time.Time) *Candidate {
	t, cfg := snap.Target, snap.Config
	if t == nil || t.ProcessID == m.id || !t.Alive(now, cfg.CandidateTimeout) {
		return nil
	}
	if req.HandoffTo != "" {
		if t.ProcessID == req.HandoffTo {
			return t
		}
		return nil
	}
	h := snap.Handoff
	if h == nil || h.RequesterID != t.ProcessID || h.Versionstamp != t.Versionstamp {
		return nil
	}
	if !cfg.AllowPreemption || t.Priority <= m.opts.Priority {
		return nil
	}
	return t
}

// decideVacant handles an absent or vacant record: claim it, unless this
// process gave leadership away a moment ago, or the vacancy was not
// written by its holder itself. Such a vacancy (ResignLeadership by
// another process, a 0.11.0 process clearing the record) may have
// committed while the holder still believed it led, so it is claimed only
// after a whole lease of observation, like a record whose holder stopped
// refreshing.
func (m *Machine) decideVacant(snap Snapshot, plan Plan, seen Reading, req Request) Plan {
	l := snap.Leader
	plan = m.lose(plan, "leader record vacated")
	if req.Resign && l != nil && snap.selfVacated() && m.gaveAway.Vacant() &&
		m.gaveAway.Ballot == l.Ballot {
		// Our resignation committed in an attempt reported as ambiguous.
		plan.Action = ActResign
		return plan.because("resignation already applied")
	}
	if seen.Mono < m.holdUntil {
		return plan.because("holding off after giving leadership away")
	}
	if !snap.selfVacated() && (l != nil || m.sawHolder) {
		m.vacancyWait = m.obs.since + m.maxLease
		if seen.Mono < m.vacancyWait {
			return plan.because("vacated by another process: waiting a lease")
		}
	}
	return m.claim(snap, plan, "record vacant")
}

// decideForeign handles a record naming another process, or an earlier
// incarnation of this one: take over if the rules allow, otherwise ask for
// a handoff when this process has the higher priority.
func (m *Machine) decideForeign(snap Snapshot, plan Plan, seen Reading, req Request) Plan {
	l, cfg := snap.Leader, snap.Config

	plan = m.lose(plan, "record taken over by "+l.LeaderID)
	if req.HandoffTo != "" && m.gaveAway.LeaderID == req.HandoffTo &&
		m.gaveAway.Ballot == l.Ballot && m.gaveAway.Versionstamp == l.Versionstamp {
		// Our handoff committed in an attempt reported as ambiguous.
		plan.Action = ActHandoff
		return plan.because("handoff already applied")
	}
	if m.opts.Flaws.WallClockTakeover {
		if !plan.Start.Wall.Before(l.LeaseExpiry) {
			return m.claim(snap, plan, "stored expiry passed (flaw: wall clock)")
		}
	} else if seen.Mono >= m.takeoverAt(seen) {
		return m.claim(snap, plan, "holder's lease cannot be live any more")
	}
	if m.opts.Flaws.InstantPreemption && cfg.AllowPreemption && m.opts.Priority > l.Priority {
		return m.claim(snap, plan, "higher priority (flaw: instant preemption)")
	}

	if cfg.AllowPreemption && m.opts.Priority > l.Priority && l.LeaderID != m.id &&
		seen.Mono >= m.holdUntil {
		h := snap.Handoff
		if h == nil || h.Priority < m.opts.Priority || h.RequesterID == m.id {
			plan.Action = ActRequestHandoff
			plan.Handoff = &HandoffRequest{
				RequesterID:  m.id,
				Priority:     m.opts.Priority,
				Versionstamp: m.stamp,
				RequestedAt:  plan.Start.Wall,
			}
			return plan.because("asking " + l.LeaderID + " to hand over")
		}
	}
	return plan.because("following " + l.LeaderID)
}

// claim writes a record naming this incarnation with the next ballot.
func (m *Machine) claim(snap Snapshot, plan Plan, why string) Plan {
	var ballot uint64
	if snap.Leader != nil {
		ballot = snap.Leader.Ballot
	}
	next := LeaderState{
		Ballot:       ballot + 1,
		LeaderID:     m.id,
		Priority:     m.opts.Priority,
		LeaseExpiry:  plan.Start.Wall.Add(snap.Config.LeaseDuration),
		Versionstamp: m.stamp,
	}
	plan.Action, plan.Leader = ActClaim, &next
	plan.Waited = max(plan.Start.Mono-m.obs.since, 0)
	if h := snap.Handoff; h != nil && h.RequesterID == m.id {
		plan.ClearHandoff = true
	}
	return plan.because(why)
}

// lose ends leadership, if the process had it, recording why in the plan,
// and explains the plan with the same words.
func (m *Machine) lose(plan Plan, why string) Plan {
	if m.lead.active {
		plan.Lost = why
	}
	m.Demote()
	return plan.because(why)
}

func (p Plan) because(why string) Plan {
	p.Reason = why
	return p
}

// Finish records how the cycle that carried plan ended. err is the commit's
// outcome (nil when it committed) and now a reading taken after it.
//
// A claim or refresh that committed makes the process leader until
// plan.Start + lease - MaxClockSkew. One whose outcome is unknown changes
// nothing: if it did apply, the next cycle finds the record and refreshes
// it; a lease held before stays valid until its own deadline either way.
func (m *Machine) Finish(plan Plan, err error, now Reading) {
	if err != nil {
		return
	}
	m.cycled = true
	m.lastCycle = plan.Start.Mono

	switch plan.Action {
	case ActClaim, ActRefresh:
		deadline := plan.Start.Mono + plan.Lease - m.opts.MaxClockSkew
		m.lead = leadership{active: deadline > now.Mono, ballot: plan.Leader.Ballot,
			deadline: deadline}
		m.Observe(plan.Leader, now)
	case ActResign, ActHandoff:
		// Leadership was given away: leave it to the others for a while.
		m.Demote()
		m.holdUntil = now.Mono + m.resignHoldoff()
		if plan.Leader != nil {
			m.Observe(plan.Leader, now)
		}
	}
}

// resignHoldoff returns the configured hold-off, or one heartbeat interval.
func (m *Machine) resignHoldoff() time.Duration {
	if m.opts.ResignHoldoff > 0 || m.cfg == nil {
		return m.opts.ResignHoldoff
	}
	return m.cfg.HeartbeatInterval
}
