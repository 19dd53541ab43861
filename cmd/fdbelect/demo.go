package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// demoOptions are the settings of fdbelect demo.
type demoOptions struct {
	electors    int
	duration    time.Duration
	lease       time.Duration
	seed        int64
	chaos       bool
	json        bool
	metricsAddr string
}

func (a *app) demoCommand() *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Watch several electors fail over on the embedded engine",
		Long: `demo starts several real Electors in this process, on the embedded engine
(nothing to install), with real time and real clocks, and shows who leads.

With chaos on (the default) it crashes leaders without letting them resign,
makes leaders resign, pauses a leader for longer than its lease, lets a
higher-priority candidate join (the leader hands over to it) and restarts
crashed processes under the same id, announcing each event as it happens.

On a terminal the view redraws in place; in a pipe it prints timestamped
lines. At the end it prints every leadership change with its cause and the
time without a leader, takeover percentiles, and the verdict of the
simulator's invariant checker, fed with every commit and every elector
event. It exits non-zero if an invariant was violated.`,
		Example: `  fdbelect demo
  fdbelect demo --electors 3 --duration 10s --lease 1s
  fdbelect demo --chaos=false --duration 5s
  fdbelect demo --json | jq .verdict
  fdbelect demo --metrics-addr :9100`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			ctx, release := a.interruptible(cmd.Context())
			defer release()
			return a.runDemo(ctx, o)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.electors, "electors", 5, "number of electors (2 to 50)")
	f.DurationVar(&o.duration, "duration", 30*time.Second, "how long to run")
	f.DurationVar(&o.lease, "lease", 2*time.Second, "lease duration of the election")
	f.Int64Var(&o.seed, "seed", 0, "seed choosing the chaos targets (0: from the clock); "+
		"timing is real, so runs with one seed still differ")
	f.BoolVar(&o.chaos, "chaos", true, "inject crashes, resignations, pauses and preemptions")
	f.BoolVar(&o.json, "json", false, "print the summary as JSON on stdout (narration on stderr)")
	f.StringVar(&o.metricsAddr, "metrics-addr", "",
		"serve Prometheus metrics on this address (host defaults to 127.0.0.1)")
	return cmd
}

func (o *demoOptions) validate() error {
	switch {
	case o.electors < 2 || o.electors > 50:
		return usageError("--electors must be between 2 and 50, not %d", o.electors)
	case o.lease < 100*time.Millisecond || o.lease > time.Minute:
		return usageError("--lease must be between 100ms and 1m, not %v", o.lease)
	case o.duration <= 0 || o.duration > 24*time.Hour:
		return usageError("--duration must be positive and at most 24h, not %v", o.duration)
	}
	return nil
}

// demo is one run of fdbelect demo.
type demo struct {
	o       demoOptions
	db      *memkv.DB
	el      *election.Election
	cfg     election.Config
	rng     *rand.Rand
	view    *demoView
	metrics *metricsServer
	check   *demoCheck
	start   time.Time
	ctx     context.Context // ends when the demo stops its processes

	wg sync.WaitGroup // one per started process, done when its Run returned

	// mu guards the fields below.
	mu      sync.Mutex
	nodes   []*demoNode           // every incarnation, in start order
	record  *election.LeaderState // last leader record committed
	terms   []*demoTerm           // leadership terms, in the order they began
	nextHi  int                   // joiners so far
	crashes int
	fenced  int       // fenced writes that committed
	stopAt  time.Time // when the electors were told to stop
}

// skew is the MaxClockSkew the demo's electors assume. All share one clock,
// so a small bound is honest; it must stay below half the lease.
func (d *demo) skew() time.Duration {
	return min(election.DefaultMaxClockSkew, d.o.lease/5)
}

// runDemo runs the demo until its duration passes or ctx ends, then prints
// the summary.
func (a *app) runDemo(ctx context.Context, o demoOptions) error {
	if o.seed == 0 {
		o.seed = time.Now().UnixNano()%1_000_000 + 1
	}
	narration := a.stdout
	if o.json {
		narration = a.stderr
	}
	live := a.isTerminal(narration)

	d := &demo{
		o:     o,
		el:    election.New(electionSubspace("demo")),
		cfg:   election.ConfigWithLease(o.lease),
		rng:   rand.New(rand.NewPCG(uint64(o.seed), 0xdec0de)),
		start: time.Now(),
	}
	d.check = newDemoCheck(d.el, d.cfg, d.skew(), d.start)
	d.db = memkv.New(memkv.Options{Seed: o.seed, OnCommit: d.onCommit})
	d.view = newDemoView(syncWriter(narration), live, terminalWidth(narration), d)

	var err error
	if d.metrics, err = a.maybeMetrics(o.metricsAddr); err != nil {
		return err
	}
	defer d.metrics.close()

	if err := d.run(ctx); err != nil {
		return err
	}
	sum := d.summarize()
	if o.json {
		if err := writeJSON(a.stdout, sum); err != nil {
			return err
		}
	} else {
		printSummary(a.stdout, sum)
	}
	if !sum.Verdict.OK {
		return &exitError{code: 1, err: fmt.Errorf("demo: %w: %s", errViolation,
			sum.Verdict.Violations[0])}
	}
	return nil
}

// run initializes the election, starts the electors and the chaos, and
// stops everything when the duration is over or ctx ends.
func (d *demo) run(ctx context.Context) error {
	err := d.db.Transact(ctx, func(tr kv.Transaction) error {
		return d.el.Initialize(tr, d.cfg)
	})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}

	stopCtx, stop := context.WithTimeout(ctx, d.o.duration)
	defer stop()
	procCtx, stopProcs := context.WithCancel(context.Background())
	d.ctx = procCtx

	d.view.begin()
	d.view.announce("%d electors on the embedded engine, %s, chaos %s, seed %d",
		d.o.electors, describeConfig(d.cfg), onOff(d.o.chaos), d.o.seed)
	for i := 1; i <= d.o.electors; i++ {
		d.startNode(fmt.Sprintf("e%d", i), 0)
	}

	var chaos sync.WaitGroup
	if d.o.chaos {
		chaos.Add(1)
		go func() {
			defer chaos.Done()
			d.runChaos(stopCtx)
		}()
	}
	<-stopCtx.Done()
	chaos.Wait()

	d.mu.Lock()
	d.stopAt = time.Now()
	d.mu.Unlock()
	d.view.announce("time is up: stopping every elector (they resign on the way out)")
	d.stopAll()
	stopProcs()
	d.wg.Wait()
	d.view.end()
	return nil
}

// onCommit receives every commit of the engine, in commit order, under its
// commit lock: it must not call back into the engine.
func (d *demo) onCommit(info memkv.CommitInfo) {
	d.check.commit(info)
	for _, m := range info.Mutations {
		if m.Kind != memkv.MutationSet || string(m.Key) != string(d.el.LeaderKey()) {
			continue
		}
		l, err := election.DecodeLeader(m.Value)
		if err != nil {
			continue // the checker reports it
		}
		d.mu.Lock()
		d.record = &l
		d.mu.Unlock()
	}
}

// since returns t as an offset from the demo's start.
func (d *demo) since(t time.Time) time.Duration { return t.Sub(d.start) }

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
