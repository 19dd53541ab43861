package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// demoSummary is what demo prints at the end (and as JSON with --json).
type demoSummary struct {
	Electors   int                      `json:"electors"`
	DurationMS int64                    `json:"duration_ms"`
	LeaseMS    int64                    `json:"lease_ms"`
	Seed       int64                    `json:"seed"`
	Chaos      bool                     `json:"chaos"`
	Changes    []demoChange             `json:"changes"`
	Takeover   map[string]takeoverStats `json:"takeover"`
	Leaderless float64                  `json:"leaderless_ms"`
	Fenced     int                      `json:"fenced_writes"`
	Commits    int                      `json:"commits"`
	Verdict    demoVerdict              `json:"verdict"`
}

// demoChange is one leadership change.
type demoChange struct {
	AtMS         int64   `json:"at_ms"`
	From         string  `json:"from,omitempty"`
	To           string  `json:"to"`
	Ballot       uint64  `json:"ballot"`
	Cause        string  `json:"cause"`
	LeaderlessMS float64 `json:"leaderless_ms"`
}

// takeoverStats summarizes the leaderless gaps after one kind of cause.
type takeoverStats struct {
	Count int     `json:"count"`
	P50MS float64 `json:"p50_ms"`
	P99MS float64 `json:"p99_ms"`
	MaxMS float64 `json:"max_ms"`
}

// demoVerdict is the invariant checker's conclusion.
type demoVerdict struct {
	OK         bool     `json:"ok"`
	Checker    string   `json:"checker"`
	Checked    []string `json:"checked"`
	Violations []string `json:"violations"`
}

// Causes of a leadership change, as the summary groups them.
const (
	causeStart   = "start"
	causeCrashed = "crash"
	causeResign  = "resign"
	causeHandoff = "handoff"
	causePause   = "pause"
	causeOther   = "other"
)

// summarize turns the recorded terms into the summary.
func (d *demo) summarize() demoSummary {
	d.mu.Lock()
	terms := make([]demoTerm, len(d.terms))
	for i, t := range d.terms {
		terms[i] = *t
	}
	stopAt := d.stopAt
	d.mu.Unlock()
	slices.SortStableFunc(terms, func(a, b demoTerm) int { return a.start.Compare(b.start) })

	s := demoSummary{
		Electors:   d.o.electors,
		DurationMS: d.o.duration.Milliseconds(),
		LeaseMS:    d.o.lease.Milliseconds(),
		Seed:       d.o.seed,
		Chaos:      d.o.chaos,
		Changes:    []demoChange{},
		Takeover:   map[string]takeoverStats{},
	}
	gaps := map[string][]time.Duration{}
	var lastEnd time.Time
	for i, t := range terms {
		c := demoChange{AtMS: d.since(t.start).Milliseconds(), To: t.id, Ballot: t.ballot,
			Cause: causeStart}
		var gap time.Duration
		if i > 0 {
			prev := terms[i-1]
			c.From, c.Cause = prev.id, causeOf(prev.cause)
			if t.start.After(lastEnd) {
				gap = t.start.Sub(lastEnd)
			}
		} else {
			gap = d.since(t.start)
		}
		c.LeaderlessMS = toMS(gap)
		s.Leaderless += c.LeaderlessMS
		gaps[c.Cause] = append(gaps[c.Cause], gap)
		s.Changes = append(s.Changes, c)
		if t.end.IsZero() {
			lastEnd = time.Now()
		} else if t.end.After(lastEnd) {
			lastEnd = t.end
		}
	}
	// Time without a leader at the end of the run counts too.
	if len(terms) > 0 && lastEnd.Before(stopAt) {
		s.Leaderless += toMS(stopAt.Sub(lastEnd))
	}
	// Crash and resign, the two takeovers the demo is about, are always
	// reported, with a zero count when they did not happen.
	s.Takeover[causeCrashed] = takeoverStats{}
	s.Takeover[causeResign] = takeoverStats{}
	for cause, g := range gaps {
		if cause != causeStart {
			s.Takeover[cause] = stats(g)
		}
	}
	s.Commits, s.Verdict = d.check.verdict()
	d.mu.Lock()
	s.Fenced = d.fenced
	d.mu.Unlock()
	return s
}

// causeOf groups the reason a term ended.
func causeOf(reason string) string {
	switch {
	case reason == causeCrash:
		return causeCrashed
	case reason == "resigned":
		return causeResign
	case strings.HasPrefix(reason, "handed over"):
		return causeHandoff
	case reason == "paused past its lease":
		return causePause
	}
	return causeOther
}

// stats returns the count, nearest-rank p50 and p99, and maximum of gaps.
func stats(gaps []time.Duration) takeoverStats {
	g := slices.Clone(gaps)
	slices.Sort(g)
	rank := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(g)))) - 1
		return toMS(g[max(i, 0)])
	}
	return takeoverStats{Count: len(g), P50MS: rank(0.50), P99MS: rank(0.99),
		MaxMS: toMS(g[len(g)-1])}
}

// printSummary writes the summary for people.
func printSummary(w io.Writer, s demoSummary) {
	fmt.Fprintf(w, "\nLeadership changes (%d):\n", len(s.Changes))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  AT\tFROM\tTO\tBALLOT\tCAUSE\tWITHOUT LEADER")
	for _, c := range s.Changes {
		from := c.From
		if from == "" {
			from = "-"
		}
		fmt.Fprintf(tw, "  %.3fs\t%s\t%s\t%d\t%s\t%s\n", float64(c.AtMS)/1000, from, c.To,
			c.Ballot, c.Cause, ms(c.LeaderlessMS))
	}
	tw.Flush()

	fmt.Fprintln(w, "\nTakeover time (time without a leader), by cause:")
	causes := []string{causeCrashed, causeResign, causePause, causeHandoff, causeOther}
	for _, cause := range causes {
		st, ok := s.Takeover[cause]
		switch {
		case !ok:
			continue
		case st.Count == 0:
			fmt.Fprintf(w, "  after %-8s none\n", cause)
			continue
		}
		fmt.Fprintf(w, "  after %-8s n=%-3d p50 %-8s p99 %-8s max %s\n", cause, st.Count,
			ms(st.P50MS), ms(st.P99MS), ms(st.MaxMS))
	}
	fmt.Fprintf(w, "  total time without a leader: %s of %s\n", ms(s.Leaderless),
		ms(float64(s.DurationMS)))

	fmt.Fprintf(w, "\nInvariants (%s, %d commits checked):\n", s.Verdict.Checker, s.Commits)
	for _, c := range s.Verdict.Checked {
		fmt.Fprintf(w, "  - %s\n", c)
	}
	if s.Verdict.OK {
		fmt.Fprintln(w, "verdict: OK, no violation")
		return
	}
	fmt.Fprintf(w, "verdict: %d VIOLATION(S)\n", len(s.Verdict.Violations))
	for _, v := range s.Verdict.Violations {
		fmt.Fprintf(w, "  ! %s\n", v)
	}
}

// ms turns milliseconds back into a rounded duration for display.
func ms(n float64) time.Duration {
	return roundDuration(time.Duration(n * float64(time.Millisecond)))
}

// toMS returns d in milliseconds, to the microsecond.
func toMS(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
