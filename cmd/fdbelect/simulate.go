package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fdbelect/fdbelect/sim"
)

// simulateOptions are the settings of fdbelect simulate.
type simulateOptions struct {
	seeds    int
	seed     int64
	duration time.Duration
	electors int
	lease    time.Duration
	faults   string
	flaw     string
	json     bool
	timeline string
	excerpt  int
}

func (a *app) simulateCommand() *cobra.Command {
	var o simulateOptions
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Run seeded simulations under faults and check the invariants",
		Long: `simulate runs the election's decision code for many processes on the
embedded engine under a virtual clock and a seeded scheduler, injecting
crashes, pauses, clock skew and drift, latency, conflicts, ambiguous
commits, resignations, preemptions and config changes. Each seed is one
deterministic run: the same seed and flags replay the same history, byte
for byte (compare the hashes).

After every run the invariants are checked: at most one leader at any true
instant, ballots strictly increasing, fenced writes only under their
writer's leadership, takeover within lease + heartbeat + skew after a
crash, no lost or duplicated registrations. On a violation it prints the
command that replays the seed and the history around the violation, and
exits non-zero.

--break switches a flaw of the original recipe back on (reset-ballot,
wall-clock, instant-preemption, dead-candidate, or all): a negative control
showing that the checker catches what the fixes prevent.`,
		Example: `  fdbelect simulate
  fdbelect simulate --seeds 200 --duration 2m
  fdbelect simulate --seed 17 --seeds 1 --timeline run17.svg
  fdbelect simulate --faults crash,pause,skew --electors 3
  fdbelect simulate --break reset-ballot --seeds 5
  fdbelect simulate --seeds 20 --json | jq .violations`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := o.config(cmd)
			if err != nil {
				return err
			}
			ctx, release := a.interruptible(cmd.Context())
			defer release()
			return a.simulate(ctx, o, cfg)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.seeds, "seeds", 20, "number of seeds to run")
	f.Int64Var(&o.seed, "seed", 1, "first seed; the run uses seed, seed+1, ...")
	f.DurationVar(&o.duration, "duration", time.Minute, "virtual time per run")
	f.IntVar(&o.electors, "electors", 5, "processes per run")
	f.DurationVar(&o.lease, "lease", 6*time.Second, "lease of the election")
	f.StringVar(&o.faults, "faults", "all", "comma-separated faults: all, none, or any of "+
		"crash, pause, skew, drift, latency, conflict, unknown, resign, preempt, config, evict")
	f.StringVar(&o.flaw, "break", "", "switch a flaw of the original recipe back on: "+
		"reset-ballot, wall-clock, instant-preemption, dead-candidate, all")
	f.BoolVar(&o.json, "json", false, "print one JSON object instead of the table")
	f.StringVar(&o.timeline, "timeline", "",
		"write an SVG timeline of the first failing seed (or of the first seed) to this file")
	f.IntVar(&o.excerpt, "excerpt", 10, "history lines shown before and after a violation")
	return cmd
}

// config validates the flags and builds the simulation config of the first
// seed.
func (o *simulateOptions) config(cmd *cobra.Command) (sim.Config, error) {
	if o.seeds < 1 || o.seeds > 1_000_000 {
		return sim.Config{}, usageError("--seeds must be between 1 and 1000000, not %d", o.seeds)
	}
	if o.excerpt < 0 {
		return sim.Config{}, usageError("--excerpt must not be negative")
	}
	faults, err := sim.ParseFaults(o.faults)
	if err != nil {
		return sim.Config{}, fmt.Errorf("%w: --faults: %w", errUsage, err)
	}
	flaws, err := sim.ParseFlaw(o.flaw)
	if err != nil {
		return sim.Config{}, fmt.Errorf("%w: --break: %w", errUsage, err)
	}

	cfg := sim.FlawConfig(flaws)
	cfg.Seed = o.seed
	cfg.Faults = faults
	cfg.Duration = o.duration
	cfg.Electors = o.electors
	if cmd.Flags().Changed("lease") {
		// Keep the default proportions of skew and fault timing to the lease.
		scale := float64(o.lease) / float64(cfg.Lease)
		cfg.Lease = o.lease
		cfg.MaxClockSkew = time.Duration(float64(cfg.MaxClockSkew) * scale)
		cfg.PauseMax = time.Duration(float64(cfg.PauseMax) * scale)
		cfg.RestartDelay = time.Duration(float64(cfg.RestartDelay) * scale)
		cfg.ResignHoldoff = time.Duration(float64(cfg.ResignHoldoff) * scale)
		cfg.ReadLatency = min(cfg.ReadLatency, cfg.Lease/20)
		cfg.CommitLatency = min(cfg.CommitLatency, cfg.Lease/20)
	}
	if err := cfg.Validate(); err != nil {
		return sim.Config{}, fmt.Errorf("%w: %w", errUsage, err)
	}
	return cfg, nil
}

