package election_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/tuple"
)

// Each test here fails on the 0.11.0 behaviour it names.

// 0.11.0 cleared the record on resign, so the next claim wrote ballot 1.
func TestResignKeepsBallot(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("a", 3, t0)
	h.register("b", 0, t0)
	h.mustClaim("a", 3, t0)
	h.refresh("a", t0.Add(time.Second))
	h.refresh("a", t0.Add(2*time.Second))
	if !h.resign("a") {
		t.Fatal("resign failed")
	}

	rec := h.record()
	if rec == nil {
		t.Fatal("resign cleared the leader record")
	}
	if !rec.Vacant() || rec.Ballot != 3 || rec.LeaderID != "" || rec.Priority != 0 ||
		!rec.LeaseExpiry.Equal(time.Unix(0, 0)) || rec.Versionstamp != (tuple.Versionstamp{}) {
		t.Fatalf("resigned record %+v, want vacant at ballot 3", rec)
	}
	raw := mustGet(t, h, h.e.LeaderKey())
	want := "\x15\x03\x02\x00\x14\x14\x01" + strings.Repeat("\x00\xff", 12) + "\x00"
	if string(raw) != want {
		t.Fatalf("vacant bytes %x, want %x", raw, want)
	}

	// Vacant reads as no leader everywhere.
	now := t0.Add(3 * time.Second)
	if l := h.leader(now); l != nil {
		t.Errorf("Leader = %+v, want nil", l)
	}
	if ok, _ := h.isLeader("a", now); ok {
		t.Error("IsLeader(a) after resign")
	}
	h.must(h.rtx(func(tr kv.ReadTransaction) error {
		l, err := h.e.LeaderRaw(tr)
		if l != nil {
			t.Errorf("LeaderRaw = %+v, want nil", l)
		}
		return err
	}))
	if got := h.refresh("a", now); got != nil {
		t.Errorf("refresh after resign: %+v", got)
	}
	if h.resign("a") {
		t.Error("resigned twice")
	}
	// A low priority claims a vacant record even with preemption rules.
	wantLeader(t, h.mustClaim("b", 0, now), "b", 4)
}

// 0.11.0 let a candidate whose heartbeat timed out claim leadership.
func TestDeadCandidateCannotClaim(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("a", 0, t0)

	_, err := h.claim("a", 0, t0.Add(15*time.Second))
	if !errors.Is(err, election.ErrCandidateNotAlive) {
		t.Fatalf("claim by dead candidate: %v, want ErrCandidateNotAlive", err)
	}
	if r := h.record(); r != nil {
		t.Fatalf("dead claim wrote %+v", r)
	}
	wantLeader(t, h.mustClaim("a", 0, t0.Add(15*time.Second-1)), "a", 1)

	// A leader whose candidate died cannot extend its reign by claiming.
	_, err = h.claim("a", 0, t0.Add(16*time.Second))
	if !errors.Is(err, election.ErrCandidateNotAlive) {
		t.Fatalf("re-claim by dead leader: %v, want ErrCandidateNotAlive", err)
	}
	// A heartbeat brings it back.
	h.must(h.heartbeat("a", 0, t0.Add(16*time.Second)))
	wantLeader(t, h.mustClaim("a", 0, t0.Add(16*time.Second)), "a", 2)
}

