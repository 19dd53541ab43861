package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
)

func (a *app) statusCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show an election's config, leader, ballot and lease",
		Long: `status reads the election's config and leader record in one transaction
and prints them. "lease left" is judged by this machine's wall clock, so it
is only as accurate as the clocks of this machine and the leader agree.`,
		Example: `  fdbelect status --election billing
  fdbelect status --election billing --output json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			return a.withElection(func(db kv.Database, el *election.Election) error {
				return showStatus(cmd.Context(), db, el, a.electionName, output, a.now, a.stdout)
			})
		},
	}
	addOutputFlag(cmd, &output)
	return cmd
}

// statusJSON is the JSON form of status.
type statusJSON struct {
	Election    string      `json:"election"`
	Subspace    string      `json:"subspace"`
	Prefix      string      `json:"prefix_hex"`
	Initialized bool        `json:"initialized"`
	Config      *configJSON `json:"config"`
	Leader      *leaderJSON `json:"leader"`
	Ballot      uint64      `json:"ballot"`
	Candidates  int         `json:"live_candidates"`
}

// showStatus prints the status of el in format.
func showStatus(ctx context.Context, db kv.Database, el *election.Election, name,
	format string, clockNow func() time.Time, w io.Writer) error {
	var cfg *election.Config
	var leader *election.LeaderState
	var live int
	var now time.Time
	err := db.ReadTransact(ctx, func(tr kv.ReadTransaction) error {
		cfg, leader, live = nil, nil, 0
		now = clockNow()
		c, err := el.ReadConfig(tr)
		switch {
		case errors.Is(err, election.ErrNotInitialized):
		case err != nil:
			return err
		default:
			cfg = &c
			cands, err := el.ListCandidates(tr, now)
			if err != nil {
				return err
			}
			live = len(cands)
		}
		leader, err = el.LeaderRecord(tr)
		return err
	})
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}

	st := statusJSON{
		Election:    name,
		Subspace:    fmt.Sprintf("(%q, %q)", "fdbelect", name),
		Prefix:      hex.EncodeToString(el.Subspace().Bytes()),
		Initialized: cfg != nil,
		Leader:      toLeaderJSON(leader, now),
		Candidates:  live,
	}
	if cfg != nil {
		st.Config = toConfigJSON(*cfg)
	}
	if leader != nil {
		st.Ballot = leader.Ballot
	}
	if format == outJSON {
		return writeJSON(w, st)
	}

	fmt.Fprintf(w, "election    %s, subspace %s\n", name, st.Subspace)
	if cfg == nil {
		fmt.Fprintln(w, "config      not initialized (run: fdbelect config init)")
	} else {
		fmt.Fprintf(w, "config      %s\n", describeConfig(*cfg))
	}
	fmt.Fprintf(w, "leader      %s\n", describeLeader(leader, now))
	fmt.Fprintf(w, "ballot      %d\n", st.Ballot)
	fmt.Fprintf(w, "candidates  %d live\n", live)
	return nil
}
