package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/subspace"
)

// runOptions are the settings of fdbelect run.
type runOptions struct {
	id          string
	priority    int32
	grace       time.Duration
	skew        time.Duration
	metricsAddr string
	verbose     bool
	argv        []string
}

func (a *app) runCommand() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:                   "run --id ID [--priority P] -- CMD [ARGS...]",
		DisableFlagsInUseLine: true,
		Short:                 "Run a command only while this process leads",
		Long: `run campaigns in the election as candidate ID and starts CMD (directly,
without a shell) each time it is elected. When leadership can no longer be
proven (lease lost, resigned by an operator, taken over by a higher
priority), it sends CMD SIGTERM and, after --grace, SIGKILL, then keeps
campaigning and starts CMD again on its next election.

When CMD exits on its own, run resigns, unregisters and exits with CMD's
status (128+N for a command killed by signal N). SIGINT, SIGTERM, SIGHUP
and SIGQUIT are forwarded to CMD while it runs; without a running CMD they
stop run, which resigns on the way out. Signals go to CMD's whole process
group, and whatever CMD leaves running is killed when it ends.

Exclusion: CMD is signalled the moment leadership ends, but another
candidate may start its own CMD right away, so two can overlap for as long
as CMD takes to stop (at most --grace). Keep --grace short, or have CMD
fence what it writes: it gets FDBELECT_ID and FDBELECT_BALLOT in its
environment, and ballots only grow, across leaders too.

The election must have a config ("fdbelect config init"); until it does,
run logs the error and retries.`,
		Example: `  fdbelect run --election billing --id "$(hostname)" -- ./billing-worker --live
  fdbelect run --election cron --id node-2 --priority 5 --grace 30s -- /usr/bin/cron-jobs`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.argv = args
			if err := o.validate(cmd); err != nil {
				return err
			}
			return a.withElection(func(db kv.Database, el *election.Election) error {
				return a.supervise(cmd.Context(), db, el.Subspace(), o)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.id, "id", "", "candidate id, unique per process (required)")
	f.Int32Var(&o.priority, "priority", 0, "candidate priority; higher is preferred")
	f.DurationVar(&o.grace, "grace", 10*time.Second,
		"time between SIGTERM and SIGKILL when leadership is lost")
	f.DurationVar(&o.skew, "max-clock-skew", election.DefaultMaxClockSkew,
		"bound on the wall-clock difference between participants")
	f.StringVar(&o.metricsAddr, "metrics-addr", "",
		"serve Prometheus metrics on this address (host defaults to 127.0.0.1)")
	f.BoolVarP(&o.verbose, "verbose", "v", false,
		"log the elector's lifecycle and leadership changes, not only its trouble")
	return cmd
}

func (o *runOptions) validate(cmd *cobra.Command) error {
	switch {
	case o.id == "":
		return usageError("run needs --id")
	case len(o.argv) == 0:
		return usageError("run needs a command after --, e.g. fdbelect run --id a -- ./worker")
	case cmd.ArgsLenAtDash() != 0:
		return usageError("put the command after --, e.g. fdbelect run --id a -- %s",
			o.argv[0])
	case o.grace <= 0:
		return usageError("--grace must be positive, not %v", o.grace)
	case o.skew <= 0:
		return usageError("--max-clock-skew must be positive, not %v", o.skew)
	}
	return nil
}

// supervisor starts and stops the command as leadership comes and goes.
type supervisor struct {
	o      runOptions
	stdout io.Writer
	stderr io.Writer

	// finished receives the outcome of a command that exited on its own.
	finished chan childResult

	// turn is held by lead for as long as a command runs or is being
	// stopped, so that a quick re-election never starts a second command
	// beside one still inside its grace period.
	turn sync.Mutex

	mu      sync.Mutex
	child   *os.Process // guarded by mu; the running command, or nil
	exiting bool        // guarded by mu; a command ended on its own: start no other
	// signalled is the last signal forwarded to the command, guarded by mu.
	signalled os.Signal
}

// childResult is how a command ended.
type childResult struct {
	status int
	err    error // set when the command could not be started
}

// supervise runs the election loop and the command until the command exits
// on its own, a signal arrives with no command running, or ctx ends.
func (a *app) supervise(ctx context.Context, db kv.Database, ss subspace.Subspace,
	o runOptions) error {
	metrics, err := a.maybeMetrics(o.metricsAddr)
	if err != nil {
		return err
	}
	defer metrics.close()

	s := &supervisor{o: o, stdout: syncWriter(a.stdout), stderr: syncWriter(a.stderr),
		finished: make(chan childResult, 1)}
	level := slog.LevelWarn
	if o.verbose {
		level = slog.LevelInfo
	}
	el, err := election.NewElector(db, ss, o.id, election.ElectorOptions{
		Priority:     o.priority,
		MaxClockSkew: o.skew,
		Metrics:      metrics.electorMetrics(),
		Logger: slog.New(slog.NewTextHandler(s.stderr,
			&slog.HandlerOptions{Level: level})),
		Callbacks: election.Callbacks{
			OnElected: s.lead,
			OnDemoted: func(reason string) { s.logf("not leader any more: %s", reason) },
		},
	})
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}

	sigs, stopSignals := a.signals()
	defer stopSignals()
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	runErr := make(chan error, 1)
	go func() { runErr <- el.Run(runCtx) }()

	result, err := s.loop(ctx, sigs, runErr)
	stopRun()
	if err == nil {
		err = <-runErr
	}
	return s.outcome(result, err)
}