// 0.11.0 evicted the sitting leader's candidate record.
func TestEvictionSkipsLeader(t *testing.T) {
	h := newHarness(t, testConfig)
	for _, id := range []string{"leader", "dead", "alive"} {
		h.register(id, 0, t0)
	}
	h.mustClaim("leader", 0, t0)
	h.refresh("leader", t0.Add(20*time.Second))
	h.must(h.heartbeat("alive", 0, t0.Add(20*time.Second)))

	evict := func(now time.Time) int {
		var n int
		h.must(h.tx(func(tr kv.Transaction) error {
			var err error
			n, err = h.e.EvictDeadCandidates(tr, now)
			return err
		}))
		return n
	}
	if n := evict(t0.Add(21 * time.Second)); n != 1 {
		t.Fatalf("evicted %d, want 1", n)
	}
	if h.candidate("leader") == nil || h.candidate("alive") == nil {
		t.Fatal("evicted the leader's or a live candidate")
	}
	if h.candidate("dead") != nil {
		t.Fatal("dead candidate survived")
	}

	// Even with its lease expired the record names it, so it stays.
	if n := evict(t0.Add(time.Hour)); n != 1 || h.candidate("leader") == nil {
		t.Fatalf("second eviction removed %d, leader kept = %v", n, h.candidate("leader") != nil)
	}
	// Once it resigns, it is evicted like any dead candidate.
	h.resign("leader")
	if n := evict(t0.Add(time.Hour)); n != 1 || h.candidate("leader") != nil {
		t.Fatalf("after resign evicted %d, want the old leader", n)
	}
}

// RefreshLease keeps 0.11.0's behaviour when elections are disabled; this
// documents the choice (the Elector is what stops leading).
func TestRefreshWhileDisabled(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("a", 0, t0)
	h.mustClaim("a", 0, t0)

	cfg := testConfig
	cfg.Enabled = false
	h.must(h.tx(func(tr kv.Transaction) error { return h.e.WriteConfig(tr, cfg) }))

	wantLeader(t, h.refresh("a", t0.Add(time.Second)), "a", 2)
	if _, err := h.claim("a", 0, t0.Add(time.Second)); !errors.Is(err,
		election.ErrElectionDisabled) {
		t.Fatalf("claim while disabled: %v, want ErrElectionDisabled", err)
	}
}

// Registering and claiming in one transaction reads a key with a pending
// versionstamped write: FoundationDB's 1036 must reach the caller unchanged.
func TestRegisterAndClaimInOneTransaction(t *testing.T) {
	h := newHarness(t, testConfig)
	ops := map[string]func(tr kv.Transaction) error{
		"TryClaimLeadership": func(tr kv.Transaction) error {
			_, err := h.e.TryClaimLeadership(tr, "a", 0, t0)
			return err
		},
		"RunCycle": func(tr kv.Transaction) error {
			_, err := h.e.RunCycle(tr, "a", 0, t0)
			return err
		},
		"HeartbeatCandidate": func(tr kv.Transaction) error {
			return h.e.HeartbeatCandidate(tr, "a", 0, t0)
		},
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			var inner error
			err := h.tx(func(tr kv.Transaction) error {
				if err := h.e.RegisterCandidate(tr, "a", 0, t0); err != nil {
					return err
				}
				inner = op(tr)
				return inner
			})
			if !errors.Is(err, kv.ErrAccessedUnreadable) {
				t.Fatalf("got %v, want accessed_unreadable", err)
			}
			var kerr *kv.Error
			if !errors.As(inner, &kerr) || inner != error(kerr) {
				t.Fatalf("the engine's error was wrapped: %#v", inner)
			}
		})
	}

	// Committed on its own first, the same claim succeeds.
	h.register("a", 0, t0)
	wantLeader(t, h.mustClaim("a", 0, t0), "a", 1)
}

