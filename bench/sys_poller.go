package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/subspace"
)

// pollerSystem runs a poll-based elector in the style of client-go's
// leaderelection package over the same database: one lock record holding
// the holder's name and the lease duration; followers read it every retry
// period (with client-go's jitter of up to 1.2 periods) and take it over
// once it has stayed unchanged for a lease on their own clock; the leader
// rewrites it every retry period and gives up when it has not managed to
// for the renew deadline. Releasing writes an empty holder, which any
// follower may take at its next poll.
//
// It keeps client-go's proportions: lease 15 s, renew deadline 10 s, retry
// period 2 s, scaled to the configured lease.
type pollerSystem struct {
	db       kv.Database
	leaseDur time.Duration
}

func (s *pollerSystem) name() string { return "client-go style poller" }

func (s *pollerSystem) lease() time.Duration         { return s.leaseDur }
func (s *pollerSystem) heartbeat() time.Duration     { return s.retryPeriod() }
func (s *pollerSystem) retryPeriod() time.Duration   { return s.leaseDur * 2 / 15 }
func (s *pollerSystem) renewDeadline() time.Duration { return s.leaseDur * 10 / 15 }

// pollerRecord is the lock record.
type pollerRecord struct {
	Holder      string        `json:"holder"`
	Lease       time.Duration `json:"lease"`
	Acquired    time.Time     `json:"acquired"`
	Renewed     time.Time     `json:"renewed"`
	Transitions int           `json:"transitions"`
}

// poller is one candidate.
type poller struct {
	sys     *pollerSystem
	db      *crashDB
	key     []byte
	id      string
	rng     *rand.Rand
	resignC chan chan error
	onElect func()

	// Owned by the candidate's goroutine.
	observed     []byte
	observedTime time.Time
}

type pollerGroup struct {
	pollers []*poller
	cancels []context.CancelFunc
	events  chan elected
	wg      sync.WaitGroup
}

func (s *pollerSystem) newGroup(ctx context.Context, tag string, n int) (group, error) {
	g := &pollerGroup{events: make(chan elected, 1024)}
	key := subspace.Sub("poller", tag).Pack(nil)
	for i := range n {
		p := &poller{
			sys:     s,
			db:      &crashDB{inner: s.db},
			key:     key,
			id:      candidateID(i),
			rng:     rand.New(rand.NewPCG(uint64(i), uint64(len(tag)))),
			resignC: make(chan chan error),
			onElect: func() {
				select {
				case g.events <- elected{idx: i, at: time.Now()}:
				default:
				}
			},
		}
		runCtx, cancel := context.WithCancel(ctx)
		g.pollers = append(g.pollers, p)
		g.cancels = append(g.cancels, cancel)
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			p.run(runCtx)
		}()
	}
	return g, nil
}

func (g *pollerGroup) elected() <-chan elected { return g.events }

func (g *pollerGroup) crash(i int) {
	g.pollers[i].db.dead.Store(true)
	g.cancels[i]()
}

func (g *pollerGroup) resign(ctx context.Context, i int) error {
	return askResign(ctx, g.pollers[i].resignC)
}

// askResign hands a resignation to a candidate's goroutine through ch and
// waits for its outcome, or for ctx to end.
func askResign(ctx context.Context, ch chan<- chan error) error {
	reply := make(chan error, 1)
	select {
	case ch <- reply:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *pollerGroup) close() {
	for _, c := range g.cancels {
		c()
	}
	g.wg.Wait()
}

// run campaigns until ctx ends: acquire, lead until the lease is lost or a
// resignation is asked for, and start over. After resigning it sits out
// three retry periods, longer than the longest jittered poll of the
// others, so that the lock goes to another candidate.
func (p *poller) run(ctx context.Context) {
	for ctx.Err() == nil {
		if !p.acquire(ctx) {
			return
		}
		p.onElect()
		reply := p.lead(ctx)
		if reply == nil {
			continue
		}
		reply <- p.release(ctx)
		if sleep(ctx, 3*p.sys.retryPeriod()) != nil {
			return
		}
	}
}

// acquire polls until it holds the lock, with client-go's jittered period.
func (p *poller) acquire(ctx context.Context) bool {
	retry := p.sys.retryPeriod()
	for {
		if p.tryAcquireOrRenew(ctx) {
			return true
		}
		wait := retry + time.Duration(p.rng.Float64()*1.2*float64(retry))
		if sleep(ctx, wait) != nil {
			return false
		}
	}
}

// lead renews every retry period until a renewal fails for the renew
// deadline (it returns nil) or a resignation is asked for (it returns the
// reply channel). A request that arrives while following is refused.
func (p *poller) lead(ctx context.Context) chan error {
	retry := p.sys.retryPeriod()
	lastRenew := time.Now()
	t := time.NewTicker(retry)
	defer t.Stop()
	for {
		select {
		case reply := <-p.resignC:
			return reply
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if p.tryAcquireOrRenew(ctx) {
			lastRenew = time.Now()
			continue
		}
		if time.Since(lastRenew) >= p.sys.renewDeadline() {
			return nil
		}
	}
}

// tryAcquireOrRenew reads the lock and writes itself as holder if the lock
// is free, its own, or unchanged for a lease since this candidate first saw
// it in its current state.
func (p *poller) tryAcquireOrRenew(ctx context.Context) bool {
	var ok bool
	err := p.db.Transact(ctx, func(tr kv.Transaction) error {
		ok = false
		raw, err := tr.Get(p.key).Get()
		if err != nil {
			return err
		}
		now := time.Now()
		var rec pollerRecord
		if raw != nil {
			if err := json.Unmarshal(raw, &rec); err != nil {
				return err
			}
			if !bytes.Equal(raw, p.observed) {
				p.observed, p.observedTime = raw, now
			}
			if rec.Holder != "" && rec.Holder != p.id &&
				now.Before(p.observedTime.Add(rec.Lease)) {
				return nil
			}
		}

		next := pollerRecord{Holder: p.id, Lease: p.sys.lease(), Acquired: now,
			Renewed: now, Transitions: rec.Transitions}
		if rec.Holder == p.id {
			next.Acquired = rec.Acquired
		} else {
			next.Transitions++
		}
		b, err := json.Marshal(next)
		if err != nil {
			return err
		}
		tr.Set(p.key, b)
		ok = true
		return nil
	})
	return err == nil && ok
}

// release writes an empty holder, as client-go does with ReleaseOnCancel.
func (p *poller) release(ctx context.Context) error {
	return p.db.Transact(ctx, func(tr kv.Transaction) error {
		b, err := json.Marshal(pollerRecord{Lease: time.Second, Renewed: time.Now()})
		if err != nil {
			return err
		}
		tr.Set(p.key, b)
		return nil
	})
}
