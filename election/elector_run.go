package election

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

const (
	minRetryDelay = 25 * time.Millisecond
	heartbeatJit  = 0.1 // heartbeats come up to 10% early, never late
)

// Run campaigns until ctx ends or a fatal error (ErrSuperseded, an invalid
// stored config) occurs. It keeps campaigning after losing leadership. On
// the way out it stops acting as leader, resigns if it leads, unregisters,
// both bounded by ShutdownTimeout, and waits for every goroutine it started
// and every callback to return. It returns nil after a clean shutdown on
// ctx's end, the fatal error otherwise, joined with any shutdown error.
func (e *Elector) Run(ctx context.Context) error {
	if !e.started.CompareAndSwap(false, true) {
		return ErrAlreadyRunning
	}
	defer close(e.done)

	e.log.Info("elector starting", "priority", e.opts.Priority)
	e.mu.Lock()
	e.startedAt = e.clk.Mono()
	e.mu.Unlock()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		e.events.dispatch(e.opts.Callbacks, stop)
	}()
	go func() {
		defer wg.Done()
		e.guard(stop)
	}()

	err := e.loop(ctx)
	close(e.loopDone)
	err = errors.Join(err, e.shutdown(ctx))

	close(stop)
	wg.Wait()
	e.events.close()
	e.log.Info("elector stopped", logErr, err)
	return err
}

// loop runs cycles until ctx ends or a fatal error.
func (e *Elector) loop(ctx context.Context) error {
	var w watchSet
	defer w.cancel()
	var delay time.Duration
	immediate := true

	for {
		var req *request
		if !immediate {
			r, err := e.wait(ctx, &w, delay)
			if err != nil {
				return nil // ctx ended
			}
			req = r
		}
		immediate = false

		plan, err := e.step(ctx, &w, req)
		if e.m.Superseded() {
			return ErrSuperseded
		}
		if err != nil && ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, ErrNotInitialized) && e.opts.Init != nil {
			if err = e.initialize(ctx); err == nil {
				immediate = true
				continue
			}
		}
		if err != nil {
			delay = e.retryDelay(delay)
			e.noteError(err, delay)
			continue
		}

		delay = 0
		e.noteProgress(plan)
		if cfg, ok := e.m.Config(); ok {
			if err := checkSkew(cfg, e.opts.MaxClockSkew); err != nil {
				return err
			}
		}
		immediate = plan.Action == ActRegister
	}
}

// step runs one cycle, and the registration or eviction it calls for.
func (e *Elector) step(ctx context.Context, w *watchSet, req *request) (Plan, error) {
	plan, err := e.cycle(ctx, w, req)
	if err == nil && plan.Action == ActRegister {
		err = e.register(ctx)
	}
	if err == nil && e.m.EvictDue(e.clk.Mono()) {
		e.evict(ctx)
	}
	return plan, err
}

// wait sleeps until the Machine's next wake-up (or delay, after an error),
// a watch firing, or a request. It returns ctx's error when ctx ends.
func (e *Elector) wait(ctx context.Context, w *watchSet, delay time.Duration) (*request, error) {
	now := e.reading()
	d := delay
	if d == 0 {
		d = e.nextWake(now) - now.Mono
	}
	if d <= 0 {
		return nil, ctx.Err()
	}

	t := e.clk.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
	case <-w.ch(0):
	case <-w.ch(1):
	case <-w.ch(2):
	case <-w.ch(3):
	case r := <-e.requests:
		return &r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return nil, nil
}

// nextWake is the Machine's next wake-up, with the heartbeat brought
// forward by a random jitter of up to heartbeatJit of the interval so that
// electors started together spread out. Only the heartbeat moves: the end
// of a lease, a takeover instant or the end of a hold-off stay exact.
func (e *Elector) nextWake(now Reading) time.Duration {
	wake := e.m.NextWake(now)
	due, ok := e.m.HeartbeatDue()
	cfg, _ := e.m.Config()
	if !ok {
		return wake
	}
	jit := time.Duration(e.rng.Float64() * heartbeatJit * float64(cfg.HeartbeatInterval))
	return max(min(wake, due-jit), now.Mono)
}

// cycle runs one Machine cycle in a transaction, arms the watches, commits,
// and publishes the outcome. A request, if any, gets its reply here.
func (e *Elector) cycle(ctx context.Context, w *watchSet, r *request) (Plan, error) {
	var req Request
	if r != nil {
		req = r.req
	}

	var plan Plan
	var next watchSet
	err := e.db.Transact(ctx, func(tr kv.Transaction) error {
		next.cancel()
		if cfg, ok := e.m.Config(); ok {
			tr.SetTimeout(cfg.HeartbeatInterval)
		}
		p, err := e.m.Cycle(tr, e.reading, req)
		if !e.m.Leading(e.clk.Mono()) {
			// A decision that gives leadership away (resign, handoff) or
			// finds it gone is published before the commit that could let
			// another process lead.
			e.transition(p, demotionReason(p))
		}
		if err != nil {
			return err
		}
		plan = p
		next = e.arm(tr, plan)
		return nil
	})

	now := e.reading()
	if err != nil {
		next.cancel()
		// A watch that fired (or failed) is used up: keeping it would end
		// every wait at once and defeat the retry backoff.
		w.dropReady()
		e.m.Finish(plan, err, now)
		e.publish(plan, err)
		r.answer(err)
		return plan, err
	}

	w.cancel()
	*w = next
	e.m.Finish(plan, nil, now)
	e.publish(plan, nil)
	r.answer(requestOutcome(req, plan))
	return plan, nil
}

