package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
)

// childScript writes a /bin/sh script that logs its start to a file, exits
// 7 on SIGTERM and otherwise runs until stopped, or exits with exit when it
// is not empty.
func childScript(t *testing.T, exit string) (script, logFile string) {
	t.Helper()
	body := "#!/bin/sh\necho started >> \"$1\"\necho child-output\n"
	if exit != "" {
		body += "exit " + exit + "\n"
	} else {
		body += "trap 'echo term >> \"$1\"; exit 7' TERM\nwhile :; do sleep 0.02; done\n"
	}
	return writeScript(t, "child.sh", "log", body)
}

// writeScript writes body as an executable script named name in a fresh
// directory, and returns its path and the path of a file named data beside
// it for the script to write to.
func writeScript(t *testing.T, name, data, body string) (script, dataFile string) {
	t.Helper()
	dir := t.TempDir()
	script, dataFile = filepath.Join(dir, name), filepath.Join(dir, data)
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return script, dataFile
}

// countIn counts the lines of file equal to word.
func countIn(file, word string) int {
	b, _ := os.ReadFile(file)
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if line == word {
			n++
		}
	}
	return n
}

// startRun runs "fdbelect run" in the background and returns its error
// channel.
func (h *harness) startRun(ctx context.Context, args ...string) <-chan error {
	a := h.app()
	done := make(chan error, 1)
	go func() {
		done <- a.execute(ctx, append([]string{"--election", "test", "run",
			"--max-clock-skew", "50ms", "--grace", "2s"}, args...))
	}()
	return done
}

