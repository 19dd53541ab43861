package election_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/tuple"
)

// harness is one election on a fresh embedded engine.
type harness struct {
	t   testing.TB
	db  *memkv.DB
	e   *election.Election
	cfg election.Config
}

// testConfig has a 10 s lease, 3 s heartbeats and a 15 s candidate timeout.
var testConfig = election.DefaultConfig()

func newHarness(t testing.TB, cfg election.Config) *harness {
	t.Helper()
	h := &harness{t: t, db: memkv.New(memkv.Options{}), e: testElection(), cfg: cfg}
	h.must(h.tx(func(tr kv.Transaction) error { return h.e.Initialize(tr, cfg) }))
	return h
}

func (h *harness) tx(fn func(tr kv.Transaction) error) error {
	return h.db.Transact(context.Background(), fn)
}

func (h *harness) rtx(fn func(tr kv.ReadTransaction) error) error {
	return h.db.ReadTransact(context.Background(), fn)
}

func (h *harness) must(err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) register(id string, priority int32, now time.Time) {
	h.t.Helper()
	h.must(h.tx(func(tr kv.Transaction) error {
		return h.e.RegisterCandidate(tr, id, priority, now)
	}))
}

func (h *harness) claim(id string, priority int32, now time.Time) (*election.LeaderState, error) {
	var got *election.LeaderState
	err := h.tx(func(tr kv.Transaction) error {
		var err error
		got, err = h.e.TryClaimLeadership(tr, id, priority, now)
		return err
	})
	return got, err
}

func (h *harness) mustClaim(id string, priority int32, now time.Time) *election.LeaderState {
	h.t.Helper()
	l, err := h.claim(id, priority, now)
	h.must(err)
	return l
}

func (h *harness) refresh(id string, now time.Time) *election.LeaderState {
	h.t.Helper()
	var got *election.LeaderState
	h.must(h.tx(func(tr kv.Transaction) error {
		var err error
		got, err = h.e.RefreshLease(tr, id, now)
		return err
	}))
	return got
}

func (h *harness) resign(id string) bool {
	h.t.Helper()
	var got bool
	h.must(h.tx(func(tr kv.Transaction) error {
		var err error
		got, err = h.e.ResignLeadership(tr, id)
		return err
	}))
	return got
}

func (h *harness) heartbeat(id string, priority int32, now time.Time) error {
	return h.tx(func(tr kv.Transaction) error {
		return h.e.HeartbeatCandidate(tr, id, priority, now)
	})
}

func (h *harness) cycle(id string, priority int32, now time.Time) election.Result {
	h.t.Helper()
	var got election.Result
	h.must(h.tx(func(tr kv.Transaction) error {
		var err error
		got, err = h.e.RunCycle(tr, id, priority, now)
		return err
	}))
	return got
}

func (h *harness) leader(now time.Time) *election.LeaderState {
	h.t.Helper()
	var got *election.LeaderState
	h.must(h.rtx(func(tr kv.ReadTransaction) error {
		var err error
		got, err = h.e.Leader(tr, now)
		return err
	}))
	return got
}

func (h *harness) record() *election.LeaderState {
	h.t.Helper()
	var got *election.LeaderState
	h.must(h.rtx(func(tr kv.ReadTransaction) error {
		var err error
		got, err = h.e.LeaderRecord(tr)
		return err
	}))
	return got
}

func (h *harness) isLeader(id string, now time.Time) (bool, error) {
	var got bool
	err := h.rtx(func(tr kv.ReadTransaction) error {
		var err error
		got, err = h.e.IsLeader(tr, id, now)
		return err
	})
	return got, err
}

func (h *harness) candidates(now time.Time) []election.Candidate {
	h.t.Helper()
	var got []election.Candidate
	h.must(h.rtx(func(tr kv.ReadTransaction) error {
		var err error
		got, err = h.e.ListCandidates(tr, now)
		return err
	}))
	return got
}

