package kvtest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/fdbelect/fdbelect/kv"
)

// MaxLinearKeys is the largest number of keys a linearizability workload
// may use.
const MaxLinearKeys = 8

// LinearOptions shape the workload of RecordHistory. Zero fields take the
// defaults given with each field.
type LinearOptions struct {
	// Seed seeds every client's choice of operations. The interleaving
	// still depends on the scheduler, so a seed fixes what is asked, not
	// the history.
	Seed uint64

	// Clients is how many goroutines issue transactions at once
	// (default 4).
	Clients int

	// Keys is how many keys they share (default 3, at most
	// MaxLinearKeys). Fewer keys mean more contention.
	Keys int

	// Ops bounds how many transactions each client issues (default 100).
	Ops int

	// Duration bounds how long clients keep issuing transactions
	// (default 2s). Together with Ops it keeps the check's cost bounded.
	Duration time.Duration
}

// withDefaults returns o with zero fields replaced by their defaults.
func (o LinearOptions) withDefaults() (LinearOptions, error) {
	if o.Clients <= 0 {
		o.Clients = 4
	}
	if o.Keys <= 0 {
		o.Keys = 3
	}
	if o.Keys > MaxLinearKeys {
		return o, fmt.Errorf("kvtest: %d keys requested, at most %d", o.Keys, MaxLinearKeys)
	}
	if o.Ops <= 0 {
		o.Ops = 100
	}
	if o.Duration <= 0 {
		o.Duration = 2 * time.Second
	}
	return o, nil
}

// Verdict is the outcome of a linearizability check.
type Verdict int

// The verdicts of History.Check.
const (
	// Linearizable means some real-time respecting order of the
	// transactions explains every value read.
	Linearizable Verdict = iota + 1
	// NotLinearizable means no such order exists.
	NotLinearizable
	// Inconclusive means the checker ran out of time.
	Inconclusive
)

// String returns the verdict's name.
func (v Verdict) String() string {
	switch v {
	case Linearizable:
		return "linearizable"
	case NotLinearizable:
		return "not linearizable"
	case Inconclusive:
		return "inconclusive"
	}
	return "verdict(?)"
}

// History is a recorded workload: every transaction that committed, or
// may have, with its call and return times.
type History struct {
	ops []porcupine.Operation

	// Committed counts transactions known to have committed.
	Committed int
	// Unknown counts transactions with writes whose outcome is unknown
	// (commit_unknown_result, a timeout, a cancelled context, or any other
	// error that does not prove the commit failed).
	Unknown int
	// Aborted counts attempts left out of the history: ones that certainly
	// did not commit, and read-only ones that failed.
	Aborted int
}

// opKind is what a workload transaction does.
type opKind uint8

// The workload's transactions.
const (
	opRead    opKind = iota // read k1
	opWrite                 // blind write of a fresh value to k1
	opClear                 // blind clear of k1
	opIncr                  // read k1, write k1+delta
	opReadAll               // range read of every key
	opMove                  // read k1 and k2, write k1=old k2 and k2=old k1+delta
)

// linState is the model's state: the value of each key, zero for absent.
// It is an array so that states compare with ==.
type linState [MaxLinearKeys]int64

// linInput is one transaction of the workload.
type linInput struct {
	kind   opKind
	k1, k2 int
	value  int64 // the value written by opWrite, the delta otherwise
}

// linOutput is what a transaction observed. unknown marks a transaction
// whose outcome and reads are unknown; bad marks one that read something
// the workload never writes.
type linOutput struct {
	unknown bool
	bad     bool
	vals    linState
}

// readOnly reports whether the transaction writes nothing.
func (in linInput) readOnly() bool {
	return in.kind == opRead || in.kind == opReadAll
}

// linModel is the sequential specification: one key-value map, and every
// transaction one atomic step on the whole of it.
var linModel = porcupine.Model{
	Init: func() any { return linState{} },
	Step: func(state, input, output any) (bool, any) {
		return linStep(state.(linState), input.(linInput), output.(linOutput))
	},
	DescribeOperation: func(input, output any) string {
		return describeOp(input.(linInput), output.(linOutput))
	},
	DescribeState: func(state any) string {
		return fmt.Sprint(state.(linState))
	},
}

// linStep applies in to s if out is what in could observe in s.
func linStep(s linState, in linInput, out linOutput) (bool, linState) {
	if out.bad {
		return false, s
	}
	check := func(keys ...int) bool {
		if out.unknown {
			return true
		}
		for _, k := range keys {
			if out.vals[k] != s[k] {
				return false
			}
		}
		return true
	}

	switch in.kind {
	case opRead:
		return check(in.k1), s
	case opReadAll:
		return out.unknown || out.vals == s, s
	case opWrite:
		s[in.k1] = in.value
	case opClear:
		s[in.k1] = 0
	case opIncr:
		if !check(in.k1) {
			return false, s
		}
		s[in.k1] += in.value
	case opMove:
		if !check(in.k1, in.k2) {
			return false, s
		}
		s[in.k1], s[in.k2] = s[in.k2], s[in.k1]+in.value
	}
	return true, s
}