// A retry must not reuse the time read before the first attempt.
func TestTimeReadInsideRetries(t *testing.T) {
	var mu sync.Mutex
	commits := 0
	db := memkv.New(memkv.Options{CommitFault: func(memkv.CommitInfo) memkv.Fault {
		mu.Lock()
		defer mu.Unlock()
		commits++
		if commits == 3 { // the first claim attempt, after init and registration
			return memkv.FaultConflict
		}
		return memkv.FaultNone
	}})
	e := testElection()
	ctx := context.Background()
	clockNow := t0
	readClock := func() time.Time { clockNow = clockNow.Add(time.Second); return clockNow }

	for _, fn := range []func(tr kv.Transaction) error{
		func(tr kv.Transaction) error { return e.Initialize(tr, testConfig) },
		func(tr kv.Transaction) error { return e.RegisterCandidate(tr, "a", 0, t0) },
	} {
		if err := db.Transact(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}

	var got *election.LeaderState
	err := db.Transact(ctx, func(tr kv.Transaction) error {
		var err error
		got, err = e.TryClaimLeadership(tr, "a", 0, readClock())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(2*time.Second + testConfig.LeaseDuration); !got.LeaseExpiry.Equal(want) {
		t.Fatalf("expiry %v, want %v from the retry's own time", got.LeaseExpiry, want)
	}
}

// recordingTx logs the order in which reads are issued and waited for, and
// can make a read fail.
type recordingTx struct {
	kv.Transaction
	names map[string]string
	log   []string
	fail  map[string]error
}

func (r *recordingTx) name(key []byte) string {
	for prefix, n := range r.names {
		if bytes.Equal(key, []byte(prefix)) {
			return n
		}
	}
	return fmt.Sprintf("%x", key)
}

func (r *recordingTx) Get(key []byte) kv.FutureValue {
	n := r.name(key)
	r.log = append(r.log, "get "+n)
	return &recordingFuture{FutureValue: r.Transaction.Get(key), tx: r, name: n}
}

type recordingFuture struct {
	kv.FutureValue
	tx   *recordingTx
	name string
}

func (f *recordingFuture) Get() ([]byte, error) {
	f.tx.log = append(f.tx.log, "wait "+f.name)
	if err := f.tx.fail[f.name]; err != nil {
		return nil, err
	}
	return f.FutureValue.Get()
}

func newRecording(h *harness, tr kv.Transaction) *recordingTx {
	cand, _ := h.e.CandidateKey("a")
	return &recordingTx{Transaction: tr, names: map[string]string{
		string(h.e.ConfigKey()): "config",
		string(h.e.LeaderKey()): "leader",
		string(cand):            "candidate",
	}}
}

func TestReadsIssuedTogether(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("a", 0, t0)
	all := "get config,get candidate,get leader,wait config,wait candidate,wait leader"
	tests := []struct {
		name string
		op   func(tr kv.Transaction) error
		want string
	}{
		{"RunCycle", func(tr kv.Transaction) error {
			_, err := h.e.RunCycle(tr, "a", 0, t0)
			return err
		}, all},
		{"TryClaimLeadership", func(tr kv.Transaction) error {
			_, err := h.e.TryClaimLeadership(tr, "a", 0, t0)
			return err
		}, all},
		{"ReadState", func(tr kv.Transaction) error {
			_, err := h.e.ReadState(tr, "a")
			return err
		}, all},
		{"HeartbeatCandidate", func(tr kv.Transaction) error {
			return h.e.HeartbeatCandidate(tr, "a", 0, t0)
		}, "get config,get candidate,wait config,wait candidate"},
		{"RefreshLease", func(tr kv.Transaction) error {
			_, err := h.e.RefreshLease(tr, "a", t0)
			return err
		}, "get config,get leader,wait config,wait leader"},
		{"IsLeader", func(tr kv.Transaction) error {
			_, err := h.e.IsLeader(tr, "a", t0)
			return err
		}, "get config,get leader,wait config,wait leader"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log []string
			h.must(h.tx(func(tr kv.Transaction) error {
				rec := newRecording(h, tr)
				err := tt.op(rec)
				log = rec.log
				return err
			}))
			if got := strings.Join(log, ","); got != tt.want {
				t.Errorf("reads:\ngot  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestDatabaseErrorsPassThrough(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("a", 0, t0)
	dbErr := kv.NewError(kv.CodeNotCommitted)

	for _, record := range []string{"config", "candidate", "leader"} {
		t.Run(record, func(t *testing.T) {
			err := h.db.Transact(context.Background(), func(tr kv.Transaction) error {
				rec := newRecording(h, tr)
				rec.fail = map[string]error{record: dbErr}
				_, err := h.e.RunCycle(rec, "a", 0, t0)
				if err != dbErr {
					t.Errorf("RunCycle returned %#v, want the engine's error itself", err)
				}
				return nil
			})
			h.must(err)
		})
	}
}
