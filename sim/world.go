package sim

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/fdbelect/fdbelect/clock"
	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/subspace"
)

// epoch is true time zero on every wall clock of a run.
var epoch = time.Date(2030, time.January, 1, 0, 0, 0, 0, time.UTC)

// event is one scheduled step. Events run in (at, seq) order; seq is the
// order of scheduling, so ties never depend on anything but the run.
type event struct {
	at   time.Duration
	seq  uint64
	proc int // -1: not tied to a process
	inc  int // the process incarnation it belongs to
	fn   func()
}

type queue []*event

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *queue) Pop() any {
	old := *q
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return e
}

// world is one run: true time, the event queue, the database, the
// processes and what is recorded.
type world struct {
	cfg  Config
	rng  *rand.Rand // scheduling and fault choices
	frng *rand.Rand // commit faults, drawn under the commit lock
	clk  *clock.Fake
	db   *memkv.DB
	el   *election.Election
	work subspace.Subspace
	chk  *Checker

	now   time.Duration
	seq   uint64
	q     queue
	procs []*proc

	committer string // who commits right now, for the fault hook and history
	admin     admin
	hist      []Event
	marks     []Mark
	beliefs   []Belief
	stats     Stats
}

// at schedules fn at true instant t for process p (-1 for none). An event
// of a process is dropped if the process crashed since, and deferred to the
// end of a pause that covers it.
func (w *world) at(t time.Duration, p int, fn func()) {
	inc := 0
	if p >= 0 {
		inc = w.procs[p].inc
	}
	w.seq++
	heap.Push(&w.q, &event{at: max(t, w.now), seq: w.seq, proc: p, inc: inc, fn: fn})
}

// run processes events until the queue is empty or the duration is over.
func (w *world) run() {
	for w.q.Len() > 0 {
		e := heap.Pop(&w.q).(*event)
		if e.at > w.cfg.Duration {
			break
		}
		w.advance(e.at)
		if e.proc >= 0 {
			p := w.procs[e.proc]
			if p.inc != e.inc {
				continue
			}
			if p.pausedUntil > w.now {
				w.seq++
				e.at, e.seq = p.pausedUntil, w.seq
				heap.Push(&w.q, e)
				continue
			}
		}
		e.fn()
	}
	w.advance(w.cfg.Duration)
}

// advance moves true time, and the database's clock with it, to t.
func (w *world) advance(t time.Duration) {
	if t > w.now {
		w.clk.Advance(t - w.now)
		w.now = t
	}
}

// record appends an event to the history.
func (w *world) record(proc, format string, args ...any) {
	w.hist = append(w.hist, Event{At: w.now, Proc: proc, What: fmt.Sprintf(format, args...)})
}

// uniform returns a duration drawn uniformly from [lo, hi].
func (w *world) uniform(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(w.rng.Int64N(int64(hi-lo)+1))
}

// readLatency and commitLatency draw one operation's delay.
func (w *world) readLatency() time.Duration {
	if !w.cfg.Faults.Latency {
		return 0
	}
	return w.uniform(0, w.cfg.ReadLatency)
}

func (w *world) commitLatency() time.Duration {
	if !w.cfg.Faults.Latency {
		return 0
	}
	return w.uniform(0, w.cfg.CommitLatency)
}

// scale returns how far a clock running ppm parts per million fast moves
// while true time moves d. It is exact integer arithmetic, so every
// platform computes the same readings.
func scale(d time.Duration, ppm int64) time.Duration {
	const million = 1_000_000
	n := int64(d)
	return time.Duration(n + (n/million)*ppm + (n%million)*ppm/million)
}

// unscale returns the shortest true duration after which a clock running
// ppm fast has moved at least m.
func unscale(m time.Duration, ppm int64) time.Duration {
	if m <= 0 {
		return 0
	}
	lo, hi := time.Duration(0), 2*m+time.Second
	for lo < hi {
		mid := lo + (hi-lo)/2
		if scale(mid, ppm) >= m {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
