package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSimulateJSON(t *testing.T) {
	h := newHarness(t)
	out, _, err := h.run(context.Background(), "simulate", "--seeds", "3", "--seed", "10",
		"--duration", "20s", "--json")
	if err != nil {
		t.Fatalf("simulate: %v", err)
	}
	var got simulateJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if got.Seeds != 3 || got.Violations != 0 || len(got.Runs) != 3 {
		t.Fatalf("summary = %+v, want 3 seeds and no violations", got)
	}
	for i, r := range got.Runs {
		if r.Seed != int64(10+i) || len(r.Hash) != 64 || r.Violations != 0 {
			t.Errorf("run %d = %+v", i, r)
		}
	}

	// The same seed replays the same history.
	again, _, err := h.run(context.Background(), "simulate", "--seeds", "1", "--seed", "11",
		"--duration", "20s", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var one simulateJSON
	if err := json.Unmarshal([]byte(again), &one); err != nil {
		t.Fatal(err)
	}
	if one.Runs[0].Hash != got.Runs[1].Hash {
		t.Errorf("seed 11 hashed %s alone and %s in a batch", one.Runs[0].Hash,
			got.Runs[1].Hash)
	}
}

func TestSimulateBreakFails(t *testing.T) {
	h := newHarness(t)
	out, _, err := h.run(context.Background(), "simulate", "--seeds", "2",
		"--break", "reset-ballot")
	if !errors.Is(err, errViolation) || exitCode(err) == 0 {
		t.Fatalf("simulate --break: err = %v, want a violation and a non-zero exit", err)
	}
	for _, want := range []string{"VIOLATION", "replay: fdbelect simulate --seed",
		"--break reset-ballot", "history around it", ">>>"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}

	// The printed replay command parses and reproduces the violation.
	i := strings.Index(out, "replay: ")
	line := strings.TrimPrefix(strings.SplitN(out[i:], "\n", 2)[0], "replay: ")
	args := strings.Fields(line)[2:] // drop "fdbelect simulate"
	_, _, err = h.run(context.Background(), append([]string{"simulate"}, args...)...)
	if !errors.Is(err, errViolation) {
		t.Errorf("replaying %q: err = %v, want the violation again", line, err)
	}
}

func TestSimulateBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--seeds", "0"}, "--seeds must be between"},
		{[]string{"--faults", "crash,meteor"}, "unknown fault"},
		{[]string{"--break", "nothing"}, "unknown flaw"},
		{[]string{"--electors", "0"}, "electors"},
		{[]string{"--duration", "0s"}, "duration"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			h := newHarness(t)
			_, _, err := h.run(context.Background(), append([]string{"simulate"},
				tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != 2 {
				t.Errorf("err = %v (exit %d), want a usage error about %q", err,
					exitCode(err), tt.want)
			}
		})
	}
}

func TestSimulateTimeline(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(t.TempDir(), "run.svg")
	_, stderr, err := h.run(context.Background(), "simulate", "--seeds", "2",
		"--duration", "15s", "--timeline", path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "<svg") || !strings.Contains(stderr, "seed 1") {
		t.Errorf("timeline starts %.40q, stderr %q; want an SVG of seed 1", b, stderr)
	}
}

func TestSimulateProgressBar(t *testing.T) {
	h := newHarness(t)
	a := h.app()
	a.isTerminal = func(io.Writer) bool { return true }
	err := a.execute(context.Background(), []string{"simulate", "--seeds", "3",
		"--duration", "10s"})
	if err != nil {
		t.Fatal(err)
	}
	if got := h.stderr.String(); !strings.Contains(got, "3/3 seeds, 0 failed") ||
		!strings.HasSuffix(got, "\r"+ansiClearLine) {
		t.Errorf("stderr = %q, want a progress bar that is erased at the end", got)
	}
	if strings.Contains(h.stdout.String(), "\x1b[") {
		t.Errorf("escape codes on stdout")
	}
}
