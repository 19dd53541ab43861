package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
)

func (a *app) evictCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "evict",
		Short: "Remove the records of dead candidates",
		Long: `evict removes every candidate whose last heartbeat is older than the
candidate timeout, judged by this machine's wall clock, except the one the
leader record names. A running leader does the same once per candidate
timeout; evict is for elections whose processes are all gone.`,
		Example: `  fdbelect evict --election billing`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withElection(func(db kv.Database, el *election.Election) error {
				return evict(cmd.Context(), db, el, a.now, a.stdout)
			})
		},
	}
}

// evict removes the dead candidates of el.
func evict(ctx context.Context, db kv.Database, el *election.Election,
	clockNow func() time.Time, w io.Writer) error {
	var n int
	err := db.Transact(ctx, func(tr kv.Transaction) error {
		var err error
		n, err = el.EvictDeadCandidates(tr, clockNow())
		return err
	})
	if err != nil {
		return fmt.Errorf("evict: %w", err)
	}
	fmt.Fprintf(w, "evict: removed %d dead candidate(s)\n", n)
	return nil
}
