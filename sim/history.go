package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Event is one line of a run's history: what happened at a true instant,
// and to or by which process ("" for the database and the scheduler).
type Event struct {
	At   time.Duration
	Proc string
	What string
}

// String returns the event on one line, as Excerpt prints it.
func (e Event) String() string {
	p := e.Proc
	if p == "" {
		p = "-"
	}
	return fmt.Sprintf("%12s %-4s %s", fmtAt(e.At), p, e.What)
}

// fmtAt prints a virtual instant with millisecond precision, in seconds.
func fmtAt(d time.Duration) string {
	return fmt.Sprintf("%.3fs", d.Seconds())
}

// hashHistory returns the hex SHA-256 of the canonical form of h: one line
// per event with the instant in nanoseconds, the process and the text.
func hashHistory(h []Event) string {
	s := sha256.New()
	var b []byte
	for _, e := range h {
		b = fmt.Appendf(b[:0], "%d\t%s\t%s\n", int64(e.At), e.Proc, e.What)
		s.Write(b)
	}
	return hex.EncodeToString(s.Sum(nil))
}

// Excerpt returns the history around v: up to n events before its instant
// and n from it on, one per line, with the violation itself marked where it
// happened.
func (r *Result) Excerpt(v Violation, n int) string {
	n = max(n, 0)
	h := r.History
	i := sort.Search(len(h), func(i int) bool { return h[i].At > v.At })
	lo, hi := max(i-n, 0), min(i+n, len(h))

	var b strings.Builder
	for j := lo; j < hi; j++ {
		if j == i {
			fmt.Fprintf(&b, ">>> %s %s: %s\n", fmtAt(v.At), v.Invariant, v.Detail)
		}
		b.WriteString(h[j].String())
		b.WriteByte('\n')
	}
	if i >= hi {
		fmt.Fprintf(&b, ">>> %s %s: %s\n", fmtAt(v.At), v.Invariant, v.Detail)
	}
	return b.String()
}
