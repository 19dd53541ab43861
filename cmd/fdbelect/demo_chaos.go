package main

import (
	"context"
	"fmt"
	"time"
)

// chaosKind is one kind of trouble the demo injects.
type chaosKind int

const (
	chaosCrash chaosKind = iota
	chaosResign
	chaosRestart
	chaosPause
	chaosJoin
)

// chaosScript is the order in which the demo injects trouble, so that even
// a short run shows each kind; targets are chosen by the seeded generator.
var chaosScript = []chaosKind{chaosCrash, chaosResign, chaosRestart, chaosPause, chaosJoin,
	chaosCrash, chaosRestart, chaosResign, chaosPause, chaosCrash, chaosRestart}

// chaosEvery is the time between two chaos events: long enough for the
// previous trouble to settle (a takeover after a crash needs about a
// lease), short enough to show several in a run.
func (d *demo) chaosEvery() time.Duration {
	return max(d.o.lease*3/2, 300*time.Millisecond)
}

// runChaos injects the scripted trouble until ctx ends.
func (d *demo) runChaos(ctx context.Context) {
	every := d.chaosEvery()
	t := time.NewTimer(every)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
		d.inject(chaosScript[i%len(chaosScript)])
		t.Reset(every + time.Duration(d.rng.Int64N(int64(every/4)+1)))
	}
}

// inject carries out one kind of trouble, or a substitute when it does not
// apply (no leader to resign, nobody to restart).
func (d *demo) inject(k chaosKind) {
	live, leader := d.liveNodes()
	switch {
	case k == chaosJoin && d.joined():
		k = chaosCrash
	case k == chaosRestart && len(d.crashed()) == 0:
		k = chaosPause
	}
	if k == chaosCrash && len(live) <= 2 {
		k = chaosRestart
		if len(d.crashed()) == 0 {
			return
		}
	}
	if (k == chaosResign || k == chaosPause) && leader != nil && d.isPaused(leader) {
		k = chaosCrash
	}
	if (k == chaosResign || k == chaosPause) && leader == nil {
		k = chaosRestart
		if len(d.crashed()) == 0 {
			return
		}
	}

	switch k {
	case chaosCrash:
		target, role := leader, "the leader"
		if target == nil {
			target, role = live[d.rng.IntN(len(live))], "a follower"
		}
		d.view.announce("chaos: crash %s (%s) without resigning", target.id, role)
		d.crash(target)
	case chaosResign:
		d.view.announce("chaos: %s (the leader) resigns", leader.id)
		d.resignNode(leader)
	case chaosRestart:
		dead := d.crashed()
		id := dead[d.rng.IntN(len(dead))]
		prio := d.priorityOf(id)
		d.view.announce("chaos: restart %s with the same id", id)
		d.startNode(id, prio)
	case chaosPause:
		length := d.o.lease * 3 / 2
		d.view.announce("chaos: pause %s (the leader) for %s, longer than its %s lease",
			leader.id, length, d.o.lease)
		d.pause(leader, length)
	case chaosJoin:
		d.mu.Lock()
		d.nextHi++
		id := fmt.Sprintf("hi%d", d.nextHi)
		d.mu.Unlock()
		d.view.announce("chaos: %s joins with priority 10; preemption is on, so the leader "+
			"hands over", id)
		d.startNode(id, 10)
	}
}

// resignNode asks n's Elector to resign, without blocking the chaos loop
// for longer than a lease.
func (d *demo) resignNode(n *demoNode) {
	ctx, cancel := context.WithTimeout(d.ctx, d.o.lease)
	defer cancel()
	if err := n.elector.Resign(ctx); err != nil {
		d.view.announce("%s could not resign: %v", n.id, err)
	}
}

// joined reports whether a higher-priority candidate has joined already.
func (d *demo) joined() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.nextHi > 0
}

// crashed returns the ids whose latest incarnation crashed.
func (d *demo) crashed() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	latest := map[string]*demoNode{}
	var order []string
	for _, n := range d.nodes {
		if _, ok := latest[n.id]; !ok {
			order = append(order, n.id)
		}
		latest[n.id] = n
	}
	var ids []string
	for _, id := range order {
		if latest[id].state == nodeCrashed {
			ids = append(ids, id)
		}
	}
	return ids
}

// priorityOf returns the priority id ran with.
func (d *demo) priorityOf(id string) int32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, n := range d.nodes {
		if n.id == id {
			return n.priority
		}
	}
	return 0
}

// isPaused reports whether n is paused.
func (d *demo) isPaused(n *demoNode) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return n.paused
}
