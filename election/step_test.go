package election_test

import (
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/subspace"
	"github.com/fdbelect/fdbelect/tuple"
)

// The Machine is a pure step: these tests feed it snapshots and clock
// readings directly, with no database and no goroutines.

var (
	stepCfg   = election.ConfigWithLease(10 * time.Second) // heartbeat 3.33s
	stepEpoch = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	stepSkew  = 500 * time.Millisecond
)

func stamp(n byte) tuple.Versionstamp {
	return tuple.Versionstamp{TransactionVersion: [10]byte{0, 0, 0, 0, 0, 0, 0, n}}
}

// at returns the reading of a process whose clocks agree with true time t.
func at(t time.Duration) election.Reading {
	return election.Reading{Mono: t, Wall: stepEpoch.Add(t)}
}

// newStepMachine returns a registered Machine for "me" with stamp 1.
func newStepMachine(t *testing.T, prio int32, flaws election.Flaws) *election.Machine {
	t.Helper()
	m, err := election.NewMachine(election.New(subspace.Sub("step")), "me",
		election.MachineOptions{Priority: prio, MaxClockSkew: stepSkew, Flaws: flaws})
	if err != nil {
		t.Fatal(err)
	}
	m.Adopt(stamp(1))
	return m
}

// snap builds a snapshot in which "me" heartbeat at now and the leader
// record is l.
func snap(now election.Reading, l *election.LeaderState) election.Snapshot {
	cfg := stepCfg
	return election.Snapshot{State: election.State{
		Config: &cfg,
		Candidate: &election.Candidate{ProcessID: "me", LastHeartbeat: now.Wall,
			Versionstamp: stamp(1)},
		Leader: l,
	}}
}

// other returns a record of "other" written at true time w.
func other(ballot uint64, w time.Duration) *election.LeaderState {
	return &election.LeaderState{Ballot: ballot, LeaderID: "other", Priority: 5,
		LeaseExpiry: stepEpoch.Add(w + stepCfg.LeaseDuration), Versionstamp: stamp(2)}
}

func decide(m *election.Machine, now election.Reading, l *election.LeaderState,
	req election.Request) election.Plan {
	return m.Decide(snap(now, l), now, now, req)
}

func TestMachineFreshFollowerWaitsForExpiryPlusSkew(t *testing.T) {
	rec := other(7, 0) // written at 0, expires at lease
	expiry := stepCfg.LeaseDuration

	// A process that has just started sees the record for the first time.
	m := newStepMachine(t, 0, election.Flaws{})
	if p := decide(m, at(expiry+stepSkew-time.Millisecond), rec,
		election.Request{}); p.Action != election.ActNone {
		t.Fatalf("at expiry+skew-1ms: %v (%s); want none", p.Action, p.Reason)
	}
	p := decide(m, at(expiry+stepSkew), rec, election.Request{})
	if p.Action != election.ActClaim || p.Leader.Ballot != 8 {
		t.Fatalf("at expiry+skew: %v ballot %v (%s); want claim of ballot 8", p.Action,
			p.Leader, p.Reason)
	}
}

func TestMachineRunningFollowerIgnoresItsWallClock(t *testing.T) {
	m := newStepMachine(t, 0, election.Flaws{})
	ahead := func(t time.Duration) election.Reading {
		r := at(t)
		r.Wall = r.Wall.Add(time.Hour) // wall clock an hour ahead
		return r
	}

	// The follower sees ballot 7, then ballot 8 being written at 1s.
	decide(m, ahead(0), other(7, 0), election.Request{})
	decide(m, ahead(time.Second), other(8, time.Second), election.Request{})

	// Its wall clock says the lease expired long ago, but it watched the
	// record change at 1s: only a whole lease of observation counts.
	lease := stepCfg.LeaseDuration
	if p := decide(m, ahead(time.Second+lease-time.Millisecond), other(8, time.Second),
		election.Request{}); p.Action != election.ActNone {
		t.Fatalf("before a lease of observation: %v (%s); want none", p.Action, p.Reason)
	}
	if p := decide(m, ahead(time.Second+lease), other(8, time.Second),
		election.Request{}); p.Action != election.ActClaim {
		t.Fatalf("after a lease of observation: %v (%s); want claim", p.Action, p.Reason)
	}
}

