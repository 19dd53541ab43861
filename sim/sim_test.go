package sim_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/sim"
)

// seeds returns how many seeds a sweep covers: SIM_SEEDS, or def.
func seeds(t testing.TB, def int) int {
	s := os.Getenv("SIM_SEEDS")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("SIM_SEEDS=%q: want a positive integer", s)
	}
	return n
}

// sweepDefault is the default sweep size; the race detector makes runs
// about ten times slower, so its sweep is smaller.
func sweepDefault() int {
	if raceEnabled {
		return 15
	}
	return 150
}

func run(t *testing.T, cfg sim.Config) *sim.Result {
	t.Helper()
	r, err := sim.Run(cfg)
	if err != nil {
		t.Fatalf("Run(seed %d): %v", cfg.Seed, err)
	}
	return r
}

// TestSweep runs the fixed Machine under every fault for many seeds and
// expects no violation. SIM_SEEDS and SIM_DURATION widen it; SIM_FAULTS
// (a ParseFaults list) narrows the faults.
func TestSweep(t *testing.T) {
	n := seeds(t, sweepDefault())
	dur := time.Minute
	if s := os.Getenv("SIM_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("SIM_DURATION=%q: %v", s, err)
		}
		dur = d
	}
	faults := sim.AllFaults()
	if s := os.Getenv("SIM_FAULTS"); s != "" {
		f, err := sim.ParseFaults(s)
		if err != nil {
			t.Fatalf("SIM_FAULTS: %v", err)
		}
		faults = f
	}
	var total sim.Stats
	for seed := int64(1); seed <= int64(n); seed++ {
		cfg := sim.DefaultConfig()
		cfg.Seed, cfg.Duration, cfg.Faults = seed, dur, faults
		r := run(t, cfg)
		for _, v := range r.Violations {
			t.Errorf("seed %d: %v\n%s", seed, v, r.Excerpt(v, 12))
		}
		total.Elections += r.Stats.Elections
		total.Failovers += r.Stats.Failovers
		total.Crashes += r.Stats.Crashes
		total.Pauses += r.Stats.Pauses
		total.FencedWrites += r.Stats.FencedWrites
		total.MaxTakeover = max(total.MaxTakeover, r.Stats.MaxTakeover)
		total.TakeoversChecked += r.Stats.TakeoversChecked
	}
	t.Logf("%d seeds × %v: %d elections, %d failovers (max %v, %d held to the bound), "+
		"%d crashes, %d pauses, %d fenced writes", n, dur, total.Elections, total.Failovers,
		total.MaxTakeover, total.TakeoversChecked, total.Crashes, total.Pauses,
		total.FencedWrites)
	if total.Elections == 0 || total.TakeoversChecked == 0 || total.FencedWrites == 0 {
		t.Errorf("the sweep exercised too little: %+v", total)
	}
}

// TestWideClocksStaySafe checks the margin the fixed Machine keeps: wall
// clocks up to 1.9 × MaxClockSkew apart, as the wall-clock negative control
// uses, break no invariant, under its fault mix and under every fault.
func TestWideClocksStaySafe(t *testing.T) {
	for seed := int64(1); seed <= int64(seeds(t, sweepDefault()/3)); seed++ {
		cfg := sim.FlawConfig(election.Flaws{WallClockTakeover: true})
		cfg.Flaws = election.Flaws{}
		cfg.Seed = seed
		if seed%2 == 0 {
			cfg.Faults = sim.AllFaults()
		}
		r := run(t, cfg)
		for _, v := range r.Violations {
			t.Errorf("seed %d: %v\n%s", seed, v, r.Excerpt(v, 12))
		}
	}
}

// TestNegativeControls switches each 0.11.0 flaw back on and expects the
// checker to report the invariant it breaks within 50 seeds.
func TestNegativeControls(t *testing.T) {
	tests := []struct {
		flaw string
		want string
	}{
		{"reset-ballot", sim.InvBallots},
		{"wall-clock", sim.InvSingleLeader},
		{"instant-preemption", sim.InvSingleLeader},
		{"dead-candidate", sim.InvLiveClaim},
	}
	for _, tt := range tests {
		t.Run(tt.flaw, func(t *testing.T) {
			f, err := sim.ParseFlaw(tt.flaw)
			if err != nil {
				t.Fatal(err)
			}
			for seed := int64(1); seed <= 50; seed++ {
				cfg := sim.FlawConfig(f)
				cfg.Seed = seed
				r := run(t, cfg)
				for _, v := range r.Violations {
					if v.Invariant == tt.want {
						t.Logf("seed %d: %v", seed, v)
						return
					}
				}
			}
			t.Errorf("flaw %s: no %s violation within 50 seeds", tt.flaw, tt.want)
		})
	}
}