// arm starts the watches a cycle needs: the leader record and the config
// always, the handoff and resignation requests while leading.
func (e *Elector) arm(tr kv.Transaction, plan Plan) watchSet {
	ws := watchSet{tr.Watch(e.el.LeaderKey()), tr.Watch(e.el.ConfigKey())}
	if plan.Action == ActRefresh || plan.Action == ActClaim {
		ws[2] = tr.Watch(e.el.HandoffKey())
		ws[3] = tr.Watch(e.el.ResignRequestKey())
	}
	return ws
}

// register commits the candidate registration in a transaction of its own,
// then checks that the record carries the versionstamp of that commit.
func (e *Elector) register(ctx context.Context) error {
	var stampF kv.FutureKey
	err := e.db.Transact(ctx, func(tr kv.Transaction) error {
		stampF = tr.GetVersionstamp()
		return e.m.Register(tr, e.reading())
	})
	if err != nil {
		return err
	}
	committed, err := stampF.Get()
	if err != nil {
		return err
	}
	err = e.db.ReadTransact(ctx, func(tr kv.ReadTransaction) error {
		_, err := e.m.LoadRegistration(tr, committed)
		return err
	})
	if err != nil {
		return err
	}
	stamp, _ := e.m.Registered()
	e.mu.Lock()
	e.pub.stamp = stamp
	e.mu.Unlock()
	e.log.Info("registered", "versionstamp", stamp.String())
	return nil
}

// evict removes dead candidates; the leader does it once per candidate
// timeout. A failure is only logged: the next leader cycle tries again.
func (e *Elector) evict(ctx context.Context) {
	var n int
	err := e.db.Transact(ctx, func(tr kv.Transaction) error {
		// Bounded so that a slow scan cannot hold up the next refresh.
		if cfg, ok := e.m.Config(); ok {
			tr.SetTimeout(cfg.HeartbeatInterval / 2)
		}
		var err error
		n, err = e.el.EvictDeadCandidates(tr, e.clk.Now())
		return err
	})
	if err != nil {
		e.log.Warn("evicting dead candidates failed", logErr, err)
		return
	}
	e.m.Evicted(e.clk.Mono())
	if n > 0 {
		e.log.Info("evicted dead candidates", "count", n)
	}
}

// retryDelay doubles the previous delay, from minRetryDelay up to one
// heartbeat interval (one second before the config is known).
func (e *Elector) retryDelay(prev time.Duration) time.Duration {
	ceiling := time.Second
	if cfg, ok := e.m.Config(); ok {
		ceiling = cfg.HeartbeatInterval
	}
	return min(max(2*prev, minRetryDelay), ceiling)
}

// noteError records and logs a failed step.
func (e *Elector) noteError(err error, delay time.Duration) {
	e.mu.Lock()
	e.lastErr = err
	e.mu.Unlock()
	e.opts.Metrics.cycleError(e.id)
	e.log.Warn("election cycle failed", logErr, err, logDelay, delay)
}

// initialize writes the Init config if the election has none.
func (e *Elector) initialize(ctx context.Context) error {
	err := e.db.Transact(ctx, func(tr kv.Transaction) error {
		return e.el.Initialize(tr, *e.opts.Init)
	})
	if err != nil {
		return err
	}
	e.log.Info("initialized the election", "lease", e.opts.Init.LeaseDuration)
	return nil
}

// noteProgress records a finished step.
func (e *Elector) noteProgress(plan Plan) {
	e.mu.Lock()
	e.lastErr = nil
	e.lastProgress = e.clk.Mono()
	e.mu.Unlock()
	e.log.Debug("cycle", logAction, plan.Action.String(), logReason, plan.Reason)
}

// shutdown stops acting as leader, then resigns and unregisters, bounded by
// ShutdownTimeout. It runs even though ctx has ended.
func (e *Elector) shutdown(ctx context.Context) error {
	e.m.Demote()
	e.transition(Plan{Action: ActResign}, "stopping")
	if !e.m.registered {
		return nil
	}

	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.opts.ShutdownTimeout)
	defer cancel()
	err := e.db.Transact(ctx, func(tr kv.Transaction) error {
		if _, err := e.m.Resign(tr); err != nil {
			return err
		}
		return e.m.Unregister(tr)
	})
	if err != nil {
		return fmt.Errorf("election: resigning and unregistering on shutdown: %w", err)
	}
	e.m.Forget()
	return nil
}

// answer sends the outcome of a request to its caller, if there is one.
func (r *request) answer(err error) {
	if r != nil {
		r.reply <- err
	}
}

// requestOutcome says whether a committed cycle did what req asked.
func requestOutcome(req Request, plan Plan) error {
	switch {
	case req.Resign && plan.Action != ActResign:
		return ErrNotLeader
	case req.HandoffTo != "" && plan.Action == ActHandoff:
		return nil
	case req.HandoffTo != "" && plan.Action == ActRefresh:
		return fmt.Errorf("%w: %q is not a live registered candidate", ErrHandoffRefused,
			req.HandoffTo)
	case req.HandoffTo != "":
		return ErrNotLeader
	}
	return nil
}

// watchSet holds the watches of the last committed cycle.
type watchSet [4]kv.FutureNil

// ch returns the ready channel of watch i, or nil (never ready) if there
// is none.
func (w *watchSet) ch(i int) <-chan struct{} {
	if w[i] == nil {
		return nil
	}
	return w[i].Ready()
}

// dropReady cancels and forgets the watches that are ready.
func (w *watchSet) dropReady() {
	for i, f := range w {
		if f != nil && f.IsReady() {
			f.Cancel()
			w[i] = nil
		}
	}
}

func (w *watchSet) cancel() {
	for i, f := range w {
		if f != nil {
			f.Cancel()
			w[i] = nil
		}
	}
}