func TestMachineWallClockFlawStealsLiveLease(t *testing.T) {
	// The 0.11.0 rule: take over when the own wall clock passes the expiry.
	m := newStepMachine(t, 0, election.Flaws{WallClockTakeover: true})
	now := at(time.Second)
	now.Wall = now.Wall.Add(stepCfg.LeaseDuration) // ahead by a lease
	decide(m, now, other(7, 0), election.Request{})
	if p := decide(m, now, other(8, time.Second),
		election.Request{}); p.Action != election.ActClaim {
		t.Fatalf("flawed machine: %v; want the steal the flaw allows", p.Action)
	}
}

func TestMachineLeadsUntilStartPlusLeaseMinusSkew(t *testing.T) {
	m := newStepMachine(t, 0, election.Flaws{})
	start := at(2 * time.Second)
	p := m.Decide(snap(start, nil), start, at(2*time.Second+50*time.Millisecond),
		election.Request{})
	if p.Action != election.ActClaim || p.Leader.Ballot != 1 {
		t.Fatalf("claim on an empty election: %v (%s)", p.Action, p.Reason)
	}
	m.Finish(p, nil, at(2*time.Second+80*time.Millisecond))

	end := 2*time.Second + stepCfg.LeaseDuration - stepSkew
	if !m.Leading(end - 1) {
		t.Error("not leading just before start + lease - skew")
	}
	if m.Leading(end) {
		t.Error("still leading at start + lease - skew")
	}
	if got := m.Ballot(); got != 1 {
		t.Errorf("Ballot() = %d; want 1", got)
	}
}

func TestMachineAmbiguousClaimIsNotLeadership(t *testing.T) {
	m := newStepMachine(t, 0, election.Flaws{})
	p := decide(m, at(0), nil, election.Request{})
	m.Finish(p, kv.NewError(kv.CodeCommitUnknownResult), at(time.Millisecond))
	if m.Leading(time.Millisecond) {
		t.Fatal("leading after a claim whose commit outcome is unknown")
	}

	// The claim did apply: the next cycle finds its own record and
	// refreshes it, and only that commit makes it leader.
	p2 := decide(m, at(time.Second), p.Leader, election.Request{})
	if p2.Action != election.ActRefresh || p2.Leader.Ballot != p.Leader.Ballot+1 {
		t.Fatalf("after an applied ambiguous claim: %v (%s); want a refresh", p2.Action,
			p2.Reason)
	}
	m.Finish(p2, nil, at(time.Second))
	if !m.Leading(time.Second) {
		t.Error("not leading after the confirming refresh")
	}
}

func TestMachineRestartDoesNotAdoptOldIncarnationsRecord(t *testing.T) {
	m := newStepMachine(t, 0, election.Flaws{})
	old := &election.LeaderState{Ballot: 4, LeaderID: "me",
		LeaseExpiry: stepEpoch.Add(stepCfg.LeaseDuration), Versionstamp: stamp(9)}
	if p := decide(m, at(time.Second), old, election.Request{}); p.Action != election.ActNone {
		t.Fatalf("record of an earlier incarnation: %v (%s); want none", p.Action, p.Reason)
	}
}

func TestMachinePreemptionAsksInsteadOfTakingOver(t *testing.T) {
	m := newStepMachine(t, 9, election.Flaws{})
	p := decide(m, at(time.Second), other(7, 0), election.Request{})
	if p.Action != election.ActRequestHandoff || p.Handoff.RequesterID != "me" {
		t.Fatalf("higher priority facing a live leader: %v (%s); want a handoff request",
			p.Action, p.Reason)
	}

	flawed := newStepMachine(t, 9, election.Flaws{InstantPreemption: true})
	if p := decide(flawed, at(time.Second), other(7, 0),
		election.Request{}); p.Action != election.ActClaim {
		t.Fatalf("with the instant-preemption flaw: %v; want claim", p.Action)
	}
}