// describeOp renders a transaction for porcupine's visualization.
func describeOp(in linInput, out linOutput) string {
	seen := "?"
	if !out.unknown {
		seen = fmt.Sprint(out.vals)
	}
	switch in.kind {
	case opRead:
		return fmt.Sprintf("read k%d -> %s", in.k1, seen)
	case opReadAll:
		return fmt.Sprintf("read all -> %s", seen)
	case opWrite:
		return fmt.Sprintf("write k%d=%d (%v)", in.k1, in.value, !out.unknown)
	case opClear:
		return fmt.Sprintf("clear k%d (%v)", in.k1, !out.unknown)
	case opIncr:
		return fmt.Sprintf("incr k%d by %d, read %s", in.k1, in.value, seen)
	case opMove:
		return fmt.Sprintf("move k%d,k%d +%d, read %s", in.k1, in.k2, in.value, seen)
	}
	return "?"
}

// RecordHistory runs the workload described by opts on db, under prefix,
// and returns its history. Each transaction runs through Transact or
// ReadTransact with a retry limit of zero, so that the outcome of every
// attempt is known to the recorder; a failed attempt is followed by the
// client's next transaction. It returns an error only for bad options or
// when ctx ends before any transaction ran.
func RecordHistory(ctx context.Context, db kv.Database, prefix []byte,
	opts LinearOptions) (*History, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}

	keys := make([][]byte, opts.Keys)
	for i := range keys {
		keys[i] = append(append([]byte(nil), prefix...), 'l', 'i', 'n', '/', byte('a'+i))
	}
	span := kv.Range{
		Begin: append(append([]byte(nil), prefix...), "lin/"...),
		End:   append(append([]byte(nil), prefix...), "lin0"...),
	}

	rec := &recorder{db: db, keys: keys, span: span, start: time.Now()}
	var wg sync.WaitGroup
	for c := range opts.Clients {
		wg.Go(func() { rec.client(ctx, c, opts) })
	}
	wg.Wait()

	if len(rec.h.ops) == 0 && ctx.Err() != nil {
		return nil, fmt.Errorf("kvtest: recording history: %w", ctx.Err())
	}
	return &rec.h, nil
}

// recorder collects the operations of all clients.
type recorder struct {
	db    kv.Database
	keys  [][]byte
	span  kv.Range
	start time.Time

	mu sync.Mutex // guards h
	h  History
}

// now returns the time since the recording began, in nanoseconds.
func (r *recorder) now() int64 {
	return time.Since(r.start).Nanoseconds()
}

// client issues one client's transactions.
func (r *recorder) client(ctx context.Context, id int, opts LinearOptions) {
	rng := rand.New(rand.NewPCG(opts.Seed, uint64(id)))
	deadline := r.start.Add(opts.Duration)
	for seq := 0; seq < opts.Ops && ctx.Err() == nil && time.Now().Before(deadline); seq++ {
		in := nextInput(rng, opts.Keys, int64(id+1)<<32|int64(seq+1))
		call := r.now()
		out, err := r.run(ctx, in)
		ret := r.now()
		r.add(id, in, out, err, call, ret)
	}
}

// add records one transaction according to what its error proves.
func (r *recorder) add(id int, in linInput, out linOutput, err error, call, ret int64) {
	r.mu.Lock()
	defer r.mu.Unlock()

	switch {
	case err == nil:
		r.h.Committed++
	case in.readOnly() || kv.IsRetryableNotCommitted(err):
		r.h.Aborted++
		return
	default:
		// The commit may have applied at any moment after the call, or
		// never: a return time past every other operation allows both.
		r.h.Unknown++
		out, ret = linOutput{unknown: true}, math.MaxInt64
	}
	r.h.ops = append(r.h.ops, porcupine.Operation{
		ClientId: id, Input: in, Call: call, Output: out, Return: ret,
	})
}

// nextInput draws a transaction. fresh is a value no other draw returns.
func nextInput(rng *rand.Rand, keys int, fresh int64) linInput {
	in := linInput{k1: rng.IntN(keys), k2: rng.IntN(keys), value: int64(1 + rng.IntN(5))}
	switch p := rng.IntN(100); {
	case p < 25:
		in.kind = opRead
	case p < 45:
		in.kind, in.value = opWrite, fresh
	case p < 50:
		in.kind = opClear
	case p < 75:
		in.kind = opIncr
	case p < 85:
		in.kind = opReadAll
	default:
		in.kind = opMove
		if keys > 1 && in.k2 == in.k1 {
			in.k2 = (in.k1 + 1) % keys
		}
	}
	return in
}