func (h *harness) candidateIDs() []string {
	h.t.Helper()
	var ids []string
	err := h.db.ReadTransact(context.Background(), func(tr kv.ReadTransaction) error {
		ids = nil
		cands, err := readAllCandidates(tr, h.el)
		for _, c := range cands {
			ids = append(ids, c.ProcessID)
		}
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return ids
}

func TestRunStopsChildOnLossAndRestartsIt(t *testing.T) {
	h := newHarness(t)
	h.initialize(election.ConfigWithLease(time.Second))
	script, logFile := childScript(t, "")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := h.startRun(ctx, "--id", "a", "--", script, logFile)
	waitFor(t, "the child to start", 10*time.Second, func() bool {
		return countIn(logFile, "started") == 1
	})

	// An operator makes a resign: leadership is lost, so the child gets
	// SIGTERM; a then wins again and starts a new child.
	h.tx(func(tr kv.Transaction) error {
		ok, err := h.el.ResignLeadership(tr, "a")
		if err == nil && !ok {
			err = errors.New("a did not lead")
		}
		return err
	})
	waitFor(t, "SIGTERM on loss", 10*time.Second, func() bool {
		return countIn(logFile, "term") == 1
	})
	waitFor(t, "the child to start again", 10*time.Second, func() bool {
		return countIn(logFile, "started") == 2
	})

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
	if got := countIn(logFile, "term"); got != 2 {
		t.Errorf("child got SIGTERM %d times, want 2 (loss, then shutdown)", got)
	}
	if l := h.leader(); l == nil || !l.Vacant() {
		t.Errorf("leader record after run = %+v, want vacant (resigned)", l)
	}
	if ids := h.candidateIDs(); len(ids) != 0 {
		t.Errorf("candidates after run = %v, want none (unregistered)", ids)
	}
	stderr := h.stderr.String()
	for _, want := range []string{"elected at ballot", "stopping", "with SIGTERM"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not mention %q", stderr, want)
		}
	}
}

func TestRunPropagatesExitStatus(t *testing.T) {
	h := newHarness(t)
	h.initialize(election.ConfigWithLease(time.Second))
	script, logFile := childScript(t, "3")

	err := <-h.startRun(context.Background(), "--id", "a", "--", script, logFile)
	if got := exitCode(err); got != 3 {
		t.Fatalf("run: err = %v, exit code %d, want 3", err, got)
	}
	if !strings.Contains(h.stdout.String(), "child-output") {
		t.Errorf("stdout %q lacks the child's output", h.stdout.String())
	}
	if l := h.leader(); l == nil || !l.Vacant() {
		t.Errorf("leader record after the child exited = %+v, want vacant", l)
	}
	if ids := h.candidateIDs(); len(ids) != 0 {
		t.Errorf("candidates after run = %v, want none", ids)
	}
}

func TestRunForwardsSignals(t *testing.T) {
	h := newHarness(t)
	h.initialize(election.ConfigWithLease(time.Second))
	script, logFile := childScript(t, "")

	done := h.startRun(context.Background(), "--id", "a", "--", script, logFile)
	waitFor(t, "the child to start", 10*time.Second, func() bool {
		return countIn(logFile, "started") == 1
	})
	h.sigs <- syscall.SIGTERM
	err := <-done
	if got := exitCode(err); got != 7 {
		t.Fatalf("run: err = %v, exit code %d, want the child's 7", err, got)
	}
	if countIn(logFile, "term") != 1 {
		t.Errorf("the child did not log the forwarded SIGTERM")
	}
}

func TestRunFollowerExitsOnSignal(t *testing.T) {
	h := newHarness(t)
	h.initialize(election.ConfigWithLease(time.Minute))
	h.register("z", 0, time.Now())
	h.claim("z")
	script, logFile := childScript(t, "")

	done := h.startRun(context.Background(), "--id", "b", "--", script, logFile)
	waitFor(t, "b to register", 10*time.Second, func() bool {
		return len(h.candidateIDs()) == 2
	})
	h.sigs <- syscall.SIGINT
	err := <-done
	if got := exitCode(err); got != 130 {
		t.Fatalf("run: err = %v, exit code %d, want 130", err, got)
	}
	if countIn(logFile, "started") != 0 {
		t.Errorf("a follower started the command")
	}
	if ids := h.candidateIDs(); len(ids) != 1 || ids[0] != "z" {
		t.Errorf("candidates after run = %v, want only z", ids)
	}
}

func TestRunMissingCommand(t *testing.T) {
	h := newHarness(t)
	h.initialize(election.ConfigWithLease(time.Second))
	err := <-h.startRun(context.Background(), "--id", "a", "--",
		filepath.Join(t.TempDir(), "no-such-program"))
	if got := exitCode(err); got != 127 || !strings.Contains(err.Error(), "starting") {
		t.Fatalf("run: err = %v, exit code %d, want 127 and a starting error", err, got)
	}
}

func TestRunReportsUninitializedElection(t *testing.T) {
	h := newHarness(t)
	script, logFile := childScript(t, "")
	done := h.startRun(context.Background(), "--id", "a", "--", script, logFile)
	waitFor(t, "the warning", 10*time.Second, func() bool {
		return strings.Contains(h.stderr.String(), "not initialized")
	})
	h.sigs <- syscall.SIGTERM
	if got := exitCode(<-done); got != 143 {
		t.Errorf("exit code after SIGTERM = %d, want 143", got)
	}
}

func TestRunNeverOverlapsCommands(t *testing.T) {
	h := newHarness(t)
	h.initialize(election.ConfigWithLease(time.Second))
	script, logFile := writeScript(t, "stubborn.sh", "log",
		"#!/bin/sh\necho \"started $$\" >> \"$1\"\ntrap '' TERM\n"+
			"while :; do sleep 0.02; done\n")
	pids := func() []int {
		b, _ := os.ReadFile(logFile)
		var out []int
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				out = append(out, pid)
			}
		}
		return out
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := h.app()
	done := make(chan error, 1)
	go func() {
		done <- a.execute(ctx, []string{"--election", "test", "run", "--id", "a",
			"--max-clock-skew", "50ms", "--grace", "500ms", "--", script, logFile})
	}()
	waitFor(t, "the first command", 10*time.Second, func() bool { return len(pids()) == 1 })

	// The operator's resignation is followed at once by a re-election, but
	// the first command ignores SIGTERM: the second may only start once the
	// first was killed.
	h.tx(func(tr kv.Transaction) error {
		_, err := h.el.ResignLeadership(tr, "a")
		return err
	})
	waitFor(t, "the second command", 10*time.Second, func() bool { return len(pids()) == 2 })
	if err := syscall.Kill(pids()[0], 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("first command still exists when the second started (kill -0: %v)", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.stderr.String(), "sending SIGKILL") {
		t.Errorf("stderr does not mention SIGKILL:\n%s", h.stderr.String())
	}
}

func TestRunStopsWhatTheCommandStarted(t *testing.T) {
	h := newHarness(t)
	h.initialize(election.ConfigWithLease(time.Second))
	// The command starts a process that ignores SIGTERM, then waits.
	script, pidFile := writeScript(t, "parent.sh", "pid",
		"#!/bin/sh\nsh -c 'trap \"\" TERM; while :; do sleep 0.05; done' &\n"+
			"echo $! > \"$1\"\ntrap 'exit 0' TERM\nwait\n")

	ctx, cancel := context.WithCancel(context.Background())
	done := h.startRun(ctx, "--id", "a", "--", script, pidFile)
	var pid int
	waitFor(t, "the grandchild to start", 10*time.Second, func() bool {
		b, err := os.ReadFile(pidFile)
		if err != nil {
			return false
		}
		pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
		return err == nil && pid > 0
	})

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
	waitFor(t, "the grandchild to be gone", 10*time.Second, func() bool {
		return syscall.Kill(pid, 0) != nil
	})
}

func TestRunExitsOnASignalThatArrivesWhileStopping(t *testing.T) {
	h := newHarness(t)
	h.initialize(election.ConfigWithLease(time.Second))
	// The command takes half a second to stop after SIGTERM.
	script, logFile := writeScript(t, "slow.sh", "log",
		"#!/bin/sh\necho started >> \"$1\"\n"+
			"trap 'echo term >> \"$1\"; sleep 0.5; exit 7' TERM\n"+
			"while :; do sleep 0.02; done\n")

	done := h.startRun(context.Background(), "--id", "a", "--", script, logFile)
	waitFor(t, "the child to start", 10*time.Second, func() bool {
		return countIn(logFile, "started") == 1
	})
	h.tx(func(tr kv.Transaction) error { // leadership lost: the command is stopped
		_, err := h.el.ResignLeadership(tr, "a")
		return err
	})
	waitFor(t, "SIGTERM on loss", 10*time.Second, func() bool {
		return countIn(logFile, "term") == 1
	})
	h.sigs <- syscall.SIGTERM // while the command is still stopping

	select {
	case err := <-done:
		if got := exitCode(err); got != 143 {
			t.Errorf("run: err = %v, exit code %d; want 143", err, got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not exit after a SIGTERM that arrived while stopping")
	}
	if got := countIn(logFile, "started"); got != 1 {
		t.Errorf("the command started %d times; want once", got)
	}
}

func TestRunGivesTheCommandItsFencingToken(t *testing.T) {
	h := newHarness(t)
	h.initialize(election.ConfigWithLease(time.Second))
	script, out := writeScript(t, "env.sh", "env",
		"#!/bin/sh\necho \"$FDBELECT_ID $FDBELECT_BALLOT\" > \"$1\"\n")
	if err := <-h.startRun(context.Background(), "--id", "a", "--", script, out); err != nil {
		t.Fatalf("run: %v", err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(b))
	if len(fields) != 2 || fields[0] != "a" {
		t.Fatalf("the command saw %q; want its id and a ballot", b)
	}
	if n, err := strconv.ParseUint(fields[1], 10, 64); err != nil || n == 0 {
		t.Errorf("FDBELECT_BALLOT = %q; want a positive ballot", fields[1])
	}
}

func TestRunCommandNotExecutable(t *testing.T) {
	h := newHarness(t)
	h.initialize(election.ConfigWithLease(time.Second))
	file := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(file, []byte("not a program"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := <-h.startRun(context.Background(), "--id", "a", "--", file)
	if got := exitCode(err); got != 126 {
		t.Errorf("run of a file that is not executable: err = %v, exit code %d; want 126",
			err, got)
	}
}