func TestMachineHandsOverToALiveRequester(t *testing.T) {
	m := newStepMachine(t, 1, election.Flaws{})
	claim := decide(m, at(0), nil, election.Request{})
	m.Finish(claim, nil, at(0))

	now := at(time.Second)
	s := snap(now, claim.Leader)
	s.Handoff = &election.HandoffRequest{RequesterID: "high", Priority: 9,
		Versionstamp: stamp(3), RequestedAt: now.Wall}
	s.Target = &election.Candidate{ProcessID: "high", Priority: 9, LastHeartbeat: now.Wall,
		Versionstamp: stamp(3)}
	p := m.Decide(s, now, now, election.Request{})
	if p.Action != election.ActHandoff || p.Leader.LeaderID != "high" ||
		p.Leader.Versionstamp != stamp(3) || p.Leader.Ballot != claim.Leader.Ballot+1 {
		t.Fatalf("handoff: %v %+v (%s)", p.Action, p.Leader, p.Reason)
	}
	if m.Leading(now.Mono) {
		t.Error("still leading after deciding to hand over, before the commit")
	}

	// A requester whose heartbeat is stale is not handed the lease.
	m2 := newStepMachine(t, 1, election.Flaws{})
	c2 := decide(m2, at(0), nil, election.Request{})
	m2.Finish(c2, nil, at(0))
	s2 := snap(now, c2.Leader)
	s2.Handoff = s.Handoff
	dead := *s.Target
	dead.LastHeartbeat = now.Wall.Add(-time.Minute)
	s2.Target = &dead
	if p := m2.Decide(s2, now, now, election.Request{}); p.Action != election.ActRefresh ||
		!p.ClearHandoff {
		t.Fatalf("dead requester: %v clear=%v; want a refresh that clears the request",
			p.Action, p.ClearHandoff)
	}
}

func TestMachineResignKeepsTheBallot(t *testing.T) {
	for _, flawed := range []bool{false, true} {
		m := newStepMachine(t, 0, election.Flaws{ResetBallotOnResign: flawed})
		claim := decide(m, at(0), other(41, -20*time.Second), election.Request{})
		m.Finish(claim, nil, at(0))

		p := decide(m, at(time.Second), claim.Leader, election.Request{Resign: true})
		if p.Action != election.ActResign || !p.Leader.Vacant() {
			t.Fatalf("resign: %v %+v", p.Action, p.Leader)
		}
		want := claim.Leader.Ballot
		if flawed {
			want = 0
		}
		if p.Leader.Ballot != want {
			t.Errorf("flawed=%v: vacant record ballot %d; want %d", flawed, p.Leader.Ballot, want)
		}
		if m.Leading(time.Second) {
			t.Errorf("flawed=%v: still leading after deciding to resign", flawed)
		}
	}
}

func TestMachineStopsWhenItCannotLead(t *testing.T) {
	disabled := stepCfg
	disabled.Enabled = false
	cases := []struct {
		name   string
		mutate func(*election.Snapshot)
		want   election.Action
	}{
		{"elections disabled", func(s *election.Snapshot) { s.Config = &disabled },
			election.ActNone},
		{"candidate record evicted", func(s *election.Snapshot) { s.Candidate = nil },
			election.ActRegister},
		{"another incarnation registered", func(s *election.Snapshot) {
			s.Candidate.Versionstamp = stamp(8)
		}, election.ActNone},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newStepMachine(t, 0, election.Flaws{})
			claim := decide(m, at(0), nil, election.Request{})
			m.Finish(claim, nil, at(0))

			now := at(time.Second)
			s := snap(now, claim.Leader)
			tc.mutate(&s)
			p := m.Decide(s, now, now, election.Request{})
			if p.Action != tc.want || p.Leader != nil {
				t.Errorf("plan %v (%s) writing %+v; want %v and no leader write", p.Action,
					p.Reason, p.Leader, tc.want)
			}
			if m.Leading(now.Mono) {
				t.Error("still leading")
			}
		})
	}
}

func TestMachineDeadCandidateDoesNotClaim(t *testing.T) {
	for _, flawed := range []bool{false, true} {
		m := newStepMachine(t, 0, election.Flaws{DeadCandidateClaims: flawed})
		now := at(time.Hour)
		s := snap(now, nil)
		s.Candidate.LastHeartbeat = stepEpoch // an hour ago: a long pause
		p := m.Decide(s, now, now, election.Request{})

		want := election.ActNone
		if flawed {
			want = election.ActClaim
		}
		if p.Action != want || !p.Heartbeat {
			t.Errorf("flawed=%v: %v heartbeat=%v (%s); want %v with a heartbeat", flawed,
				p.Action, p.Heartbeat, p.Reason, want)
		}
	}
}

