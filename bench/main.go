package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// The latency of a small FoundationDB cluster on one network, given to
// kv/memkv for the second fdbelect row: the in-process engine answers in
// microseconds, which would flatter fdbelect next to etcd's loopback gRPC
// and raft round trips.
const (
	fdbReadLatency   = time.Millisecond
	fdbCommitLatency = 3 * time.Millisecond
	slowLabel        = "fdbelect, reads 1 ms, commits 3 ms"
)

// options are the command-line settings.
type options struct {
	out         string
	ttl         int
	trials      int
	handovers   int
	parallel    int
	settle      time.Duration
	rtt         time.Duration
	rttCycles   int
	elections   int
	fleetWindow time.Duration
	simRuns     int
	skipEtcd    bool
}

func main() {
	var o options
	flag.StringVar(&o.out, "out", "../docs", "directory for BENCHMARKS.md and the chart")
	flag.IntVar(&o.ttl, "ttl", 1, "lease of every system, in whole seconds (etcd's unit)")
	flag.IntVar(&o.trials, "trials", 100, "crash trials per system")
	flag.IntVar(&o.handovers, "handovers", 100, "handovers per system and mode")
	flag.IntVar(&o.parallel, "parallel", 10, "elections measured at once")
	flag.DurationVar(&o.settle, "settle", 400*time.Millisecond,
		"wait before a settled handover")
	flag.DurationVar(&o.rtt, "rtt", 5*time.Millisecond, "read latency of the round-trip test")
	flag.IntVar(&o.rttCycles, "rtt-cycles", 40, "cycles of the round-trip test")
	flag.IntVar(&o.elections, "elections", 1000, "elections of the fleet test")
	flag.DurationVar(&o.fleetWindow, "fleet-window", 15*time.Second,
		"measuring window of the fleet test")
	flag.IntVar(&o.simRuns, "sim-runs", 3, "simulator runs")
	flag.BoolVar(&o.skipEtcd, "skip-etcd", false, "leave etcd out")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, o options) error {
	if o.ttl < 1 || o.trials < 1 || o.handovers < 1 || o.parallel < 1 {
		return fmt.Errorf("bench: -ttl, -trials, -handovers and -parallel must be positive")
	}
	start := time.Now()
	r := &results{opts: o, machine: thisMachine()}

	step("round trips", func() error {
		var err error
		r.rtt, err = measureRoundTrips(ctx, o.rtt, o.rttCycles)
		return err
	}, &r.errs)
	step("cycle cost", func() error { return r.measureCost(ctx) }, &r.errs)
	step("fleet", func() error {
		var err error
		r.fleet, err = measureFleet(ctx, o.elections, candidates, time.Second,
			6*time.Second, o.fleetWindow)
		return err
	}, &r.errs)
	step("simulator", func() error {
		var err error
		r.sim, err = measureSim(o.simRuns)
		return err
	}, &r.errs)

	lease := time.Duration(o.ttl) * time.Second
	cfg := election.ConfigWithLease(lease)
	db := memkv.New(memkv.Options{})
	slow := memkv.New(memkv.Options{ReadLatency: fdbReadLatency, CommitLatency: fdbCommitLatency})
	r.systems = append(r.systems,
		r.measureSystem(ctx, &fdbelectSystem{label: "fdbelect", db: db, cfg: cfg}),
		r.measureSystem(ctx, &fdbelectSystem{label: slowLabel, db: slow, cfg: cfg}),
		r.measureSystem(ctx, &pollerSystem{db: db, leaseDur: lease}))
	if !o.skipEtcd {
		step("etcd", func() error {
			sys, err := startEtcd(o.ttl)
			if err != nil {
				return err
			}
			defer sys.stop()
			r.systems = append(r.systems, r.measureSystem(ctx, sys))
			return nil
		}, &r.errs)
	}
	r.took = time.Since(start)

	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	md := filepath.Join(o.out, "BENCHMARKS.md")
	if err := os.WriteFile(md, r.markdown(), 0o644); err != nil {
		return err
	}
	svg := filepath.Join(o.out, "benchmarks-failover.svg")
	if err := os.WriteFile(svg, r.chart(), 0o644); err != nil {
		return err
	}
	log.Printf("wrote %s and %s in %v", md, svg, r.took.Round(time.Second))
	return nil
}

// step runs one measurement, logs it and keeps its error for the report.
func step(name string, fn func() error, errs *[]string) {
	t := time.Now()
	log.Printf("%s ...", name)
	if err := fn(); err != nil {
		log.Printf("%s failed: %v", name, err)
		*errs = append(*errs, fmt.Sprintf("%s: %v", name, err))
		return
	}
	log.Printf("%s done in %v", name, time.Since(t).Round(time.Millisecond))
}