// replay returns the command line that replays seed alone.
func (o *simulateOptions) replay(cfg sim.Config, seed int64) string {
	faults := cfg.Faults.String()
	if cfg.Faults == sim.AllFaults() {
		faults = "all"
	}
	args := []string{"fdbelect simulate", "--seed", fmt.Sprint(seed), "--seeds 1",
		"--duration", o.duration.String(), "--electors", fmt.Sprint(o.electors),
		"--lease", cfg.Lease.String(), "--faults", faults}
	if f := sim.FlawString(cfg.Flaws); f != "none" {
		args = append(args, "--break", f)
	}
	return strings.Join(args, " ")
}

// simulateJSON is the output of simulate --json.
type simulateJSON struct {
	Seeds       int           `json:"seeds"`
	Violations  int           `json:"violations"`
	FailedSeeds int           `json:"failed_seeds"`
	Faults      string        `json:"faults"`
	Flaws       string        `json:"flaws"`
	DurationMS  int64         `json:"duration_ms"`
	Electors    int           `json:"electors"`
	LeaseMS     int64         `json:"lease_ms"`
	Runs        []seedRunJSON `json:"runs"`
}

// seedRunJSON is one seed's run in simulate --json.
type seedRunJSON struct {
	Seed          int64    `json:"seed"`
	Hash          string   `json:"hash"`
	Violations    int      `json:"violations"`
	Details       []string `json:"details,omitempty"`
	Replay        string   `json:"replay,omitempty"`
	Commits       int      `json:"commits"`
	Elections     int      `json:"elections"`
	Failovers     int      `json:"failovers"`
	MaxTakeoverMS float64  `json:"max_takeover_ms"`
	FencedWrites  int      `json:"fenced_writes"`
	Faults        int      `json:"faults_injected"`
}

// simulate runs every seed, shows progress, and reports.
func (a *app) simulate(ctx context.Context, o simulateOptions, cfg sim.Config) error {
	var bar *progressBar
	if a.isTerminal(a.stderr) {
		bar = &progressBar{w: a.stderr, total: o.seeds}
	}
	results, err := runSeeds(ctx, cfg, o.seeds, bar)
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("simulate: interrupted after %d of %d seeds", len(results), o.seeds)
	}

	if o.timeline != "" {
		if err := writeTimeline(o.timeline, results); err != nil {
			return err
		}
		fmt.Fprintf(a.stderr, "fdbelect: timeline of seed %d written to %s\n",
			timelineSeed(results), o.timeline)
	}

	failed, total := 0, 0
	for _, r := range results {
		if !r.Passed() {
			failed++
			total += len(r.Violations)
		}
	}
	if o.json {
		if err := writeJSON(a.stdout, o.toJSON(cfg, results, total, failed)); err != nil {
			return err
		}
	} else {
		o.printReport(a.stdout, cfg, results, failed, total)
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("simulate: %w in %d of %d seeds",
			errViolation, failed, len(results))}
	}
	return nil
}