func TestMachineHonoursALeaseLongerThanTheConfigs(t *testing.T) {
	// The config's lease was cut from 30s to 10s; this process has seen
	// only the 10s config. It watches the holder write a record at 1s under
	// the old 30s lease.
	m := newStepMachine(t, 0, election.Flaws{})
	decide(m, at(0), other(6, -time.Second), election.Request{})
	rec := other(7, time.Second)
	rec.LeaseExpiry = stepEpoch.Add(31 * time.Second)
	decide(m, at(time.Second), rec, election.Request{})

	if p := decide(m, at(29*time.Second), rec, election.Request{}); p.Action == election.ActClaim {
		t.Fatal("took over at 29s a record whose 30s lease runs until 31s")
	}
	if p := decide(m, at(31*time.Second), rec, election.Request{}); p.Action != election.ActClaim {
		t.Fatalf("after the implied lease: %v (%s); want claim", p.Action, p.Reason)
	}
}

func TestMachineWaitsAHeartbeatWhileDisabled(t *testing.T) {
	m := newStepMachine(t, 0, election.Flaws{})
	disabled := stepCfg
	disabled.Enabled = false
	now := at(time.Minute) // long after the record's lease
	s := snap(now, other(7, 0))
	s.Config = &disabled
	p := m.Decide(s, now, now, election.Request{})
	m.Finish(p, nil, now)
	if wake := m.NextWake(now); wake < now.Mono+stepCfg.HeartbeatInterval {
		t.Errorf("NextWake = %v after a cycle at %v; want a heartbeat later, not a busy loop",
			wake, now.Mono)
	}
}

func TestMachineVacancyWithoutTheHoldersMarkWaitsALease(t *testing.T) {
	vacant := &election.LeaderState{Ballot: 9, LeaseExpiry: time.Unix(0, 0)}
	for _, marked := range []bool{true, false} {
		m := newStepMachine(t, 0, election.Flaws{})
		decide(m, at(0), other(9, 0), election.Request{})

		now := at(time.Second)
		s := snap(now, vacant)
		if marked {
			s.ResignedBallot, s.HasResigned = 9, true
		}
		p := m.Decide(s, now, now, election.Request{})
		want := election.ActNone
		if marked {
			want = election.ActClaim
		}
		if p.Action != want {
			t.Errorf("marked=%v: %v (%s); want %v", marked, p.Action, p.Reason, want)
		}
		if !marked {
			later := at(time.Second + stepCfg.LeaseDuration)
			if p := m.Decide(snap(later, vacant), later, later,
				election.Request{}); p.Action != election.ActClaim {
				t.Errorf("unmarked vacancy after a lease: %v (%s); want claim", p.Action, p.Reason)
			}
		}
	}
}

func TestMachineAmbiguousResignIsNotUndone(t *testing.T) {
	m := newStepMachine(t, 0, election.Flaws{})
	claim := decide(m, at(0), nil, election.Request{})
	m.Finish(claim, nil, at(0))

	resign := decide(m, at(time.Second), claim.Leader, election.Request{Resign: true})
	if !resign.MarkResigned {
		t.Fatal("a resignation must mark the vacancy as its holder's")
	}
	m.Finish(resign, kv.NewError(kv.CodeCommitUnknownResult), at(time.Second))

	// The retry finds the vacancy it wrote.
	now := at(time.Second + time.Millisecond)
	s := snap(now, resign.Leader)
	s.ResignedBallot, s.HasResigned = resign.Leader.Ballot, true
	p := m.Decide(s, now, now, election.Request{Resign: true})
	if p.Action != election.ActResign || p.Leader != nil {
		t.Fatalf("retry of an applied resignation: %v writing %+v (%s); want resign, no write",
			p.Action, p.Leader, p.Reason)
	}
	m.Finish(p, nil, now)
	if p := m.Decide(s, now, now, election.Request{}); p.Action == election.ActClaim {
		t.Error("reclaimed at once after resigning")
	}
}

func TestMachineHandsOffToAnOperatorRequest(t *testing.T) {
	m := newStepMachine(t, 0, election.Flaws{})
	claim := decide(m, at(0), nil, election.Request{})
	m.Finish(claim, nil, at(0))

	now := at(time.Second)
	s := snap(now, claim.Leader)
	s.ResignRequest = "me"
	p := m.Decide(s, now, now, election.Request{})
	if p.Action != election.ActResign || !p.ClearResignRequest || !p.MarkResigned {
		t.Fatalf("resignation request: %v clear=%v mark=%v", p.Action, p.ClearResignRequest,
			p.MarkResigned)
	}
}
