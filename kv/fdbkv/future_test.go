package fdbkv

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fdbelect/fdbelect/kv"
)

func TestResultWaitsOnce(t *testing.T) {
	var waits atomic.Int32
	release := make(chan struct{})
	r := &result[[]byte]{
		wait: func() ([]byte, error) {
			waits.Add(1)
			<-release
			return []byte("v"), nil
		},
		ready: func() bool { return false },
	}

	var wg sync.WaitGroup
	got := make([][]byte, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = r.Get()
		}()
	}
	close(release)
	wg.Wait()

	if n := waits.Load(); n != 1 {
		t.Fatalf("bindings future waited on %d times, want 1", n)
	}
	for i, v := range got {
		if string(v) != "v" {
			t.Errorf("Get %d = %q, want %q", i, v, "v")
		}
	}
}

func TestResultErrors(t *testing.T) {
	tooOld := kv.NewError(kv.CodeTransactionTooOld)
	tests := []struct {
		name    string
		r       *result[int64]
		wantErr func(error) bool
	}{
		{
			name:    "failed future",
			r:       failed[int64](tooOld),
			wantErr: func(err error) bool { return errors.Is(err, kv.ErrTransactionTooOld) },
		},
		{
			name: "error from the bindings",
			r: &result[int64]{
				wait:  func() (int64, error) { return 0, tooOld },
				ready: func() bool { return true },
			},
			wantErr: func(err error) bool { return errors.Is(err, kv.ErrTransactionTooOld) },
		},
		{
			name: "panic while waiting",
			r: &result[int64]{
				wait:  func() (int64, error) { panic("cgo trouble") },
				ready: func() bool { panic("cgo trouble") },
			},
			wantErr: func(err error) bool {
				var pe *PanicError
				return errors.As(err, &pe)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_ = tc.r.IsReady() // must not panic
			if _, err := tc.r.Get(); !tc.wantErr(err) {
				t.Fatalf("Get() error = %v", err)
			}
			defer func() {
				p := recover()
				if err, ok := p.(error); !ok || !tc.wantErr(err) {
					t.Fatalf("MustGet panicked with %v, want the Get error", p)
				}
			}()
			tc.r.MustGet()
		})
	}
}

// fakeWatch is a waitable that becomes ready when fired or cancelled.
type fakeWatch struct {
	mu        sync.Mutex
	done      chan struct{}
	err       error
	blockers  atomic.Int32
	cancelled bool
}

func newFakeWatch() *fakeWatch { return &fakeWatch{done: make(chan struct{})} }

func (w *fakeWatch) BlockUntilReady() {
	w.blockers.Add(1)
	<-w.done
}

func (w *fakeWatch) IsReady() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

func (w *fakeWatch) finish(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.IsReady() {
		w.err = err
		close(w.done)
	}
}

func (w *fakeWatch) Cancel() {
	w.mu.Lock()
	w.cancelled = true
	w.mu.Unlock()
	w.finish(kv.NewError(kv.CodeOperationCancelled))
}

