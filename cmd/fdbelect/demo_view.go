package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// Terminal control sequences, written only when the output is a terminal.
const (
	ansiUp        = "\x1b[%dA" // move the cursor up n lines
	ansiClearDown = "\x1b[J"   // clear from the cursor to the end of the screen
)

const (
	viewRefresh = 100 * time.Millisecond
	viewLogSize = 8

	// viewDelay is how long an announcement waits before it is shown.
	// Electors deliver their events on goroutines of their own, so two
	// events a millisecond apart may arrive out of order; holding lines
	// briefly lets them be shown, and described, in the order they
	// happened.
	viewDelay = 150 * time.Millisecond
)

// demoView shows the demo. In a pipe it prints one timestamped line per
// event. On a terminal, a frame with the leader, each process and the
// latest events is redrawn in place.
type demoView struct {
	w     io.Writer
	live  bool
	width int // terminal columns; longer lines are cut so that redraws line up
	d     *demo

	mu      sync.Mutex
	pending []announcement // guarded by mu; not shown yet
	log     []string       // guarded by mu; latest lines, live mode
	drawn   int            // guarded by mu; lines of the last frame

	stop chan struct{}
	done chan struct{}
}

// announcement is a line to show, rendered when it is shown so that it can
// describe events that arrived after it.
type announcement struct {
	at     time.Time
	render func() string
}

func newDemoView(w io.Writer, live bool, width int, d *demo) *demoView {
	return &demoView{w: w, live: live, width: width, d: d, stop: make(chan struct{}),
		done: make(chan struct{})}
}

// fit cuts line to the terminal's width.
func (v *demoView) fit(line string) string {
	r := []rune(line)
	if v.width <= 1 || len(r) < v.width {
		return line
	}
	return string(r[:v.width-1])
}

// begin starts showing announcements, and on a terminal redrawing.
func (v *demoView) begin() {
	go func() {
		defer close(v.done)
		t := time.NewTicker(viewRefresh)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				v.flush(time.Now().Add(-viewDelay))
				if v.live {
					v.redraw()
				}
			case <-v.stop:
				return
			}
		}
	}()
}

// end shows what is pending, stops redrawing and leaves the last frame on
// screen.
func (v *demoView) end() {
	close(v.stop)
	<-v.done
	v.flush(time.Now().Add(time.Hour))
	if v.live {
		v.redraw()
		fmt.Fprintln(v.w)
	}
}

// announce reports an event that happens now.
func (v *demoView) announce(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	v.post(time.Now(), func() string { return line })
}

// announceAt reports an event that happened at t.
func (v *demoView) announceAt(t time.Time, format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	v.post(t, func() string { return line })
}

// post queues a line about an event at t, rendered when it is shown.
func (v *demoView) post(t time.Time, render func() string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.pending = append(v.pending, announcement{at: t, render: render})
}

// flush shows, in time order, the pending lines about events before limit.
func (v *demoView) flush(limit time.Time) {
	v.mu.Lock()
	slices.SortStableFunc(v.pending, func(a, b announcement) int { return a.at.Compare(b.at) })
	n := 0
	for n < len(v.pending) && !v.pending[n].at.After(limit) {
		n++
	}
	due := slices.Clone(v.pending[:n])
	v.pending = slices.Delete(v.pending, 0, n)
	v.mu.Unlock()

	// Render outside the view's lock: renderers take the demo's.
	lines := make([]string, len(due))
	for i, a := range due {
		lines[i] = fmt.Sprintf("%8.3fs  %s", v.d.since(a.at).Seconds(), a.render())
	}

	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.live {
		for _, line := range lines {
			fmt.Fprintln(v.w, line)
		}
		return
	}
	v.log = append(v.log, lines...)
	if len(v.log) > viewLogSize {
		v.log = v.log[len(v.log)-viewLogSize:]
	}
}

// redraw replaces the last frame with a fresh one.
func (v *demoView) redraw() {
	frame := v.d.frame()
	v.mu.Lock()
	defer v.mu.Unlock()
	lines := append(frame, "", "recent events:")
	lines = append(lines, v.log...)

	var b strings.Builder
	if v.drawn > 0 {
		fmt.Fprintf(&b, ansiUp, v.drawn)
	}
	b.WriteString(ansiClearDown)
	for _, l := range lines {
		b.WriteString(v.fit(l))
		b.WriteByte('\n')
	}
	io.WriteString(v.w, b.String())
	v.drawn = len(lines)
}

// frame renders the demo's state: a header, the leader, and one line per
// process (its latest incarnation).
func (d *demo) frame() []string {
	now := time.Now()
	d.mu.Lock()
	record := d.record
	latest := map[string]*demoNode{}
	var order []string
	for _, n := range d.nodes {
		if _, ok := latest[n.id]; !ok {
			order = append(order, n.id)
		}
		latest[n.id] = n
	}
	states := map[string]nodeState{}
	for id, n := range latest {
		states[id] = n.state
	}
	d.mu.Unlock()

	elapsed := min(d.since(now), d.o.duration).Round(100 * time.Millisecond)
	lines := []string{
		fmt.Sprintf("fdbelect demo: %d electors, lease %s, chaos %s, seed %d   %s / %s",
			d.o.electors, d.o.lease, onOff(d.o.chaos), d.o.seed, elapsed, d.o.duration),
		"leader: " + describeLeader(record, now),
		"",
		fmt.Sprintf("  %-6s %-5s %-9s %s", "ID", "PRIO", "STATE", "TOKEN"),
	}
	for _, id := range order {
		n := latest[id]
		token, leading := n.elector.Token()
		mark := ""
		if leading {
			mark = "  <- leads"
		}
		lines = append(lines, fmt.Sprintf("  %-6s %-5d %-9s %d%s", id, n.priority,
			states[id], token, mark))
	}
	return lines
}
