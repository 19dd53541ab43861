package main

import (
	"context"
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/sim"
	"github.com/fdbelect/fdbelect/tuple"
)

// nodeState is what a demo process is doing.
type nodeState int

const (
	nodeFollower nodeState = iota
	nodeLeader
	nodePaused
	nodeCrashed
	nodeStopped
)

var nodeStateNames = [...]string{"follower", "LEADER", "paused", "crashed", "stopped"}

func (s nodeState) String() string { return nodeStateNames[s] }

// demoNode is one incarnation of a demo process: an Elector on a gated view
// of the engine. A restart makes a new demoNode with the same id.
type demoNode struct {
	id       string
	priority int32
	gate     *gatedDB
	elector  *election.Elector
	cancel   context.CancelFunc

	// guarded by demo.mu
	state  nodeState
	paused bool // paused, whatever its leadership
	term   *demoTerm
}

// demoTerm is one leadership of one process, from its Elected event to its
// Demoted event (or its crash).
type demoTerm struct {
	id     string
	stamp  tuple.Versionstamp
	ballot uint64
	start  time.Time
	end    time.Time // zero while it lasts
	cause  string    // why it ended
}

// startNode starts a process with id and priority.
func (d *demo) startNode(id string, priority int32) {
	n := &demoNode{id: id, priority: priority, gate: newGatedDB(d.db)}
	d.check.starting(id, time.Now())
	el, err := election.NewElector(n.gate, d.el.Subspace(), id, election.ElectorOptions{
		Priority:        priority,
		MaxClockSkew:    d.skew(),
		Metrics:         d.metrics.electorMetrics(),
		ShutdownTimeout: d.o.lease,
		EventBuffer:     256,
		Callbacks: election.Callbacks{
			OnElected: func(ctx context.Context, l election.LeaderState) { d.work(ctx, n, l) },
		},
	})
	if err != nil {
		d.view.announce("cannot start %s: %v", id, err)
		return
	}
	n.elector = el
	ctx, cancel := context.WithCancel(d.ctx)
	n.cancel = cancel

	d.mu.Lock()
	d.nodes = append(d.nodes, n)
	d.mu.Unlock()

	d.wg.Add(2)
	go func() {
		defer d.wg.Done()
		_ = el.Run(ctx) // a crashed process fails its shutdown; nothing to report
	}()
	go func() {
		defer d.wg.Done()
		for ev := range el.Events() {
			d.onEvent(n, ev)
		}
	}()
}

// onEvent records and announces an Elector's event.
func (d *demo) onEvent(n *demoNode, ev election.Event) {
	switch ev.Kind {
	case election.Elected:
		d.elected(n, ev)
	case election.Demoted:
		d.demoted(n, ev)
	}
}

func (d *demo) elected(n *demoNode, ev election.Event) {
	d.mu.Lock()
	t := &demoTerm{id: n.id, stamp: ev.Leader.Versionstamp, ballot: ev.Leader.Ballot,
		start: ev.At}
	d.terms = append(d.terms, t)
	n.term = t
	if n.state == nodeFollower {
		n.state = nodeLeader
	}
	d.mu.Unlock()
	d.view.post(ev.At, func() string { return d.describeElection(t) })
}

// describeElection renders the line announcing term t, naming the term
// before it (by time, whatever order the events arrived in) and the time
// without a leader in between.
func (d *demo) describeElection(t *demoTerm) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var prev *demoTerm
	for _, o := range d.terms {
		if o != t && !o.start.After(t.start) && (prev == nil || o.start.After(prev.start)) {
			prev = o
		}
	}
	switch {
	case prev == nil:
		return fmt.Sprintf("%s elected, ballot %d", t.id, t.ballot)
	case prev.end.IsZero() || prev.end.After(t.start):
		return fmt.Sprintf("%s elected, ballot %d (taking over from %s)", t.id, t.ballot,
			prev.id)
	}
	return fmt.Sprintf("%s elected, ballot %d (after %s: %s without a leader)", t.id,
		t.ballot, describeCause(prev), roundDuration(t.start.Sub(prev.end)))
}

