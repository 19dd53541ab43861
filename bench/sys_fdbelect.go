package main

import (
	"context"
	"sync"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/subspace"
)

// fdbelectSystem runs fdbelect Electors on one shared database.
type fdbelectSystem struct {
	label string
	db    kv.Database
	cfg   election.Config
}

func (s *fdbelectSystem) name() string             { return s.label }
func (s *fdbelectSystem) lease() time.Duration     { return s.cfg.LeaseDuration }
func (s *fdbelectSystem) heartbeat() time.Duration { return s.cfg.HeartbeatInterval }

type fdbelectGroup struct {
	electors []*election.Elector
	dbs      []*crashDB
	cancels  []context.CancelFunc
	events   chan elected
	wg       sync.WaitGroup
}

func (s *fdbelectSystem) newGroup(ctx context.Context, tag string, n int) (group, error) {
	g := &fdbelectGroup{events: make(chan elected, 1024)}
	ss := subspace.Sub("bench", tag)
	for i := range n {
		db := &crashDB{inner: s.db}
		e, err := election.NewElector(db, ss, candidateID(i), election.ElectorOptions{
			Init: &s.cfg,
			Callbacks: election.Callbacks{
				OnElected: func(context.Context, election.LeaderState) {
					g.publish(i)
				},
			},
		})
		if err != nil {
			g.close()
			return nil, err
		}
		runCtx, cancel := context.WithCancel(ctx)
		g.electors = append(g.electors, e)
		g.dbs = append(g.dbs, db)
		g.cancels = append(g.cancels, cancel)
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			_ = e.Run(runCtx) // a crashed Elector fails its shutdown on purpose
		}()
	}
	return g, nil
}

func (g *fdbelectGroup) publish(i int) {
	select {
	case g.events <- elected{idx: i, at: time.Now()}:
	default:
	}
}

func (g *fdbelectGroup) elected() <-chan elected { return g.events }

func (g *fdbelectGroup) crash(i int) {
	g.dbs[i].dead.Store(true)
	g.cancels[i]()
}

func (g *fdbelectGroup) resign(ctx context.Context, i int) error {
	return g.electors[i].Resign(ctx)
}

func (g *fdbelectGroup) close() {
	for _, c := range g.cancels {
		c()
	}
	g.wg.Wait()
}

// candidateID names candidate i of a group.
func candidateID(i int) string { return string(rune('a' + i)) }