// run performs one transaction and returns what it read.
func (r *recorder) run(ctx context.Context, in linInput) (linOutput, error) {
	var out linOutput
	if in.readOnly() {
		err := r.db.ReadTransact(ctx, func(tr kv.ReadTransaction) error {
			tr.SetRetryLimit(0)
			out = linOutput{}
			return r.read(tr, in, &out)
		})
		return out, err
	}
	err := r.db.Transact(ctx, func(tr kv.Transaction) error {
		tr.SetRetryLimit(0)
		out = linOutput{}
		if err := r.read(tr, in, &out); err != nil {
			return err
		}
		r.write(tr, in, &out)
		return nil
	})
	return out, err
}

// read performs in's reads into out.
func (r *recorder) read(tr kv.ReadTransaction, in linInput, out *linOutput) error {
	switch in.kind {
	case opRead, opIncr:
		return r.get(tr, in.k1, out)
	case opMove:
		if err := r.get(tr, in.k1, out); err != nil {
			return err
		}
		return r.get(tr, in.k2, out)
	case opReadAll:
		kvs, err := tr.GetRange(r.span, kv.RangeOptions{}).GetSliceWithError()
		if err != nil {
			return err
		}
		for _, p := range kvs {
			k := r.index(p.Key)
			if k < 0 {
				out.bad = true
				continue
			}
			out.vals[k] = decodeLin(p.Value, out)
		}
	}
	return nil
}

// get reads key k into out.
func (r *recorder) get(tr kv.ReadTransaction, k int, out *linOutput) error {
	v, err := tr.Get(r.keys[k]).Get()
	if err != nil {
		return err
	}
	if v != nil {
		out.vals[k] = decodeLin(v, out)
	}
	return nil
}

// write performs in's writes, from the values read into out.
func (r *recorder) write(tr kv.Transaction, in linInput, out *linOutput) {
	put := func(k int, v int64) {
		if v == 0 {
			tr.Clear(r.keys[k])
			return
		}
		tr.Set(r.keys[k], be64(v))
	}
	switch in.kind {
	case opWrite:
		put(in.k1, in.value)
	case opClear:
		tr.Clear(r.keys[in.k1])
	case opIncr:
		put(in.k1, out.vals[in.k1]+in.value)
	case opMove:
		a, b := out.vals[in.k1], out.vals[in.k2]
		put(in.k1, b)
		put(in.k2, a+in.value)
	}
}

// index returns the workload key index of key, or -1.
func (r *recorder) index(key []byte) int {
	for i, k := range r.keys {
		if string(k) == string(key) {
			return i
		}
	}
	return -1
}

// decodeLin decodes a workload value, marking out bad when it is not one.
func decodeLin(v []byte, out *linOutput) int64 {
	n, err := balance(v)
	if err != nil || n <= 0 {
		out.bad = true
		return 0
	}
	return n
}

// Len returns how many transactions the history holds.
func (h *History) Len() int { return len(h.ops) }

// Check decides whether the history is strictly serializable, giving up
// after timeout.
func (h *History) Check(timeout time.Duration) Verdict {
	v, _ := h.check(timeout)
	return v
}

// check runs porcupine and keeps its details for visualization.
func (h *History) check(timeout time.Duration) (Verdict, porcupine.LinearizationInfo) {
	res, info := porcupine.CheckOperationsVerbose(linModel, h.ops, timeout)
	switch res {
	case porcupine.Ok:
		return Linearizable, info
	case porcupine.Illegal:
		return NotLinearizable, info
	}
	return Inconclusive, info
}

// checkTimeout bounds CheckLinearizable's checker.
const checkTimeout = 60 * time.Second

// CheckLinearizable records a history on db with RecordHistory and fails t
// unless it is strictly serializable. On a violation it writes porcupine's
// HTML visualization to a temporary file and logs its path. It returns the
// history for further assertions.
func CheckLinearizable(t testing.TB, db kv.Database, prefix []byte, opts LinearOptions) *History {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
	defer cancel()

	h, err := RecordHistory(ctx, db, prefix, opts)
	if err != nil {
		t.Fatalf("RecordHistory: %v", err)
	}
	if h.Committed == 0 {
		t.Fatalf("no transaction committed (%d unknown, %d aborted)", h.Unknown, h.Aborted)
	}

	v, info := h.check(checkTimeout)
	t.Logf("history: %d committed, %d unknown, %d aborted: %v",
		h.Committed, h.Unknown, h.Aborted, v)
	switch v {
	case NotLinearizable:
		t.Errorf("history of %d transactions is not strictly serializable%s",
			h.Len(), visualize(info))
	case Inconclusive:
		t.Errorf("linearizability check gave up after %v; make the workload smaller", checkTimeout)
	}
	return h
}

// visualize writes porcupine's visualization to a temporary file and
// returns a message naming it.
func visualize(info porcupine.LinearizationInfo) string {
	f, err := os.CreateTemp("", "kvtest-history-*.html")
	if err != nil {
		return ""
	}
	defer f.Close()
	if err := porcupine.Visualize(linModel, info, f); err != nil {
		return ""
	}
	return "; see " + f.Name()
}
