package sim

import (
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// The kinds of discrete faults, as Mark.Kind names them.
const (
	MarkCrash    = "crash"
	MarkPause    = "pause"
	MarkResign   = "resign"
	MarkPriority = "priority"
	MarkConfig   = "config"
)

// Mark is a fault on the timeline: what hit which process ("" for the
// whole election) from At to Until (equal for an instant).
type Mark struct {
	At, Until time.Duration
	Proc      string
	Kind      string
	Detail    string
}

// admin is the operator who rewrites the config.
type admin struct {
	lease    time.Duration // lease of the config last written
	disabled bool
	busy     bool
}

const adminID = "admin"

// discrete returns the enabled discrete faults.
func (w *world) discrete() []string {
	f := w.cfg.Faults
	var kinds []string
	for _, k := range []struct {
		on   bool
		name string
	}{{f.Crash, MarkCrash}, {f.Pause, MarkPause}, {f.Resign, MarkResign},
		{f.Preempt, MarkPriority}, {f.Config, MarkConfig}} {
		if k.on {
			kinds = append(kinds, k.name)
		}
	}
	return kinds
}

// scheduleChaos plans the next discrete fault after an exponentially
// distributed gap.
func (w *world) scheduleChaos(kinds []string) {
	gap := time.Duration(w.rng.ExpFloat64() * float64(w.cfg.FaultInterval))
	w.at(w.now+max(gap, time.Millisecond), -1, func() {
		kind := kinds[w.rng.IntN(len(kinds))]
		w.inject(kind, w.target())
		w.scheduleChaos(kinds)
	})
}

// target picks the process a fault hits: half of the time the one that
// believes it leads, if any, since faults of the leader are the ones that
// test the election.
func (w *world) target() *proc {
	p := w.procs[w.rng.IntN(len(w.procs))]
	if w.rng.IntN(2) == 0 {
		for _, q := range w.procs {
			if q.up && q.m.Leading(w.mono(q, w.now)) {
				return q
			}
		}
	}
	return p
}

// inject applies one discrete fault.
func (w *world) inject(kind string, p *proc) {
	switch kind {
	case MarkCrash:
		if p.up {
			w.crash(p)
		}
	case MarkPause:
		if p.up && p.pausedUntil <= w.now {
			w.pause(p, "")
		}
	case MarkResign:
		w.resign()
	case MarkPriority:
		if p.up {
			w.changePriority(p)
		}
	case MarkConfig:
		w.changeConfig()
	}
}

// crash kills p's incarnation and plans its restart.
func (w *world) crash(p *proc) {
	w.stats.Crashes++
	w.closeBelief(p, w.now)
	w.chk.Crash(w.now, p.id, p.stamp)
	for i, f := range p.watches {
		if f != nil {
			f.Cancel()
			p.watches[i] = nil
		}
	}
	for _, tr := range p.inflight {
		tr.Cancel()
	}
	p.inflight = nil
	p.up = false
	p.inc++ // drops every event of the dead incarnation

	down := w.uniform(0, w.cfg.RestartDelay)
	w.marks = append(w.marks, Mark{At: w.now, Until: w.now + down, Proc: p.id, Kind: MarkCrash})
	w.record(p.id, "crash; restart in %v", down)
	w.at(w.now+down, -1, func() {
		w.chk.DisturbProc(w.now, p.id)
		w.boot(p)
	})
}

// pause stalls p: every event of p until the end of the pause waits for
// it, in order.
func (w *world) pause(p *proc, why string) {
	d := w.uniform(w.cfg.Lease/2, max(w.cfg.PauseMax, w.cfg.Lease/2))
	w.stats.Pauses++
	p.pausedUntil = w.now + d
	w.chk.DisturbProc(w.now, p.id)
	w.marks = append(w.marks, Mark{At: w.now, Until: w.now + d, Proc: p.id, Kind: MarkPause,
		Detail: why})
	if why != "" {
		why = " " + why
	}
	w.record(p.id, "pause for %v%s", d, why)
	w.at(w.now+d, -1, func() { w.chk.DisturbProc(w.now, p.id) })
}

// resign asks the process that believes it leads to resign.
func (w *world) resign() {
	for _, p := range w.procs {
		if p.up && p.pausedUntil <= w.now && p.m.Leading(w.mono(p, w.now)) {
			w.stats.Resignations++
			p.req = election.Request{Resign: true}
			w.marks = append(w.marks, Mark{At: w.now, Until: w.now, Proc: p.id,
				Kind: MarkResign})
			w.record(p.id, "asked to resign")
			w.nudge(p, w.now)
			return
		}
	}
}

// changePriority gives p a new priority from 0 to 3.
func (w *world) changePriority(p *proc) {
	prio := int32(w.rng.IntN(3))
	if prio >= p.priority {
		prio++
	}
	p.priority = prio
	p.m.SetPriority(prio)
	w.stats.PriorityChanges++
	w.marks = append(w.marks, Mark{At: w.now, Until: w.now, Proc: p.id, Kind: MarkPriority,
		Detail: "priority " + string(rune('0'+prio))})
	w.record(p.id, "priority set to %d", prio)
	w.nudge(p, w.now)
}

// changeConfig disables elections for a while, keeping the lease, or sets
// the lease to half, once or twice the configured one.
func (w *world) changeConfig() {
	if w.admin.disabled || w.admin.busy {
		return
	}
	lease := w.admin.lease
	cfg := w.electionConfig(lease)
	var off time.Duration
	switch w.rng.IntN(4) {
	case 0, 1:
		cfg.Enabled = false
		// Often longer than the candidate timeout: every stored heartbeat
		// is stale when elections come back.
		off = w.uniform(cfg.HeartbeatInterval, 5*cfg.CandidateTimeout/2)
	default:
		lease = []time.Duration{w.cfg.Lease / 2, w.cfg.Lease, 2 * w.cfg.Lease}[w.rng.IntN(3)]
		cfg = w.electionConfig(lease)
	}
	w.admin.lease = lease
	w.stats.ConfigChanges++
	detail := "lease " + cfg.LeaseDuration.String()
	if !cfg.Enabled {
		detail = "disabled for " + off.String()
	}
	w.marks = append(w.marks, Mark{At: w.now, Until: w.now + off, Kind: MarkConfig,
		Detail: detail})
	w.writeConfig(cfg)
	if off > 0 {
		w.admin.disabled = true
		w.at(w.now+off, -1, func() {
			w.admin.disabled = false
			w.writeConfig(w.electionConfig(lease))
		})
	}
}

// electionConfig returns the election config for a lease of d: the run's
// heartbeat interval scaled with the lease, and a candidate timeout of one
// and a half leases.
func (w *world) electionConfig(d time.Duration) election.Config {
	c := election.ConfigWithLease(d)
	if hb := w.cfg.Heartbeat; hb > 0 {
		c.HeartbeatInterval = time.Duration(int64(hb) * int64(d) / int64(w.cfg.Lease))
	}
	return c
}

// writeConfig commits cfg for the admin after a commit latency. Admin
// commits get no injected faults.
func (w *world) writeConfig(cfg election.Config) {
	w.admin.busy = true
	tr := w.db.CreateTransaction()
	if err := w.el.WriteConfig(tr, cfg); err != nil {
		tr.Cancel()
		w.admin.busy = false
		w.record(adminID, "config write failed: %v", err)
		return
	}
	w.at(w.now+w.commitLatency(), -1, func() {
		w.admin.busy = false
		if err := w.commit(adminID, tr); err != nil {
			w.record(adminID, "config write failed: %v", err)
		}
	})
}

// commitFault decides the injected fault of a commit, under the commit
// lock.
func (w *world) commitFault(memkv.CommitInfo) memkv.Fault {
	if w.committer == adminID || w.committer == "" {
		return memkv.FaultNone
	}
	f := w.cfg.Faults
	if f.Conflict && w.frng.Float64() < w.cfg.ConflictRate {
		w.stats.InjectedConflicts++
		w.record(w.committer, "injected conflict")
		return memkv.FaultConflict
	}
	if f.Unknown && w.frng.Float64() < w.cfg.UnknownRate {
		w.stats.InjectedUnknown++
		if w.frng.IntN(2) == 0 {
			w.record(w.committer, "injected commit_unknown_result (not applied)")
			return memkv.FaultUnknownBefore
		}
		w.record(w.committer, "injected commit_unknown_result (applied)")
		return memkv.FaultUnknownAfter
	}
	return memkv.FaultNone
}
