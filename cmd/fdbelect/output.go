package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fdbelect/fdbelect/election"
)

// Output formats of --output.
const (
	outText = "text"
	outJSON = "json"
)

// addOutputFlag adds --output to cmd, storing the choice in dst.
func addOutputFlag(cmd *cobra.Command, dst *string) {
	cmd.Flags().StringVarP(dst, "output", "o", outText, "output format: text or json")
}

// checkOutput validates the value of --output.
func checkOutput(format string) error {
	if format != outText && format != outJSON {
		return usageError("--output must be text or json, not %q", format)
	}
	return nil
}

// writeJSON writes v as one line of JSON.
func writeJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// configJSON is the JSON form of a config.
type configJSON struct {
	LeaseMS            int64 `json:"lease_ms"`
	HeartbeatMS        int64 `json:"heartbeat_ms"`
	CandidateTimeoutMS int64 `json:"candidate_timeout_ms"`
	Enabled            bool  `json:"enabled"`
	AllowPreemption    bool  `json:"allow_preemption"`
}

func toConfigJSON(c election.Config) *configJSON {
	return &configJSON{
		LeaseMS:            c.LeaseDuration.Milliseconds(),
		HeartbeatMS:        c.HeartbeatInterval.Milliseconds(),
		CandidateTimeoutMS: c.CandidateTimeout.Milliseconds(),
		Enabled:            c.Enabled,
		AllowPreemption:    c.AllowPreemption,
	}
}

// describeConfig renders c on one line.
func describeConfig(c election.Config) string {
	parts := []string{
		"lease " + roundDuration(c.LeaseDuration).String(),
		"heartbeat " + roundDuration(c.HeartbeatInterval).String(),
		"candidate timeout " + roundDuration(c.CandidateTimeout).String(),
	}
	if c.Enabled {
		parts = append(parts, "enabled")
	} else {
		parts = append(parts, "DISABLED")
	}
	if c.AllowPreemption {
		parts = append(parts, "preemption allowed")
	} else {
		parts = append(parts, "no preemption")
	}
	return strings.Join(parts, ", ")
}

// leaderJSON is the JSON form of a leader record as seen at a time.
type leaderJSON struct {
	ID           string `json:"id"`
	Vacant       bool   `json:"vacant"`
	Ballot       uint64 `json:"ballot"`
	Priority     int32  `json:"priority"`
	LeaseExpiry  string `json:"lease_expiry,omitempty"`
	LeaseLeftMS  int64  `json:"lease_left_ms"`
	LeaseValid   bool   `json:"lease_valid"`
	Versionstamp string `json:"versionstamp,omitempty"`
}

// toLeaderJSON describes record l (nil: no record) at now.
func toLeaderJSON(l *election.LeaderState, now time.Time) *leaderJSON {
	if l == nil {
		return nil
	}
	j := &leaderJSON{
		ID:         l.LeaderID,
		Vacant:     l.Vacant(),
		Ballot:     l.Ballot,
		Priority:   l.Priority,
		LeaseValid: l.LeaseValid(now),
	}
	j.LeaseLeftMS = l.RemainingLease(now).Milliseconds()
	if !j.Vacant {
		j.LeaseExpiry = l.LeaseExpiry.UTC().Format(time.RFC3339Nano)
		j.Versionstamp = l.Versionstamp.String()
	}
	return j
}

// describeLeader renders the leader record l (nil: none) on one line.
func describeLeader(l *election.LeaderState, now time.Time) string {
	switch {
	case l == nil:
		return "none (no leader record)"
	case l.Vacant():
		return fmt.Sprintf("none (vacant record, ballot %d)", l.Ballot)
	case !l.LeaseValid(now):
		return fmt.Sprintf("%s, ballot %d, lease expired %s ago", l.LeaderID, l.Ballot,
			roundDuration(now.Sub(l.LeaseExpiry)))
	}
	return fmt.Sprintf("%s, ballot %d, lease left %s", l.LeaderID, l.Ballot,
		roundDuration(l.RemainingLease(now)))
}

// roundDuration rounds d for display: to 10µs below 10ms, milliseconds
// below ten seconds, tenths above.
func roundDuration(d time.Duration) time.Duration {
	if d < 10*time.Millisecond && d > -10*time.Millisecond {
		return d.Round(10 * time.Microsecond)
	}
	if d < 10*time.Second && d > -10*time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}

func itoa(n int) string { return fmt.Sprint(n) }
