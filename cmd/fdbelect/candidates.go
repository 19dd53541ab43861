package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
)

func (a *app) candidatesCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "candidates",
		Short: "List registered candidates with their liveness",
		Long: `candidates lists every candidate record, live or dead, in registration
order. A candidate is alive while its last heartbeat is younger than the
config's candidate timeout, judged by this machine's wall clock. Dead
candidates stay listed until "fdbelect evict" or a leader removes them.`,
		Example: `  fdbelect candidates --election billing
  fdbelect candidates --election billing -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			return a.withElection(func(db kv.Database, el *election.Election) error {
				return showCandidates(cmd.Context(), db, el, output, a.now, a.stdout)
			})
		},
	}
	addOutputFlag(cmd, &output)
	return cmd
}

// candidateJSON is one candidate as candidates prints it.
type candidateJSON struct {
	ID            string `json:"id"`
	Priority      int32  `json:"priority"`
	LastHeartbeat string `json:"last_heartbeat"`
	AgeMS         int64  `json:"heartbeat_age_ms"`
	Alive         bool   `json:"alive"`
	Leader        bool   `json:"leader"`
	Versionstamp  string `json:"versionstamp"`
}

// listCandidates reads every candidate record of el, in registration order,
// and describes each at the time clockNow gives inside the transaction.
func listCandidates(ctx context.Context, db kv.Database, el *election.Election,
	clockNow func() time.Time) ([]candidateJSON, error) {
	var out []candidateJSON
	err := db.ReadTransact(ctx, func(tr kv.ReadTransaction) error {
		out = nil
		now := clockNow()
		cfg, err := el.ReadConfig(tr)
		if err != nil {
			return err
		}
		leader, err := el.LeaderRaw(tr)
		if err != nil {
			return err
		}
		cands, err := readAllCandidates(tr, el)
		if err != nil {
			return err
		}
		for _, c := range cands {
			out = append(out, candidateJSON{
				ID:            c.ProcessID,
				Priority:      c.Priority,
				LastHeartbeat: c.LastHeartbeat.UTC().Format(time.RFC3339Nano),
				AgeMS:         now.Sub(c.LastHeartbeat).Milliseconds(),
				Alive:         c.Alive(now, cfg.CandidateTimeout),
				Leader: leader != nil && leader.LeaderID == c.ProcessID &&
					leader.Versionstamp == c.Versionstamp,
				Versionstamp: c.Versionstamp.String(),
			})
		}
		return nil
	})
	return out, err
}

// readAllCandidates decodes every record of the candidate range, dead ones
// included, sorted by registration versionstamp.
func readAllCandidates(tr kv.ReadTransaction, el *election.Election) ([]election.Candidate,
	error) {
	kvs, err := tr.GetRange(el.CandidatesRange(), kv.RangeOptions{}).GetSliceWithError()
	if err != nil {
		return nil, err
	}
	prefix := el.Subspace().Sub("candidates")
	cands := make([]election.Candidate, 0, len(kvs))
	for _, pair := range kvs {
		var id string
		if err := prefix.UnpackExact(pair.Key, &id); err != nil {
			return nil, fmt.Errorf("%w: candidate key %x: %w", election.ErrInvalidState,
				pair.Key, err)
		}
		c, err := election.DecodeCandidate(id, pair.Value)
		if err != nil {
			return nil, err
		}
		cands = append(cands, c)
	}
	slices.SortStableFunc(cands, func(x, y election.Candidate) int {
		return bytes.Compare(x.Versionstamp.Bytes(), y.Versionstamp.Bytes())
	})
	return cands, nil
}

// showCandidates prints the candidates of el in format.
func showCandidates(ctx context.Context, db kv.Database, el *election.Election, format string,
	clockNow func() time.Time, w io.Writer) error {
	cands, err := listCandidates(ctx, db, el, clockNow)
	if errors.Is(err, election.ErrNotInitialized) {
		return fmt.Errorf("candidates: %w (run: fdbelect config init)", err)
	}
	if err != nil {
		return fmt.Errorf("candidates: %w", err)
	}
	if format == outJSON {
		if cands == nil {
			cands = []candidateJSON{}
		}
		return writeJSON(w, cands)
	}

	if len(cands) == 0 {
		fmt.Fprintln(w, "no candidates registered")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPRIORITY\tLAST HEARTBEAT\tSTATE\tREGISTERED")
	for _, c := range cands {
		state := "dead"
		if c.Alive {
			state = "alive"
		}
		if c.Leader {
			state += ", leader"
		}
		age := time.Duration(c.AgeMS) * time.Millisecond
		when := age.String() + " ago"
		if age < 0 {
			// Written by a clock ahead of this machine's.
			when = (-age).String() + " ahead"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", c.ID, c.Priority, when, state,
			c.Versionstamp)
	}
	return tw.Flush()
}