func (h *harness) candidate(id string) *election.Candidate {
	h.t.Helper()
	var got *election.Candidate
	h.must(h.rtx(func(tr kv.ReadTransaction) error {
		var err error
		got, err = h.e.Candidate(tr, id)
		return err
	}))
	return got
}

func mustGet(t *testing.T, h *harness, key []byte) []byte {
	t.Helper()
	var got []byte
	h.must(h.rtx(func(tr kv.ReadTransaction) error {
		var err error
		got, err = tr.Get(key).Get()
		return err
	}))
	return got
}

func ids(cs []election.Candidate) string {
	var s []string
	for _, c := range cs {
		s = append(s, c.ProcessID)
	}
	return strings.Join(s, ",")
}

func wantLeader(t *testing.T, l *election.LeaderState, id string, ballot uint64) {
	t.Helper()
	if l == nil {
		t.Fatalf("leader = nil, want %s at ballot %d", id, ballot)
	}
	if l.LeaderID != id || l.Ballot != ballot {
		t.Fatalf("leader = %s at ballot %d, want %s at ballot %d",
			l.LeaderID, l.Ballot, id, ballot)
	}
}

func TestConfigLifecycle(t *testing.T) {
	db := memkv.New(memkv.Options{})
	e := testElection()
	ctx := context.Background()

	err := db.ReadTransact(ctx, func(tr kv.ReadTransaction) error {
		_, err := e.ReadConfig(tr)
		return err
	})
	if !errors.Is(err, election.ErrNotInitialized) {
		t.Fatalf("ReadConfig before Initialize: %v, want ErrNotInitialized", err)
	}

	first := election.ConfigWithLease(6 * time.Second)
	second := election.DefaultConfig()
	third := election.ConfigWithLease(30 * time.Second)
	third.AllowPreemption = false
	steps := []func(tr kv.Transaction) error{
		func(tr kv.Transaction) error { return e.Initialize(tr, first) },
		func(tr kv.Transaction) error { return e.Initialize(tr, second) },
	}
	for _, step := range steps {
		if err := db.Transact(ctx, step); err != nil {
			t.Fatal(err)
		}
	}
	read := func() election.Config {
		var c election.Config
		err := db.ReadTransact(ctx, func(tr kv.ReadTransaction) error {
			var err error
			c, err = e.ReadConfig(tr)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if got := read(); got != first {
		t.Fatalf("after two Initialize calls: %+v, want the first %+v", got, first)
	}

	if err := db.Transact(ctx, func(tr kv.Transaction) error {
		return e.WriteConfig(tr, third)
	}); err != nil {
		t.Fatal(err)
	}
	if got := read(); got != third {
		t.Fatalf("after WriteConfig: %+v, want %+v", got, third)
	}

	err = db.Transact(ctx, func(tr kv.Transaction) error {
		return e.WriteConfig(tr, election.Config{})
	})
	if !errors.Is(err, election.ErrInvalidArgument) {
		t.Fatalf("WriteConfig(zero): %v, want ErrInvalidArgument", err)
	}
}

// The scenarios below are those of 0.11.0's own integration test, with
// explicit times.

func TestBasicClaim(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("a", 0, t0)

	l := h.mustClaim("a", 0, t0.Add(time.Second))
	wantLeader(t, l, "a", 1)
	if want := t0.Add(11 * time.Second); !l.LeaseExpiry.Equal(want) {
		t.Errorf("expiry %v, want %v", l.LeaseExpiry, want)
	}
	if c := h.candidate("a"); l.Versionstamp != c.Versionstamp {
		t.Errorf("leader versionstamp %v, want the registration's %v",
			l.Versionstamp, c.Versionstamp)
	}
	if ok, err := h.isLeader("a", t0.Add(2*time.Second)); !ok || err != nil {
		t.Errorf("IsLeader = %v, %v, want true", ok, err)
	}
	if ok, _ := h.isLeader("a", t0.Add(11*time.Second)); ok {
		t.Error("IsLeader at the expiry instant = true, want false")
	}
}

func TestClaimUnregistered(t *testing.T) {
	h := newHarness(t, testConfig)
	_, err := h.claim("ghost", 0, t0)
	if !errors.Is(err, election.ErrUnregisteredCandidate) {
		t.Fatalf("claim by unregistered: %v, want ErrUnregisteredCandidate", err)
	}
	if r := h.record(); r != nil {
		t.Fatalf("leader record written: %+v", r)
	}
}

func TestThreeCandidatesOneWins(t *testing.T) {
	h := newHarness(t, testConfig)
	for _, id := range []string{"a", "b", "c"} {
		h.register(id, 0, t0)
	}

	now := t0.Add(time.Second)
	winners := 0
	for _, id := range []string{"b", "a", "c"} {
		r := h.cycle(id, 0, now)
		if r.IsLeader {
			winners++
		}
		wantLeader(t, r.Leader, "b", 1)
	}
	if winners != 1 {
		t.Fatalf("%d winners, want 1", winners)
	}
	if got := ids(h.candidates(now)); got != "a,b,c" {
		t.Errorf("candidates %q, want a,b,c", got)
	}
}

func TestRefresh(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("a", 0, t0)
	h.register("b", 0, t0)
	h.mustClaim("a", 0, t0)

	l := h.refresh("a", t0.Add(5*time.Second))
	wantLeader(t, l, "a", 2)
	if want := t0.Add(15 * time.Second); !l.LeaseExpiry.Equal(want) {
		t.Errorf("refreshed expiry %v, want %v", l.LeaseExpiry, want)
	}
	if got := h.refresh("b", t0.Add(6*time.Second)); got != nil {
		t.Errorf("refresh by non-leader returned %+v, want nil", got)
	}
	wantLeader(t, h.record(), "a", 2)

	// The refreshed lease outlives the first one.
	if l, _ := h.claim("b", 0, t0.Add(12*time.Second)); l != nil {
		t.Fatalf("b claimed over a refreshed lease: %+v", l)
	}
}

func TestTakeoverAfterExpiry(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("a", 0, t0)
	h.register("b", 0, t0)
	h.mustClaim("a", 0, t0)

	if err := h.heartbeat("b", 0, t0.Add(9*time.Second)); err != nil {
		t.Fatal(err)
	}
	if l, _ := h.claim("b", 0, t0.Add(10*time.Second-1)); l != nil {
		t.Fatalf("b claimed 1 ns before expiry: %+v", l)
	}
	wantLeader(t, h.mustClaim("b", 0, t0.Add(10*time.Second)), "b", 2)
	if got := h.refresh("a", t0.Add(10*time.Second)); got != nil {
		t.Errorf("old leader refreshed after takeover: %+v", got)
	}
}

func TestDisabledElections(t *testing.T) {
	cfg := testConfig
	cfg.Enabled = false
	h := newHarness(t, cfg)

	err := h.tx(func(tr kv.Transaction) error {
		return h.e.RegisterCandidate(tr, "a", 0, t0)
	})
	if !errors.Is(err, election.ErrElectionDisabled) {
		t.Fatalf("register: %v, want ErrElectionDisabled", err)
	}
	if err := h.heartbeat("a", 0, t0); !errors.Is(err, election.ErrElectionDisabled) {
		t.Fatalf("heartbeat: %v, want ErrElectionDisabled", err)
	}
	if _, err := h.claim("a", 0, t0); !errors.Is(err, election.ErrElectionDisabled) {
		t.Fatalf("claim: %v, want ErrElectionDisabled", err)
	}
	if _, err := h.isLeader("a", t0); !errors.Is(err, election.ErrElectionDisabled) {
		t.Fatalf("IsLeader: %v, want ErrElectionDisabled", err)
	}
}

func TestResignThenFollowerClaims(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("a", 0, t0)
	h.register("b", 0, t0)
	h.mustClaim("a", 0, t0)
	h.refresh("a", t0.Add(time.Second))

	if h.resign("b") {
		t.Fatal("a non-leader resigned")
	}
	if !h.resign("a") {
		t.Fatal("leader could not resign")
	}
	if l := h.leader(t0.Add(2 * time.Second)); l != nil {
		t.Fatalf("leader after resign: %+v, want nil", l)
	}
	wantLeader(t, h.mustClaim("b", 0, t0.Add(2*time.Second)), "b", 3)
}

func TestPreemptionByPriority(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("low", 1, t0)
	h.register("same", 1, t0)
	h.register("high", 5, t0)
	h.mustClaim("low", 1, t0)

	if l, _ := h.claim("same", 1, t0.Add(time.Second)); l != nil {
		t.Fatalf("equal priority preempted: %+v", l)
	}
	wantLeader(t, h.mustClaim("high", 5, t0.Add(time.Second)), "high", 2)

	// Without preemption the higher priority waits for the lease.
	cfg := testConfig
	cfg.AllowPreemption = false
	h2 := newHarness(t, cfg)
	h2.register("low", 1, t0)
	h2.register("high", 5, t0)
	h2.mustClaim("low", 1, t0)
	if l, _ := h2.claim("high", 5, t0.Add(time.Second)); l != nil {
		t.Fatalf("preempted with preemption off: %+v", l)
	}
}

func TestHeartbeat(t *testing.T) {
	h := newHarness(t, testConfig)
	err := h.heartbeat("ghost", 0, t0)
	if !errors.Is(err, election.ErrProcessNotFound) || !strings.Contains(err.Error(), "ghost") {
		t.Fatalf("heartbeat of unknown: %v, want ErrProcessNotFound naming ghost", err)
	}

	h.register("a", 1, t0)
	before := h.candidate("a")
	h.must(h.heartbeat("a", 7, t0.Add(4*time.Second)))
	after := h.candidate("a")
	if after.Versionstamp != before.Versionstamp {
		t.Errorf("versionstamp changed from %v to %v", before.Versionstamp, after.Versionstamp)
	}
	if after.Priority != 7 || !after.LastHeartbeat.Equal(t0.Add(4*time.Second)) {
		t.Errorf("after heartbeat: %+v, want priority 7 at t0+4s", after)
	}

	h.must(h.tx(func(tr kv.Transaction) error { return h.e.UnregisterCandidate(tr, "a") }))
	if c := h.candidate("a"); c != nil {
		t.Errorf("candidate after unregister: %+v", c)
	}
}

func TestListCandidatesOrderAndLiveness(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("c", 0, t0)
	h.register("a", 0, t0.Add(5*time.Second))
	h.register("b", 0, t0)
	h.must(h.heartbeat("c", 0, t0.Add(5*time.Second)))

	tests := []struct {
		at   time.Duration
		want string
	}{
		{0, "c,a,b"},
		{15*time.Second - 1, "c,a,b"},
		{15 * time.Second, "c,a"},
		{20*time.Second - 1, "c,a"},
		{20 * time.Second, ""},
		{-time.Hour, "c,a,b"}, // heartbeats in the future count as alive
	}
	for _, tt := range tests {
		if got := ids(h.candidates(t0.Add(tt.at))); got != tt.want {
			t.Errorf("at t0%+v: %q, want %q", tt.at, got, tt.want)
		}
	}
}

func TestForeignCandidateKey(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("a", 0, t0)

	stamp := h.candidate("a").Versionstamp
	value := tuple.Tuple{int32(0), uint64(t0.UnixNano()), stamp}.Pack()
	prefix := h.e.CandidatesRange().Begin
	prefix = prefix[:len(prefix)-1]

	foreign := map[string][]byte{
		"integer id":         append(prefix, tuple.Tuple{int64(7)}.Pack()...),
		"two elements":       append(prefix, tuple.Tuple{"b", "x"}.Pack()...),
		"byte string id":     append(prefix, tuple.Tuple{[]byte("b")}.Pack()...),
		"empty id":           append(prefix, tuple.Tuple{""}.Pack()...),
		"not a tuple":        append(prefix, 0x02, 'b'),
		"invalid UTF-8 id":   append(prefix, 0x02, 0xff, 0x00),
		"nested tuple":       append(prefix, tuple.Tuple{tuple.Tuple{"b"}}.Pack()...),
		"versionstamp value": append(prefix, tuple.Tuple{stamp}.Pack()...),
	}
	for name, key := range foreign {
		t.Run(name, func(t *testing.T) {
			h.must(h.tx(func(tr kv.Transaction) error { tr.Set(key, value); return nil }))
			defer func() {
				h.must(h.tx(func(tr kv.Transaction) error { tr.Clear(key); return nil }))
			}()

			err := h.rtx(func(tr kv.ReadTransaction) error {
				_, err := h.e.ListCandidates(tr, t0)
				return err
			})
			if !errors.Is(err, election.ErrInvalidState) {
				t.Errorf("ListCandidates: %v, want ErrInvalidState", err)
			}
			err = h.tx(func(tr kv.Transaction) error {
				_, err := h.e.EvictDeadCandidates(tr, t0.Add(time.Hour))
				return err
			})
			if !errors.Is(err, election.ErrInvalidState) {
				t.Errorf("EvictDeadCandidates: %v, want ErrInvalidState", err)
			}
		})
	}
	if c := h.candidate("a"); c == nil {
		t.Fatal("a failed eviction removed a candidate")
	}
}

func TestCorruptRecords(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("a", 0, t0)
	key, _ := h.e.CandidateKey("a")

	tests := []struct {
		name string
		key  []byte
		op   func() error
	}{
		{"config", h.e.ConfigKey(), func() error { _, err := h.claim("a", 0, t0); return err }},
		{"leader", h.e.LeaderKey(), func() error { _, err := h.claim("a", 0, t0); return err }},
		{"candidate", key, func() error { return h.heartbeat("a", 0, t0) }},
		{"leader via Leader", h.e.LeaderKey(), func() error {
			return h.rtx(func(tr kv.ReadTransaction) error {
				_, err := h.e.Leader(tr, t0)
				return err
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var saved []byte
			h.must(h.tx(func(tr kv.Transaction) error {
				var err error
				saved, err = tr.Get(tt.key).Get()
				tr.Set(tt.key, []byte("\x15\x01garbage"))
				return err
			}))
			defer func() {
				h.must(h.tx(func(tr kv.Transaction) error {
					if saved == nil {
						tr.Clear(tt.key)
					} else {
						tr.Set(tt.key, saved)
					}
					return nil
				}))
			}()
			if err := tt.op(); !errors.Is(err, election.ErrInvalidState) {
				t.Errorf("got %v, want ErrInvalidState", err)
			}
		})
	}
}

func TestBadArguments(t *testing.T) {
	h := newHarness(t, testConfig)
	h.register("a", 0, t0)
	long := strings.Repeat("x", election.MaxKeySize)
	before1970 := time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC)

	type call func(tr kv.Transaction, id string, now time.Time) error
	calls := map[string]call{
		"RegisterCandidate": func(tr kv.Transaction, id string, now time.Time) error {
			return h.e.RegisterCandidate(tr, id, 0, now)
		},
		"HeartbeatCandidate": func(tr kv.Transaction, id string, now time.Time) error {
			return h.e.HeartbeatCandidate(tr, id, 0, now)
		},
		"TryClaimLeadership": func(tr kv.Transaction, id string, now time.Time) error {
			_, err := h.e.TryClaimLeadership(tr, id, 0, now)
			return err
		},
		"RefreshLease": func(tr kv.Transaction, id string, now time.Time) error {
			_, err := h.e.RefreshLease(tr, id, now)
			return err
		},
		"IsLeader": func(tr kv.Transaction, id string, now time.Time) error {
			_, err := h.e.IsLeader(tr, id, now)
			return err
		},
		"RunCycle": func(tr kv.Transaction, id string, now time.Time) error {
			_, err := h.e.RunCycle(tr, id, 0, now)
			return err
		},
	}
	idOnly := map[string]func(tr kv.Transaction, id string) error{
		"UnregisterCandidate": func(tr kv.Transaction, id string) error {
			return h.e.UnregisterCandidate(tr, id)
		},
		"Candidate": func(tr kv.Transaction, id string) error {
			_, err := h.e.Candidate(tr, id)
			return err
		},
		"ResignLeadership": func(tr kv.Transaction, id string) error {
			_, err := h.e.ResignLeadership(tr, id)
			return err
		},
		"ReadState": func(tr kv.Transaction, id string) error {
			_, err := h.e.ReadState(tr, id)
			return err
		},
	}
	badIDs := map[string]string{"empty": "", "invalid UTF-8": "a\xc3", "too long": long}
	badTimes := map[string]time.Time{
		"zero": {}, "before 1970": before1970, "after 2554": maxTime.Add(1),
	}

	check := func(t *testing.T, fn func(tr kv.Transaction) error) {
		t.Helper()
		err := h.tx(fn)
		if !errors.Is(err, election.ErrInvalidArgument) {
			t.Errorf("got %v, want ErrInvalidArgument", err)
		}
	}
	for name, c := range calls {
		for what, id := range badIDs {
			t.Run(name+"/id "+what, func(t *testing.T) {
				check(t, func(tr kv.Transaction) error { return c(tr, id, t0) })
			})
		}
		for what, now := range badTimes {
			t.Run(name+"/time "+what, func(t *testing.T) {
				check(t, func(tr kv.Transaction) error { return c(tr, "a", now) })
			})
		}
	}
	for name, c := range idOnly {
		for what, id := range badIDs {
			t.Run(name+"/id "+what, func(t *testing.T) {
				check(t, func(tr kv.Transaction) error { return c(tr, id) })
			})
		}
	}
	for what, now := range badTimes {
		t.Run("scans/time "+what, func(t *testing.T) {
			check(t, func(tr kv.Transaction) error {
				_, err := h.e.ListCandidates(tr, now)
				return err
			})
			check(t, func(tr kv.Transaction) error {
				_, err := h.e.EvictDeadCandidates(tr, now)
				return err
			})
			check(t, func(tr kv.Transaction) error {
				_, err := h.e.Leader(tr, now)
				return err
			})
		})
	}

	// The lease end must fit the record too.
	late := maxTime.Add(-time.Second)
	h.must(h.heartbeat("a", 0, late))
	_, err := h.claim("a", 0, late)
	if !errors.Is(err, election.ErrInvalidArgument) {
		t.Errorf("claim whose expiry is past 2554: %v, want ErrInvalidArgument", err)
	}
}

func TestReadState(t *testing.T) {
	h := newHarness(t, testConfig)
	read := func(id string) election.State {
		t.Helper()
		var st election.State
		h.must(h.rtx(func(tr kv.ReadTransaction) error {
			var err error
			st, err = h.e.ReadState(tr, id)
			return err
		}))
		return st
	}

	st := read("a")
	if st.Config == nil || *st.Config != testConfig || st.Candidate != nil || st.Leader != nil {
		t.Fatalf("fresh election: %+v, want only the config", st)
	}

	h.register("a", 4, t0)
	h.mustClaim("a", 4, t0)
	h.resign("a")
	st = read("a")
	if st.Candidate == nil || st.Candidate.Priority != 4 || st.Candidate.ProcessID != "a" {
		t.Fatalf("candidate %+v, want a with priority 4", st.Candidate)
	}
	if st.Leader == nil || !st.Leader.Vacant() || st.Leader.Ballot != 1 {
		t.Fatalf("leader %+v, want the vacant record at ballot 1", st.Leader)
	}
}
