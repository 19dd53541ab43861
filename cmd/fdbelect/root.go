package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/fdbkv"
	"github.com/fdbelect/fdbelect/subspace"
)

// defaultClusterFile is where FoundationDB installs its cluster file.
const defaultClusterFile = "/etc/foundationdb/fdb.cluster"

// app holds what the commands need from the outside world, so that tests
// can replace the cluster with an embedded engine and signals with a
// channel.
type app struct {
	stdout, stderr io.Writer

	// open connects to the cluster named by a cluster file. The returned
	// func releases the connection.
	open func(clusterFile string) (kv.Database, func(), error)

	// signals returns a channel of SIGINT, SIGTERM, SIGHUP and SIGQUIT and
	// a func that stops delivery.
	signals func() (<-chan os.Signal, func())

	// isTerminal reports whether w is an interactive terminal.
	isTerminal func(w io.Writer) bool

	// now reads the wall clock.
	now func() time.Time

	// flags shared by the cluster commands
	clusterFile  string
	electionName string
}

// newApp returns an app wired to the real cluster, signals and terminal.
func newApp(stdout, stderr io.Writer) *app {
	return &app{
		stdout:     stdout,
		stderr:     stderr,
		open:       openCluster,
		signals:    osSignals,
		isTerminal: isTerminal,
		now:        time.Now,
	}
}

func openCluster(clusterFile string) (kv.Database, func(), error) {
	db, err := fdbkv.Open(clusterFile)
	if err != nil {
		return nil, nil, err
	}
	return db, func() { db.Close() }, nil
}

func osSignals() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 4)
	// SIGHUP and SIGQUIT too: left to their default action they would end
	// fdbelect without stopping a command it runs.
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	return ch, func() { signal.Stop(ch) }
}

// terminalWidth returns the columns of the terminal w, or 0 when unknown.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return cols
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// execute parses args and runs the chosen command.
func (a *app) execute(ctx context.Context, args []string) error {
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	return root.ExecuteContext(ctx)
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "fdbelect",
		Short: "Leader election on FoundationDB: demo, simulator and operator tools",
		Long: `fdbelect shows, tests and operates leader elections built with the
fdbelect Go library.

Without a cluster, "fdbelect demo" runs several electors in one process on
the embedded engine and "fdbelect simulate" runs seeded simulations. The
other commands work on a FoundationDB cluster and need a binary built with
-tags fdb; an election named NAME lives under the subspace
("fdbelect", NAME).`,
		Example: `  fdbelect demo
  fdbelect simulate --seeds 50
  fdbelect status --election billing
  fdbelect run --id "$(hostname)" --election billing -- ./billing-worker`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w: %w (see %s --help)", errUsage, err, c.CommandPath())
	})

	pf := root.PersistentFlags()
	clusterFile := defaultClusterFile
	if env := os.Getenv("FDB_CLUSTER_FILE"); env != "" {
		clusterFile = env
	}
	pf.StringVar(&a.clusterFile, "cluster-file", clusterFile,
		"FoundationDB cluster file for the cluster commands ($FDB_CLUSTER_FILE if set)")
	pf.StringVar(&a.electionName, "election", "default",
		`election name; its records live under the subspace ("fdbelect", NAME)`)

	root.AddCommand(
		a.demoCommand(),
		a.simulateCommand(),
		a.statusCommand(),
		a.candidatesCommand(),
		a.configCommand(),
		a.resignCommand(),
		a.evictCommand(),
		a.watchCommand(),
		a.runCommand(),
	)
	return root
}

// electionSubspace returns the subspace of the election called name.
func electionSubspace(name string) subspace.Subspace {
	return subspace.Sub("fdbelect", name)
}

// withElection opens the cluster and the election chosen by the shared
// flags, runs fn on them and closes the cluster.
func (a *app) withElection(fn func(db kv.Database, el *election.Election) error) error {
	if a.electionName == "" {
		return usageError("--election must not be empty")
	}
	if !utf8.ValidString(a.electionName) {
		return usageError("--election must be valid UTF-8")
	}
	db, closeDB, err := a.open(a.clusterFile)
	if err != nil {
		return err
	}
	defer closeDB()
	return fn(db, election.New(electionSubspace(a.electionName)))
}

// interruptible returns a context that ends at ctx's end or at the first
// SIGINT or SIGTERM, and a func that releases it.
func (a *app) interruptible(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	sigs, stop := a.signals()
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-sigs:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		cancel()
		<-done
		stop()
	}
}