func (a *app) maybeMetrics(addr string) (*metricsServer, error) {
	if addr == "" {
		return nil, nil
	}
	return startMetrics(addr, a.stderr)
}

// loop waits for the end: the command's own exit, a signal with no command
// to forward it to, the Elector failing, or ctx ending. It returns the
// Elector's error only when the Elector ended first.
func (s *supervisor) loop(ctx context.Context, sigs <-chan os.Signal,
	runErr <-chan error) (*childResult, error) {
	for {
		select {
		case sig := <-sigs:
			if s.forward(sig) {
				continue
			}
			s.logf("%v with no command running; resigning and exiting", sig)
			return &childResult{status: signalStatus(sig)}, nil
		case r := <-s.finished:
			return &r, nil
		case err := <-runErr:
			if err == nil {
				err = errors.New("election loop stopped")
			}
			return nil, fmt.Errorf("run: %w", err)
		case <-ctx.Done():
			return nil, nil
		}
	}
}

// outcome turns how run ended into its error.
func (s *supervisor) outcome(r *childResult, err error) error {
	switch {
	case r != nil && r.err != nil && errors.Is(r.err, fs.ErrPermission):
		return &exitError{code: 126, err: r.err} // found but not executable
	case r != nil && r.err != nil:
		return &exitError{code: 127, err: r.err}
	case r != nil && r.status != 0:
		return &exitError{code: r.status,
			err: fmt.Errorf("run: %s exited with status %d", s.o.argv[0], r.status)}
	case err != nil:
		return err
	}
	return nil
}

// lead is the OnElected callback: it runs the command until it exits or
// leadership ends.
func (s *supervisor) lead(ctx context.Context, l election.LeaderState) {
	s.turn.Lock()
	defer s.turn.Unlock()
	s.mu.Lock()
	exiting := s.exiting
	s.mu.Unlock()
	if exiting || ctx.Err() != nil {
		return // run is ending, or this leadership ended while the last command stopped
	}

	cmd := exec.Command(s.o.argv[0], s.o.argv[1:]...)
	cmd.Stdout, cmd.Stderr = s.stdout, s.stderr
	cmd.SysProcAttr = childAttrs()
	cmd.Env = append(os.Environ(), "FDBELECT_ID="+s.o.id,
		"FDBELECT_BALLOT="+strconv.FormatUint(l.Ballot, 10))
	cmd.WaitDelay = s.o.grace
	if err := cmd.Start(); err != nil {
		s.finish(childResult{err: fmt.Errorf("run: starting %s: %w", s.o.argv[0], err)})
		return
	}
	s.logf("elected at ballot %d; started %s (pid %d)", l.Ballot, s.o.argv[0], cmd.Process.Pid)
	s.setChild(cmd.Process)
	defer s.setChild(nil)

	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		_ = killGroup(cmd.Process) // what it left running must not outlive it
		status := exitStatus(err)
		s.logf("%s exited with status %d; resigning", s.o.argv[0], status)
		s.finish(childResult{status: status})
	case <-ctx.Done():
		s.stop(cmd.Process, waited)
		s.mu.Lock()
		sig := s.signalled
		s.mu.Unlock()
		if sig != nil {
			// A signal forwarded while the command was stopping still
			// means: exit once it is gone.
			s.finish(childResult{status: signalStatus(sig)})
		}
	}
}

// stop ends the command after leadership ended: SIGTERM, then SIGKILL if
// it is still running after the grace period.
func (s *supervisor) stop(p *os.Process, waited <-chan error) {
	s.logf("stopping %s (pid %d) with SIGTERM", s.o.argv[0], p.Pid)
	_ = signalGroup(p, syscall.SIGTERM)
	t := time.NewTimer(s.o.grace)
	defer t.Stop()
	select {
	case err := <-waited:
		s.logf("%s stopped with status %d", s.o.argv[0], exitStatus(err))
		_ = killGroup(p) // processes it started and left behind
		return
	case <-t.C:
	}
	s.logf("%s still running after %v; sending SIGKILL", s.o.argv[0], s.o.grace)
	_ = killGroup(p)
	<-waited
}

// forward sends sig to the running command and reports whether there was
// one.
func (s *supervisor) forward(sig os.Signal) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.child == nil {
		return false
	}
	s.logf("forwarding %v to %s", sig, s.o.argv[0])
	_ = signalGroup(s.child, sig)
	s.signalled = sig
	return true
}

func (s *supervisor) setChild(p *os.Process) {
	s.mu.Lock()
	s.child = p
	s.mu.Unlock()
}

// finish reports a command's own end; only the first report counts.
func (s *supervisor) finish(r childResult) {
	s.mu.Lock()
	s.exiting = true
	s.mu.Unlock()
	select {
	case s.finished <- r:
	default:
	}
}

func (s *supervisor) logf(format string, args ...any) {
	fmt.Fprintf(s.stderr, "fdbelect run: %s\n", fmt.Sprintf(format, args...))
}

// lockedWriter serializes writes to a writer shared by goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// syncWriter returns w made safe for concurrent writes. Files already are,
// and stay files, so that a command started with them writes to them
// directly.
func syncWriter(w io.Writer) io.Writer {
	switch w.(type) {
	case *os.File, *lockedWriter:
		return w
	}
	return &lockedWriter{w: w}
}