// runSeeds runs cfg for seeds cfg.Seed, cfg.Seed+1, ... on one goroutine per
// core and returns the results in seed order. It stops early when ctx ends.
func runSeeds(ctx context.Context, cfg sim.Config, n int, bar *progressBar) ([]*sim.Result,
	error) {
	results := make([]*sim.Result, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c := cfg
				c.Seed = cfg.Seed + int64(i)
				results[i], errs[i] = sim.Run(c)
				bar.done(results[i])
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	bar.finish()

	var out []*sim.Result
	for i := range n {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if results[i] == nil {
			break
		}
		out = append(out, results[i])
	}
	return out, nil
}

func (o *simulateOptions) toJSON(cfg sim.Config, results []*sim.Result, total,
	failed int) simulateJSON {
	out := simulateJSON{Seeds: len(results), Violations: total, FailedSeeds: failed,
		Faults: cfg.Faults.String(), Flaws: sim.FlawString(cfg.Flaws),
		DurationMS: cfg.Duration.Milliseconds(), Electors: cfg.Electors,
		LeaseMS: cfg.Lease.Milliseconds(), Runs: []seedRunJSON{}}
	for _, r := range results {
		run := seedRunJSON{Seed: r.Seed, Hash: r.Hash, Violations: len(r.Violations),
			Commits: r.Stats.Commits, Elections: r.Stats.Elections,
			Failovers: r.Stats.Failovers, MaxTakeoverMS: toMS(r.Stats.MaxTakeover),
			FencedWrites: r.Stats.FencedWrites, Faults: r.Stats.FaultsInjected()}
		for _, v := range r.Violations {
			run.Details = append(run.Details, v.String())
		}
		if !r.Passed() {
			run.Replay = o.replay(cfg, r.Seed)
		}
		out.Runs = append(out.Runs, run)
	}
	return out
}

// maxRows is how many seeds the table lists when all pass.
const maxRows = 20

// maxDetailed is how many failing seeds get an excerpt of their history.
const maxDetailed = 3

func (o *simulateOptions) printReport(w io.Writer, cfg sim.Config, results []*sim.Result,
	failed, total int) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEED\tRESULT\tCOMMITS\tELECTIONS\tFAILOVERS\tMAX TAKEOVER\tFAULTS\tHASH")
	var commits, elections, failovers, faults int
	var worst time.Duration
	for _, r := range results {
		st := r.Stats
		commits += st.Commits
		elections += st.Elections
		failovers += st.Failovers
		faults += st.FaultsInjected()
		worst = max(worst, st.MaxTakeover)
		if len(results) > maxRows && r.Passed() {
			continue
		}
		verdict := "ok"
		if !r.Passed() {
			verdict = fmt.Sprintf("%d VIOLATION(S)", len(r.Violations))
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%d\t%s\t%d\t%s\n", r.Seed, verdict, st.Commits,
			st.Elections, st.Failovers, roundDuration(st.MaxTakeover), st.FaultsInjected(),
			r.Hash[:12])
	}
	tw.Flush()
	if len(results) > maxRows {
		fmt.Fprintf(w, "(%d passing seeds not listed)\n", len(results)-failed)
	}

	fmt.Fprintf(w, "\n%d seeds x %s virtual, %d electors, lease %s, faults %s, flaws %s\n",
		len(results), cfg.Duration, cfg.Electors, cfg.Lease, cfg.Faults, sim.FlawString(cfg.Flaws))
	fmt.Fprintf(w, "%d commits, %d elections, %d failovers (longest %s), %d faults injected\n",
		commits, elections, failovers, roundDuration(worst), faults)
	if failed == 0 {
		fmt.Fprintln(w, "verdict: OK, every invariant held in every seed")
		return
	}
	fmt.Fprintf(w, "verdict: %d violation(s) in %d of %d seeds\n", total, failed, len(results))

	shown := 0
	for _, r := range results {
		if r.Passed() || shown == maxDetailed {
			continue
		}
		shown++
		v := r.Violations[0]
		fmt.Fprintf(w, "\nseed %d: %s\n  replay: %s\n  history around it:\n", r.Seed, v,
			o.replay(cfg, r.Seed))
		for _, line := range strings.Split(strings.TrimRight(r.Excerpt(v, o.excerpt), "\n"),
			"\n") {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
}

// progressBar draws the simulation's progress on a terminal. A nil bar
// draws nothing.
type progressBar struct {
	w     io.Writer
	total int

	mu     sync.Mutex
	count  int
	failed int
}

const barWidth = 30

// done counts a finished run and redraws.
func (b *progressBar) done(r *sim.Result) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.count++
	if r != nil && !r.Passed() {
		b.failed++
	}
	filled := barWidth * b.count / b.total
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d seeds, %d failed", strings.Repeat("#", filled),
		strings.Repeat(".", barWidth-filled), b.count, b.total, b.failed)
}

// finish erases the bar.
func (b *progressBar) finish() {
	if b == nil {
		return
	}
	fmt.Fprint(b.w, "\r"+ansiClearLine)
}

// ansiClearLine clears the terminal line from the cursor on.
const ansiClearLine = "\x1b[K"
