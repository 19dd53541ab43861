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

// watchTimeFormat stamps the lines of watch: UTC, fixed width.
const watchTimeFormat = "2006-01-02T15:04:05.000Z"

// watchRetry is the pause after a watch fails before setting a new one.
const watchRetry = 100 * time.Millisecond

func (a *app) watchCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Print every leader change as it happens",
		Long: `watch prints the current leader, then one line each time leadership
passes to another process or the election becomes leaderless. It sets a
FoundationDB watch on the leader record, so a change is printed within one
commit; lease refreshes by the same leader are not printed. It runs until
interrupted.`,
		Example: `  fdbelect watch --election billing
  fdbelect watch --election billing -o json | jq .leader`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			return a.withElection(func(db kv.Database, el *election.Election) error {
				ctx, release := a.interruptible(cmd.Context())
				defer release()
				return watchLeader(ctx, db, el, output, a.now, a.stdout)
			})
		},
	}
	addOutputFlag(cmd, &output)
	return cmd
}

// watchLineJSON is one line of watch -o json.
type watchLineJSON struct {
	At     string      `json:"at"`
	Leader *leaderJSON `json:"leader"`
}

// watchLeader prints the leader of el and then every change of leader,
// until ctx ends, when it returns nil.
func watchLeader(ctx context.Context, db kv.Database, el *election.Election, format string,
	clockNow func() time.Time, w io.Writer) error {
	var prev *election.LeaderState
	first := true
	for ctx.Err() == nil {
		l, fired, err := readAndWatch(ctx, db, el)
		if ctx.Err() != nil {
			break
		}
		if err != nil {
			return fmt.Errorf("watch: %w", err)
		}

		if first || leaderChanged(prev, l) {
			if err := printLeaderLine(w, format, l, clockNow()); err != nil {
				return err
			}
		}
		first, prev = false, l
		waitWatch(ctx, fired)
	}
	return nil
}

// readAndWatch reads the leader record and sets a watch on it in the same
// transaction, so that no change between the read and the watch is missed.
func readAndWatch(ctx context.Context, db kv.Database, el *election.Election) (
	*election.LeaderState, kv.FutureNil, error) {
	var l *election.LeaderState
	var f kv.FutureNil
	err := db.Transact(ctx, func(tr kv.Transaction) error {
		if f != nil {
			f.Cancel()
		}
		var err error
		if l, err = el.LeaderRecord(tr); err != nil {
			return err
		}
		f = tr.Watch(el.LeaderKey())
		return nil
	})
	if err != nil && f != nil {
		f.Cancel()
	}
	return l, f, err
}

// waitWatch waits for f to fire or ctx to end. A watch that fails (for
// example because too many are outstanding) is followed by a short pause,
// after which the caller reads and watches again.
func waitWatch(ctx context.Context, f kv.FutureNil) {
	defer f.Cancel()
	select {
	case <-f.Ready():
	case <-ctx.Done():
		return
	}
	if f.Get() == nil {
		return
	}
	t := time.NewTimer(watchRetry)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// leaderChanged reports whether b names a different leadership than a:
// another process or incarnation, or a change between leader and none.
// A refresh, which only moves the ballot and the expiry, is no change.
func leaderChanged(a, b *election.LeaderState) bool {
	aNone := a == nil || a.Vacant()
	bNone := b == nil || b.Vacant()
	if aNone || bNone {
		return aNone != bNone
	}
	return a.LeaderID != b.LeaderID || a.Versionstamp != b.Versionstamp
}

func printLeaderLine(w io.Writer, format string, l *election.LeaderState, now time.Time) error {
	if format == outJSON {
		return writeJSON(w, watchLineJSON{
			At:     now.UTC().Format(time.RFC3339Nano),
			Leader: toLeaderJSON(l, now),
		})
	}
	_, err := fmt.Fprintf(w, "%s  leader %s\n", now.UTC().Format(watchTimeFormat),
		describeLeader(l, now))
	return err
}