func (d *demo) demoted(n *demoNode, ev election.Event) {
	d.mu.Lock()
	t := n.term
	n.term = nil
	if n.state == nodeLeader {
		n.state = nodeFollower
	}
	if t == nil || !t.end.IsZero() {
		d.mu.Unlock()
		return // already ended by a crash
	}
	t.end = ev.At
	t.cause = ev.Reason
	if n.paused && ev.Reason == "lease deadline passed" {
		t.cause = "paused past its lease"
	}
	d.mu.Unlock()
	d.check.belief(t.id, t.stamp, t.ballot, t.start, t.end)
	d.view.announceAt(ev.At, "%s stopped leading: %s", n.id, t.cause)
}

// describeCause names how term t ended, for the next leader's line.
func describeCause(t *demoTerm) string {
	switch t.cause {
	case causeCrash:
		return "crash of " + t.id
	case "resigned":
		return t.id + " resigned"
	case "handed over":
		return t.id + " handed over"
	}
	return t.id + " " + t.cause
}

// causeCrash ends the term of a crashed process.
const causeCrash = "crashed"

// crash kills n without letting it resign: its transactions fail from now
// on, so the Elector's shutdown cannot touch the database.
func (d *demo) crash(n *demoNode) {
	now := time.Now()
	n.gate.set(gateDead)
	d.mu.Lock()
	n.state = nodeCrashed
	t := n.term
	if t != nil && t.end.IsZero() {
		t.end, t.cause = now, causeCrash
	} else {
		t = nil
	}
	d.crashes++
	d.mu.Unlock()
	d.check.crash(n.id, now)
	if t != nil {
		d.check.belief(t.id, t.stamp, t.ballot, t.start, t.end)
	}
	n.cancel()
}

// pause freezes n's transactions for d.
func (d *demo) pause(n *demoNode, length time.Duration) {
	n.gate.set(gatePaused)
	d.check.disturb(time.Now())
	d.mu.Lock()
	n.paused = true
	if n.state != nodeCrashed {
		n.state = nodePaused
	}
	d.mu.Unlock()

	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		t := time.NewTimer(length)
		defer t.Stop()
		select {
		case <-t.C:
		case <-d.ctx.Done():
		}
		d.resume(n)
	}()
}

// resume lets a paused process run again.
func (d *demo) resume(n *demoNode) {
	d.mu.Lock()
	wasPaused := n.paused
	n.paused = false
	if n.state == nodePaused {
		n.state = nodeFollower
		if n.term != nil {
			n.state = nodeLeader
		}
	}
	d.mu.Unlock()
	if wasPaused {
		n.gate.set(gateOpen)
		if d.ctx.Err() == nil {
			d.view.announce("%s resumes and commits what it decided before the pause", n.id)
		}
	}
}

// stopAll stops every live process cleanly: they resign and unregister.
func (d *demo) stopAll() {
	d.mu.Lock()
	nodes := append([]*demoNode(nil), d.nodes...)
	d.mu.Unlock()
	for _, n := range nodes {
		d.resume(n)
		d.mu.Lock()
		if n.state != nodeCrashed {
			n.state = nodeStopped
		}
		d.mu.Unlock()
		n.cancel()
	}
}

// liveNodes returns the processes that have not crashed or stopped, and
// the one whose term is open, if any.
func (d *demo) liveNodes() (live []*demoNode, leader *demoNode) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, n := range d.nodes {
		if n.state == nodeCrashed || n.state == nodeStopped {
			continue
		}
		live = append(live, n)
		if n.term != nil {
			leader = n
		}
	}
	return live, leader
}

// work is what a demo leader does while it leads: every heartbeat, a write
// fenced by Elector.Do, which commits only while its leadership holds. The
// checker verifies each one against the leader record.
func (d *demo) work(ctx context.Context, n *demoNode, l election.LeaderState) {
	t := time.NewTicker(d.cfg.HeartbeatInterval)
	defer t.Stop()
	for {
		err := n.elector.Do(ctx, func(tr kv.Transaction) error {
			ballot, _ := n.elector.Token()
			return sim.WriteFenced(tr, demoWork, n.id, l.Versionstamp, ballot)
		})
		if err == nil {
			d.mu.Lock()
			d.fenced++
			d.mu.Unlock()
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}