// TestDeterminism runs the same seed twice and different seeds once.
func TestDeterminism(t *testing.T) {
	cfg := sim.DefaultConfig()
	cfg.Seed = 42
	a, b := run(t, cfg), run(t, cfg)
	if a.Hash != b.Hash {
		t.Fatalf("same seed: hashes %s and %s differ", a.Hash, b.Hash)
	}
	if len(a.History) != len(b.History) {
		t.Fatalf("same seed: %d and %d events", len(a.History), len(b.History))
	}
	for i := range a.History {
		if a.History[i] != b.History[i] {
			t.Fatalf("same seed: event %d differs: %v / %v", i, a.History[i], b.History[i])
		}
	}

	// Runs share no state: concurrent runs of one seed agree too.
	hashes := make(chan string, 4)
	for range 4 {
		go func() {
			r, err := sim.Run(cfg)
			if err != nil {
				hashes <- err.Error()
				return
			}
			hashes <- r.Hash
		}()
	}
	for range 4 {
		if h := <-hashes; h != a.Hash {
			t.Errorf("concurrent run: hash %s, want %s", h, a.Hash)
		}
	}

	seen := map[string]int64{a.Hash: 42}
	for seed := int64(1); seed <= 5; seed++ {
		cfg.Seed = seed
		r := run(t, cfg)
		if prev, dup := seen[r.Hash]; dup {
			t.Errorf("seeds %d and %d give the same hash %s", prev, seed, r.Hash)
		}
		seen[r.Hash] = seed
	}
}

// TestExcerpt checks that an excerpt shows the violation amid its history.
func TestExcerpt(t *testing.T) {
	cfg := sim.FlawConfig(election.Flaws{InstantPreemption: true})
	r := run(t, cfg)
	if len(r.Violations) == 0 {
		t.Fatal("expected violations with instant preemption")
	}
	v := r.Violations[0]
	got := r.Excerpt(v, 5)
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) < 2 || len(lines) > 11 {
		t.Errorf("excerpt has %d lines, want 2..11:\n%s", len(lines), got)
	}
	if !strings.Contains(got, ">>> ") || !strings.Contains(got, v.Detail) {
		t.Errorf("excerpt does not mark the violation:\n%s", got)
	}
	if empty := r.Excerpt(v, 0); strings.Count(empty, "\n") != 1 {
		t.Errorf("Excerpt(v, 0) = %q, want only the marker line", empty)
	}
}

// TestTimelineSVG checks that the timeline is well-formed XML with one
// lane per elector and a bar per belief.
func TestTimelineSVG(t *testing.T) {
	cfg := sim.DefaultConfig()
	cfg.Electors = 4
	r := run(t, cfg)
	var buf bytes.Buffer
	if err := sim.WriteTimelineSVG(&buf, r); err != nil {
		t.Fatal(err)
	}

	lanes, beliefs := 0, 0
	dec := xml.NewDecoder(&buf)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		for _, a := range se.Attr {
			if a.Name.Local == "class" && a.Value == "lane" {
				lanes++
			}
			if a.Name.Local == "class" && a.Value == "belief" {
				beliefs++
			}
		}
	}
	if lanes != cfg.Electors {
		t.Errorf("lanes = %d, want %d", lanes, cfg.Electors)
	}
	if beliefs != len(r.Beliefs) || beliefs == 0 {
		t.Errorf("belief bars = %d, want %d (> 0)", beliefs, len(r.Beliefs))
	}
}

func TestParseFaults(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"", "none", false},
		{"none", "none", false},
		{"all", sim.AllFaults().String(), false},
		{"crash, Pause", "crash,pause", false},
		{"latency,unknown,evict", "latency,unknown,evict", false},
		{"crash,bogus", "", true},
	}
	for _, tt := range tests {
		got, err := sim.ParseFaults(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseFaults(%q) error = %v, want error %t", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil {
			if !errors.Is(err, sim.ErrUnknownFault) {
				t.Errorf("ParseFaults(%q) error %v does not wrap ErrUnknownFault", tt.in, err)
			}
			continue
		}
		if got.String() != tt.want {
			t.Errorf("ParseFaults(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseFlaw(t *testing.T) {
	tests := []struct {
		in      string
		want    election.Flaws
		wantErr bool
	}{
		{"none", election.Flaws{}, false},
		{"reset-ballot", election.Flaws{ResetBallotOnResign: true}, false},
		{"WallClockTakeover", election.Flaws{WallClockTakeover: true}, false},
		{"instant-preemption,dead-candidate",
			election.Flaws{InstantPreemption: true, DeadCandidateClaims: true}, false},
		{"all", election.Flaws{ResetBallotOnResign: true, WallClockTakeover: true,
			InstantPreemption: true, DeadCandidateClaims: true}, false},
		{"sloppy", election.Flaws{}, true},
	}
	for _, tt := range tests {
		got, err := sim.ParseFlaw(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseFlaw(%q) = %+v, %v; want %+v, error %t", tt.in, got, err,
				tt.want, tt.wantErr)
		}
		if err != nil && !errors.Is(err, sim.ErrUnknownFlaw) {
			t.Errorf("ParseFlaw(%q) error %v does not wrap ErrUnknownFlaw", tt.in, err)
		}
		if err == nil && sim.FlawString(got) == "" {
			t.Errorf("FlawString(%+v) is empty", got)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*sim.Config)
	}{
		{"no electors", func(c *sim.Config) { c.Electors = 0 }},
		{"too many electors", func(c *sim.Config) { c.Electors = sim.MaxElectors + 1 }},
		{"zero duration", func(c *sim.Config) { c.Duration = 0 }},
		{"skew vs lease", func(c *sim.Config) { c.MaxClockSkew = c.Lease / 2 }},
		{"heartbeat above lease", func(c *sim.Config) { c.Heartbeat = c.Lease }},
		{"latency", func(c *sim.Config) { c.ReadLatency = c.Lease }},
		{"conflict rate", func(c *sim.Config) { c.ConflictRate = 2 }},
		{"drift", func(c *sim.Config) { c.MaxDriftPPM = -1 }},
		{"spread NaN", func(c *sim.Config) { c.ClockSpread = nanValue() }},
		{"fault interval", func(c *sim.Config) { c.FaultInterval = 0 }},
	}
	if err := sim.DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig does not validate: %v", err)
	}
	for _, tt := range tests {
		cfg := sim.DefaultConfig()
		tt.change(&cfg)
		if err := cfg.Validate(); !errors.Is(err, sim.ErrInvalidConfig) {
			t.Errorf("%s: Validate() = %v, want ErrInvalidConfig", tt.name, err)
		}
		if _, err := sim.Run(cfg); !errors.Is(err, sim.ErrInvalidConfig) {
			t.Errorf("%s: Run() error = %v, want ErrInvalidConfig", tt.name, err)
		}
	}
}

