package memkv_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// faultRun drives one DB with explicit transactions from one goroutine on a
// fake clock and returns what happened: each commit's outcome and the
// versions that applied.
func faultRun(seed int64) string {
	fake := newFake()
	var applied []int64
	db := memkv.New(memkv.Options{
		Clock: fake, Seed: seed,
		ConflictRate: 0.1, TooOldRate: 0.1, UnknownBeforeRate: 0.1, UnknownAfterRate: 0.1,
		OnCommit: func(ci memkv.CommitInfo) { applied = append(applied, ci.Version) },
	})
	var out []int
	for i := range 200 {
		tr := db.CreateTransaction()
		tr.Get([]byte("k"))
		tr.Add([]byte("k"), []byte{1})
		out = append(out, codeOf(tr.Commit()))
		fake.Advance(time.Duration(i%7) * time.Millisecond)
	}
	return fmt.Sprint(out, applied)
}

func TestFaultsDeterministic(t *testing.T) {
	a, b, c := faultRun(1), faultRun(1), faultRun(2)
	if a != b {
		t.Errorf("same seed, different runs:\n%s\n%s", a, b)
	}
	if a == c {
		t.Error("seeds 1 and 2 gave the same faults")
	}
	for _, code := range []string{"1020", "1007", "1021"} {
		if !contains(a, code) {
			t.Errorf("no %s injected in 200 commits at rate 0.1", code)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestCommitFaultHook(t *testing.T) {
	tests := []struct {
		fault     memkv.Fault
		wantCode  int
		wantValue byte // counter after one Transact that retries once
	}{
		{memkv.FaultNone, 0, 1},
		{memkv.FaultConflict, 0, 1},
		{memkv.FaultTooOld, 0, 1},
		{memkv.FaultUnknownBefore, 0, 1},
		{memkv.FaultUnknownAfter, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			fake := newFake()
			n := 0
			var applied int
			db := memkv.New(memkv.Options{
				Clock: fake,
				CommitFault: func(memkv.CommitInfo) memkv.Fault {
					n++
					if n == 1 {
						return tt.fault
					}
					return memkv.FaultNone
				},
				OnCommit: func(memkv.CommitInfo) { applied++ },
			})
			done := make(chan error, 1)
			go func() {
				done <- db.Transact(context.Background(), func(tr kv.Transaction) error {
					tr.Add([]byte("n"), []byte{1})
					return nil
				})
			}()
			var err error
		loop:
			for {
				select {
				case err = <-done:
					break loop
				case <-time.After(time.Millisecond):
					fake.Advance(10 * time.Millisecond)
				}
			}
			if codeOf(err) != tt.wantCode {
				t.Errorf("Transact = %v, want code %d", err, tt.wantCode)
			}
			if got := get(t, db, "n"); len(got) != 1 || got[0] != tt.wantValue {
				t.Errorf("counter = %v, want %d", got, tt.wantValue)
			}
			if applied != int(tt.wantValue) {
				t.Errorf("OnCommit called %d times, want %d", applied, tt.wantValue)
			}
		})
	}
}

func TestOnCommitResolved(t *testing.T) {
	var infos []memkv.CommitInfo
	db := memkv.New(memkv.Options{
		OnCommit: func(ci memkv.CommitInfo) { infos = append(infos, ci) },
	})
	set(t, db, "n", "\x01")
	tr := db.CreateTransaction()
	tr.Add([]byte("n"), []byte{2})
	tr.ClearRange(kv.Range{Begin: []byte("a"), End: []byte("b")})
	tr.Clear([]byte("gone"))
	tr.SetVersionstampedValue([]byte("vs"), withOffset(make([]byte, 10), 0))
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}
	tr = db.CreateTransaction()
	tr.Get([]byte("n"))
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}

	if len(infos) != 2 {
		t.Fatalf("OnCommit called %d times, want 2 (read-only commits excluded)", len(infos))
	}
	ci := infos[1]
	if ci.Version <= infos[0].Version || ci.ReadVersion >= ci.Version {
		t.Errorf("versions %d then %d, read version %d", infos[0].Version, ci.Version,
			ci.ReadVersion)
	}
	got := ""
	for _, m := range ci.Mutations {
		switch m.Kind {
		case memkv.MutationSet:
			got += fmt.Sprintf("set %s=%x;", m.Key, m.Value)
		case memkv.MutationClear:
			got += fmt.Sprintf("clear %s;", m.Key)
		case memkv.MutationClearRange:
			got += fmt.Sprintf("clearrange %s-%s;", m.Key, m.End)
		}
	}
	want := fmt.Sprintf("clearrange a-b;clear gone;set n=03;set vs=%x;", ci.Versionstamp[:])
	if got != want {
		t.Errorf("mutations\n got %s\nwant %s", got, want)
	}
}

func TestReadLatencyOverlaps(t *testing.T) {
	fake := newFake()
	db := memkv.New(memkv.Options{Clock: fake, ReadLatency: 10 * time.Millisecond})
	tr := db.CreateTransaction()
	fs := []kv.FutureValue{tr.Get([]byte("a")), tr.Get([]byte("b")), tr.Get([]byte("c"))}
	for i, f := range fs {
		if f.IsReady() {
			t.Errorf("future %d ready before the latency passed", i)
		}
	}
	fake.Advance(10 * time.Millisecond)
	for i, f := range fs {
		if !f.IsReady() {
			t.Errorf("future %d not ready after one read latency", i)
		}
	}
}

