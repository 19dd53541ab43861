package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
)

func (a *app) configCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Read, change or create an election's config",
		Long: `config reads or writes the election's shared config: lease, heartbeat
interval, candidate timeout, whether elections are enabled and whether a
higher-priority candidate may preempt the leader. Every elector acts on a
new config from its next transaction.`,
		Example: `  fdbelect config init --election billing --lease 5s
  fdbelect config get --election billing
  fdbelect config set --election billing --lease 20s --heartbeat 5s`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("unknown config command %q (want get, set or init)",
					args[0])
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(a.configGetCommand(), a.configSetCommand(), a.configInitCommand())
	return cmd
}

func (a *app) configGetCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:     "get",
		Short:   "Print the stored config",
		Example: `  fdbelect config get --election billing -o json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			return a.withElection(func(db kv.Database, el *election.Election) error {
				return configGet(cmd.Context(), db, el, output, a.stdout)
			})
		},
	}
	addOutputFlag(cmd, &output)
	return cmd
}

// configGet prints the stored config of el.
func configGet(ctx context.Context, db kv.Database, el *election.Election, format string,
	w io.Writer) error {
	var cfg election.Config
	err := db.ReadTransact(ctx, func(tr kv.ReadTransaction) error {
		var err error
		cfg, err = el.ReadConfig(tr)
		return err
	})
	if errors.Is(err, election.ErrNotInitialized) {
		return fmt.Errorf("config get: %w (run: fdbelect config init)", err)
	}
	if err != nil {
		return fmt.Errorf("config get: %w", err)
	}
	if format == outJSON {
		return writeJSON(w, toConfigJSON(cfg))
	}
	fmt.Fprintln(w, describeConfig(cfg))
	return nil
}

// configFlags are the flags of config set and config init.
type configFlags struct {
	lease, heartbeat, timeout time.Duration
	enabled, preemption       bool
}

func (f *configFlags) add(fs *pflag.FlagSet) {
	fs.DurationVar(&f.lease, "lease", 10*time.Second, "lease duration")
	fs.DurationVar(&f.heartbeat, "heartbeat", 0,
		"heartbeat interval (default: a third of the lease)")
	fs.DurationVar(&f.timeout, "candidate-timeout", 0,
		"how long a silent candidate counts as alive (default: 1.5 times the lease)")
	fs.BoolVar(&f.enabled, "enabled", true, "whether elections are enabled")
	fs.BoolVar(&f.preemption, "allow-preemption", true,
		"whether a higher-priority candidate takes over from the leader")
}

// apply returns base with the flags that were set on the command line.
// Setting --lease alone rescales the heartbeat and the candidate timeout.
func (f *configFlags) apply(fs *pflag.FlagSet, base election.Config) election.Config {
	cfg := base
	if fs.Changed("lease") {
		cfg = election.ConfigWithLease(f.lease)
		cfg.Enabled, cfg.AllowPreemption = base.Enabled, base.AllowPreemption
	}
	if fs.Changed("heartbeat") {
		cfg.HeartbeatInterval = f.heartbeat
	}
	if fs.Changed("candidate-timeout") {
		cfg.CandidateTimeout = f.timeout
	}
	if fs.Changed("enabled") {
		cfg.Enabled = f.enabled
	}
	if fs.Changed("allow-preemption") {
		cfg.AllowPreemption = f.preemption
	}
	return cfg
}

func (a *app) configSetCommand() *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "set",
		Short: "Change fields of the stored config",
		Long: `set changes the fields named by flags and keeps the others. Setting --lease
alone also sets the heartbeat to a third of it and the candidate timeout to
one and a half times it, as the library derives them; add --heartbeat or
--candidate-timeout to choose them yourself.`,
		Example: `  fdbelect config set --election billing --lease 20s
  fdbelect config set --election billing --enabled=false
  fdbelect config set --election billing --allow-preemption=false`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			changed := 0 // only this command's own flags, not --election
			cmd.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
				if f.Changed {
					changed++
				}
			})
			if changed == 0 {
				return usageError("config set needs at least one of --lease, --heartbeat, " +
					"--candidate-timeout, --enabled, --allow-preemption")
			}
			change := func(c election.Config) election.Config { return f.apply(cmd.Flags(), c) }
			return a.withElection(func(db kv.Database, el *election.Election) error {
				return configSet(cmd.Context(), db, el, change, a.stdout)
			})
		},
	}
	f.add(cmd.Flags())
	return cmd
}

// configSet rewrites the stored config of el with change applied.
func configSet(ctx context.Context, db kv.Database, el *election.Election,
	change func(election.Config) election.Config, w io.Writer) error {
	var cfg election.Config
	err := db.Transact(ctx, func(tr kv.Transaction) error {
		old, err := el.ReadConfig(tr)
		if err != nil {
			return err
		}
		cfg = change(old)
		return el.WriteConfig(tr, cfg)
	})
	if errors.Is(err, election.ErrNotInitialized) {
		return fmt.Errorf("config set: %w (run: fdbelect config init)", err)
	}
	if err != nil {
		return fmt.Errorf("config set: %w", err)
	}
	fmt.Fprintf(w, "config set: %s\n", describeConfig(cfg))
	warnShortLease(w, "config set", cfg)
	return nil
}

// warnShortLease says when a lease leaves Electors with the default
// MaxClockSkew no time to lead: they stop with an error on such a config.
func warnShortLease(w io.Writer, cmd string, cfg election.Config) {
	if cfg.LeaseDuration <= 2*election.DefaultMaxClockSkew {
		fmt.Fprintf(w, "%s: warning: a lease of %v is not above twice the default "+
			"MaxClockSkew (%v); Electors need a smaller MaxClockSkew to lead\n", cmd,
			cfg.LeaseDuration, election.DefaultMaxClockSkew)
	}
}

func (a *app) configInitCommand() *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create the config if the election has none",
		Long: `init stores a config built from the flags (by default the library's: 10s
lease, 3s heartbeat, 15s candidate timeout, enabled, preemption allowed)
unless the election already has one, which it leaves unchanged.`,
		Example: `  fdbelect config init --election billing
  fdbelect config init --election billing --lease 4s --allow-preemption=false`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := f.apply(cmd.Flags(), election.DefaultConfig())
			if err := cfg.Validate(); err != nil {
				return fmt.Errorf("%w: %w", errUsage, err)
			}
			return a.withElection(func(db kv.Database, el *election.Election) error {
				return configInit(cmd.Context(), db, el, cfg, a.stdout)
			})
		},
	}
	f.add(cmd.Flags())
	return cmd
}

// configInit stores cfg unless el already has a config.
func configInit(ctx context.Context, db kv.Database, el *election.Election,
	cfg election.Config, w io.Writer) error {
	var existing *election.Config
	err := db.Transact(ctx, func(tr kv.Transaction) error {
		existing = nil
		old, err := el.ReadConfig(tr)
		switch {
		case err == nil:
			existing = &old
			return nil
		case !errors.Is(err, election.ErrNotInitialized):
			return err
		}
		return el.Initialize(tr, cfg)
	})
	if err != nil {
		return fmt.Errorf("config init: %w", err)
	}
	if existing != nil {
		fmt.Fprintf(w, "config init: already initialized, unchanged: %s\n",
			describeConfig(*existing))
		return nil
	}
	fmt.Fprintf(w, "config init: %s\n", describeConfig(cfg))
	warnShortLease(w, "config init", cfg)
	return nil
}