func nanValue() float64 {
	zero := 0.0
	return zero / zero
}

// TestNoFaults checks that a calm run elects exactly one leader who keeps
// leading.
func TestNoFaults(t *testing.T) {
	cfg := sim.DefaultConfig()
	cfg.Faults = sim.FaultSet{}
	r := run(t, cfg)
	if len(r.Violations) != 0 {
		t.Fatalf("violations: %v", r.Violations)
	}
	if r.Stats.Elections != 1 {
		t.Errorf("elections = %d, want 1", r.Stats.Elections)
	}
	if len(r.Beliefs) != 1 || r.Beliefs[0].To != cfg.Duration {
		t.Errorf("beliefs = %+v, want one lasting to the end", r.Beliefs)
	}
}

// BenchmarkRun reports how many virtual seconds five electors simulate
// per wall-clock second, with every fault on.
func BenchmarkRun(b *testing.B) {
	cfg := sim.DefaultConfig()
	cfg.Duration = 10 * time.Minute
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		cfg.Seed = int64(i + 1)
		if _, err := sim.Run(cfg); err != nil {
			b.Fatal(err)
		}
	}
	virtual := time.Duration(b.N) * cfg.Duration
	b.ReportMetric(virtual.Seconds()/time.Since(start).Seconds(), "sim-s/s")
}

// TestMachineFindings replays seeds on which the checker once caught the
// election Machine itself breaking an invariant, so that the fixed bugs do
// not come back. Pinned seeds can stop exercising the exact interleaving
// when the Machine changes; the sweeps cover the same faults broadly.
func TestMachineFindings(t *testing.T) {
	tests := []struct {
		name   string
		seeds  []int64
		dur    time.Duration
		faults string
		why    string
	}{
		{
			name: "takeover after a lease cut", seeds: []int64{3, 39, 242, 502, 530, 797},
			dur: 2 * time.Minute, faults: "all",
			why: "fixed: a process that starts or wakes after the config's lease was cut " +
				"knows only the short lease; its monotonic takeover rule waits that " +
				"short lease from its first sight of a record written under the long " +
				"one, while the holder still believes it leads (takeoverAt uses only " +
				"the leases this process has seen; the record does not store its own)",
		},
		{
			name: "handoff to a replaced incarnation", seeds: []int64{723},
			dur:    2 * time.Minute,
			faults: "crash,pause,skew,drift,latency,conflict,unknown,resign,preempt,evict",
			why: "fixed: the leader hands over to the requester's candidate record read by " +
				"snapshot; the requester re-registers (new versionstamp) before the " +
				"handoff commits, and with no read conflict on the target's key the " +
				"record ends up naming an incarnation that no longer exists",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := sim.ParseFaults(tt.faults)
			if err != nil {
				t.Fatal(err)
			}
			for _, seed := range tt.seeds {
				cfg := sim.DefaultConfig()
				cfg.Seed, cfg.Duration, cfg.Faults = seed, tt.dur, f
				r := run(t, cfg)
				for _, v := range r.Violations {
					msg := fmt.Sprintf("seed %d, %v, faults %s: %v\n%s\ncause: %s", seed,
						tt.dur, tt.faults, v, r.Excerpt(v, 6), tt.why)
					t.Error(msg)
				}
			}
		})
	}
}