func TestCommitLatency(t *testing.T) {
	fake := newFake()
	db := memkv.New(memkv.Options{Clock: fake, CommitLatency: 20 * time.Millisecond})
	tr := db.CreateTransaction()
	tr.Set([]byte("k"), []byte("v"))
	done := make(chan error, 1)
	go func() { done <- tr.Commit() }()
	if err := fake.WaitTimers(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		t.Fatalf("commit returned %v before its latency", err)
	default:
	}
	fake.Advance(20 * time.Millisecond)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestZeroLatencyIsSynchronous(t *testing.T) {
	db := memkv.New(memkv.Options{Clock: newFake()})
	before := runtime.NumGoroutine()
	tr := db.CreateTransaction()
	f := tr.Get([]byte("k"))
	rv := tr.GetReadVersion()
	r := tr.GetRange(kv.Range{Begin: []byte("a"), End: []byte("z")}, kv.RangeOptions{})
	tr.Set([]byte("k"), []byte("v"))
	w := tr.Watch([]byte("other"))
	if !f.IsReady() || !rv.IsReady() {
		t.Error("futures not ready at once with zero latency")
	}
	if _, err := r.GetSliceWithError(); err != nil {
		t.Fatal(err)
	}
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}
	if after := runtime.NumGoroutine(); after != before {
		t.Errorf("goroutines %d -> %d; want none started", before, after)
	}
	w.Cancel()
}

func TestOnErrorAndTimeout(t *testing.T) {
	fake := newFake()
	db := memkv.New(memkv.Options{Clock: fake})
	tr := db.CreateTransaction()
	boom := errors.New("boom")
	if err := tr.OnError(boom); err != boom {
		t.Errorf("OnError(non-retryable) = %v, want it back", err)
	}

	tr.SetTimeout(50 * time.Millisecond)
	tr.Set([]byte("k"), []byte("v"))
	done := make(chan error, 1)
	go func() { done <- tr.OnError(kv.ErrNotCommitted) }()
	fake.WaitTimers(context.Background(), 1)
	fake.Advance(10 * time.Millisecond)
	if err := <-done; err != nil {
		t.Fatalf("OnError(not_committed) = %v, want nil", err)
	}
	if v := mustGet(t, tr.Get([]byte("k"))); v != nil {
		t.Errorf("write survived OnError: %q", v)
	}
	fake.Advance(50 * time.Millisecond)
	if _, err := tr.Get([]byte("k")).Get(); !errors.Is(err, kv.ErrTransactionTimedOut) {
		t.Errorf("read after timeout = %v, want transaction_timed_out (timeout kept)", err)
	}
	tr.Reset()
	if _, err := tr.Get([]byte("k")).Get(); err != nil {
		t.Errorf("read after Reset = %v, want the timeout cleared", err)
	}
	tr.Cancel()
	if err := tr.Commit(); !errors.Is(err, kv.ErrCancelled) {
		t.Errorf("commit after Cancel = %v, want transaction_cancelled", err)
	}
}

func TestUnknownAfterFailsFutures(t *testing.T) {
	db := memkv.New(memkv.Options{
		CommitFault: func(memkv.CommitInfo) memkv.Fault { return memkv.FaultUnknownAfter },
	})
	tr := db.CreateTransaction()
	tr.Set([]byte("k"), []byte("v"))
	w := tr.Watch([]byte("k"))
	vs := tr.GetVersionstamp()
	if err := tr.Commit(); !errors.Is(err, kv.ErrCommitUnknownResult) {
		t.Fatalf("commit = %v, want commit_unknown_result", err)
	}
	if _, err := vs.Get(); !errors.Is(err, kv.ErrCommitUnknownResult) {
		t.Errorf("versionstamp = %v, want commit_unknown_result", err)
	}
	if err := w.Get(); !errors.Is(err, kv.ErrCommitUnknownResult) {
		t.Errorf("watch = %v, want commit_unknown_result", err)
	}
	if got := get(t, db, "k"); string(got) != "v" {
		t.Errorf("k = %q, want v: the commit applied", got)
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opts memkv.Options
		ok   bool
	}{
		{"zero", memkv.Options{}, true},
		{"rates", memkv.Options{ConflictRate: 0.5, UnknownAfterRate: 0.5}, true},
		{"negative latency", memkv.Options{ReadLatency: -1}, false},
		{"rate above one", memkv.Options{TooOldRate: 1.5}, false},
		{"negative rate", memkv.Options{ConflictRate: -0.1}, false},
		{"sum above one", memkv.Options{ConflictRate: 0.6, UnknownBeforeRate: 0.6}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if (err == nil) != tt.ok {
				t.Errorf("Validate = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, memkv.ErrInvalidOptions) {
				t.Errorf("Validate = %v, want it to wrap ErrInvalidOptions", err)
			}
			db := memkv.New(tt.opts) // accepted anyway
			if v := get(t, db, "k"); v != nil {
				t.Errorf("empty database holds k = %q", v)
			}
		})
	}
}
