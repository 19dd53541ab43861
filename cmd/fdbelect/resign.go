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

func (a *app) resignCommand() *cobra.Command {
	var id string
	var wait time.Duration
	cmd := &cobra.Command{
		Use:                   "resign --id ID [--wait D]",
		DisableFlagsInUseLine: true,
		Short:                 "Make the leader ID give up leadership",
		Long: `resign asks the leader ID to resign and waits for it. A running elector
that leads as ID sees the request through a watch, stops acting as leader,
and writes a vacant record (keeping the ballot) marked as its own, so that
another candidate takes over within one commit.

If ID does not answer within --wait (default: the election's lease), for
example because its process is gone or stalled, resign writes the vacant
record itself. Candidates then wait a whole lease before claiming it, since
a stalled ID may still believe it leads until its lease runs out. resign
fails if ID is not the leader.`,
		Example: `  fdbelect resign --election billing --id worker-3
  fdbelect resign --election billing --id worker-3 --wait 30s`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if id == "" {
				return usageError("resign needs --id")
			}
			if wait < 0 {
				return usageError("--wait must not be negative")
			}
			return a.withElection(func(db kv.Database, el *election.Election) error {
				return resign(cmd.Context(), db, el, id, wait, a.stdout)
			})
		},
	}
	cmd.Flags().StringVar(&id, "id", "", "id of the leader that should resign (required)")
	cmd.Flags().DurationVar(&wait, "wait", 0,
		"how long to wait for the leader to resign itself (0: the election's lease)")
	return cmd
}

// resign asks id to resign, waits up to wait (or the lease) for its record
// to change, and vacates the record itself if it does not.
func resign(ctx context.Context, db kv.Database, el *election.Election, id string,
	wait time.Duration, w io.Writer) error {
	leader, watch, lease, err := requestResignation(ctx, db, el, id)
	if err != nil {
		return fmt.Errorf("resign: %w", err)
	}
	if wait == 0 {
		wait = lease
	}

	gone, err := awaitResignation(ctx, db, el, leader, watch, wait)
	switch {
	case err != nil:
		return fmt.Errorf("resign: %w", err)
	case gone:
		fmt.Fprintf(w, "resign: %s resigned at ballot %d\n", id, leader.Ballot)
		return nil
	}

	resigned, err := vacate(ctx, db, el, id)
	switch {
	case err != nil:
		return fmt.Errorf("resign: %w", err)
	case !resigned:
		// The record changed between the wait and the vacate.
		fmt.Fprintf(w, "resign: %s resigned at ballot %d\n", id, leader.Ballot)
	default:
		fmt.Fprintf(w, "resign: %s did not answer within %v; vacated its record at ballot %d "+
			"(candidates take over after one lease)\n", id, wait, leader.Ballot)
	}
	return nil
}

// awaitResignation waits up to wait for the record to stop naming leader's
// holder. Every change of the record fires the watch, refreshes included,
// so each firing is checked by reading the record again.
func awaitResignation(ctx context.Context, db kv.Database, el *election.Election,
	leader *election.LeaderState, watch kv.FutureNil, wait time.Duration) (bool, error) {
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-watch.Ready():
		case <-ctx.Done():
			watch.Cancel()
			return false, ctx.Err()
		case <-t.C:
			watch.Cancel()
			return false, nil
		}

		var still bool
		err := db.Transact(ctx, func(tr kv.Transaction) error {
			l, err := el.LeaderRaw(tr)
			if err != nil {
				return err
			}
			still = l != nil && l.LeaderID == leader.LeaderID &&
				l.Versionstamp == leader.Versionstamp
			watch = tr.Watch(el.LeaderKey())
			return nil
		})
		if err != nil || !still {
			watch.Cancel()
			return err == nil, err
		}
	}
}

// requestResignation writes the resignation request if id leads, and
// returns its record, a watch on the leader record and the stored lease.
func requestResignation(ctx context.Context, db kv.Database, el *election.Election,
	id string) (*election.LeaderState, kv.FutureNil, time.Duration, error) {
	var leader *election.LeaderState
	var watch kv.FutureNil
	var lease time.Duration
	err := db.Transact(ctx, func(tr kv.Transaction) error {
		cfg, err := el.ReadConfig(tr)
		if err != nil {
			return err
		}
		lease = cfg.LeaseDuration
		if leader, err = el.LeaderRaw(tr); err != nil {
			return err
		}
		if leader == nil || leader.LeaderID != id {
			current := "nobody leads"
			if leader != nil {
				current = fmt.Sprintf("the leader is %q", leader.LeaderID)
			}
			return fmt.Errorf("%q: %w (%s)", id, errNotLeader, current)
		}
		watch = tr.Watch(el.LeaderKey())
		return el.RequestResignation(tr, id)
	})
	if err != nil {
		return nil, nil, 0, err
	}
	return leader, watch, lease, nil
}

// vacate writes the vacant record for id and withdraws the request, if id
// still leads.
func vacate(ctx context.Context, db kv.Database, el *election.Election,
	id string) (bool, error) {
	var resigned bool
	err := db.Transact(ctx, func(tr kv.Transaction) error {
		var err error
		resigned, err = el.ResignLeadership(tr, id)
		if err != nil {
			return err
		}
		tr.Clear(el.ResignRequestKey())
		return nil
	})
	return resigned, err
}