func (w *fakeWatch) result() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func TestWatchFuture(t *testing.T) {
	t.Run("fires", func(t *testing.T) {
		fw := newFakeWatch()
		w := &watchFuture{f: fw, get: fw.result}
		if fw.blockers.Load() != 0 {
			t.Fatal("a goroutine waits before Ready or Get was called")
		}
		if w.IsReady() {
			t.Fatal("IsReady() = true before the watch fired")
		}
		ready := w.Ready()
		if w.Ready() != ready {
			t.Fatal("Ready returned two different channels")
		}
		fw.finish(nil)
		<-ready
		if err := w.Get(); err != nil {
			t.Fatalf("Get() = %v, want nil", err)
		}
		if !w.IsReady() {
			t.Fatal("IsReady() = false after the watch fired")
		}
		if n := fw.blockers.Load(); n != 1 {
			t.Fatalf("BlockUntilReady called %d times, want 1", n)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		fw := newFakeWatch()
		w := &watchFuture{f: fw, get: fw.result}
		ready := w.Ready()
		w.Cancel()
		w.Cancel()
		<-ready // the waiting goroutine ends with the watch
		if err := w.Get(); !errors.Is(err, kv.NewError(kv.CodeOperationCancelled)) {
			t.Fatalf("Get() = %v, want operation_cancelled", err)
		}
	})
	t.Run("Get shares the waiting goroutine", func(t *testing.T) {
		fw := newFakeWatch()
		w := &watchFuture{f: fw, get: fw.result}
		got := make(chan error, 2)
		for range 2 {
			go func() { got <- w.Get() }()
		}
		fw.finish(kv.NewError(kv.CodeNotCommitted))
		for range 2 {
			if err := <-got; !errors.Is(err, kv.ErrNotCommitted) {
				t.Errorf("Get() = %v, want not_committed", err)
			}
		}
		if n := fw.blockers.Load(); n != 1 {
			t.Fatalf("BlockUntilReady called %d times, want 1", n)
		}
	})
	t.Run("could not be created", func(t *testing.T) {
		tooMany := kv.NewError(kv.CodeTooManyWatches)
		w := &watchFuture{f: doneWaitable{}, get: func() error { return tooMany }}
		<-w.Ready()
		if !w.IsReady() || !errors.Is(w.Get(), kv.ErrTooManyWatches) {
			t.Fatalf("IsReady() = %v, Get() = %v; want true, too_many_watches",
				w.IsReady(), w.Get())
		}
		w.Cancel()
	})
}

// fakeIter scripts the bindings' iterator, including its habit of
// returning true from Advance after an error forever.
type fakeIter struct {
	pairs []string
	err   error // returned after the pairs
	pos   int
	gets  int
}

func (f *fakeIter) advance() bool { return f.pos < len(f.pairs) || f.err != nil }

func (f *fakeIter) get() (string, error) {
	f.gets++
	if f.pos < len(f.pairs) {
		f.pos++
		return f.pairs[f.pos-1], nil
	}
	if f.err != nil {
		return "", f.err
	}
	panic("index out of range")
}

func conv(s string) kv.KeyValue { return kv.KeyValue{Key: []byte(s)} }

func TestRangeIter(t *testing.T) {
	tooOld := kv.NewError(kv.CodeTransactionTooOld)
	tests := []struct {
		name     string
		iter     *fakeIter
		want     []string
		wantErr  error
		panicky  bool // advance itself panics
		lateGets int  // Get calls after Advance reported the end
	}{
		{name: "all pairs", iter: &fakeIter{pairs: []string{"a", "b"}}, want: []string{"a", "b"}},
		{name: "empty", iter: &fakeIter{}},
		{
			name:    "error ends the iteration",
			iter:    &fakeIter{pairs: []string{"a"}, err: tooOld},
			want:    []string{"a"},
			wantErr: tooOld,
		},
		{name: "Get past the end", iter: &fakeIter{pairs: []string{"a"}}, want: []string{"a"},
			lateGets: 1},
		{name: "panic in advance", iter: &fakeIter{}, panicky: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it := &rangeIter[string]{advance: tc.iter.advance, get: tc.iter.get, conv: conv}
			if tc.panicky {
				it.advance = func() bool { panic("cgo trouble") }
			}
			var got []string
			var gotErr error
			for n := 0; it.Advance(); n++ {
				if n > 10 {
					t.Fatal("Advance kept returning true")
				}
				pair, err := it.Get()
				if err != nil {
					gotErr = err
					continue
				}
				got = append(got, string(pair.Key))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("pairs = %q, want %q", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("pairs = %q, want %q", got, tc.want)
				}
			}
			if tc.panicky {
				var pe *PanicError
				if !errors.As(gotErr, &pe) {
					t.Fatalf("error = %v, want a *PanicError", gotErr)
				}
			} else if !errors.Is(gotErr, tc.wantErr) || (tc.wantErr == nil) != (gotErr == nil) {
				t.Fatalf("error = %v, want %v", gotErr, tc.wantErr)
			}
			for range tc.lateGets {
				if _, err := it.Get(); err == nil {
					t.Fatal("Get past the end returned no error")
				}
			}
		})
	}
}
