package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
)

func (a *app) resignCommand() *cobra.Command {
	var id string
	cmd := &cobra.Command{
		Use:                   "resign --id ID",
		DisableFlagsInUseLine: true,
		Short:                 "Make the leader ID give up leadership",
		Long: `resign writes a vacant leader record (keeping the ballot) if ID leads, so
that another candidate takes over within one commit. The elector that was
ID notices at once through its watch and stops acting as leader; it
campaigns again later. resign fails if ID is not the leader.`,
		Example: `  fdbelect resign --election billing --id worker-3`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if id == "" {
				return usageError("resign needs --id")
			}
			return a.withElection(func(db kv.Database, el *election.Election) error {
				return resign(cmd.Context(), db, el, id, a.stdout)
			})
		},
	}
	cmd.Flags().StringVar(&id, "id", "", "id of the leader that should resign (required)")
	return cmd
}

// resign vacates the leader record of el if id leads.
func resign(ctx context.Context, db kv.Database, el *election.Election, id string,
	w io.Writer) error {
	var resigned bool
	var leader *election.LeaderState
	err := db.Transact(ctx, func(tr kv.Transaction) error {
		var err error
		if leader, err = el.LeaderRaw(tr); err != nil {
			return err
		}
		resigned, err = el.ResignLeadership(tr, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("resign: %w", err)
	}
	if !resigned {
		current := "nobody leads"
		if leader != nil {
			current = fmt.Sprintf("the leader is %q", leader.LeaderID)
		}
		return fmt.Errorf("resign: %q: %w (%s)", id, errNotLeader, current)
	}
	fmt.Fprintf(w, "resign: %s resigned at ballot %d\n", id, leader.Ballot)
	return nil
}
