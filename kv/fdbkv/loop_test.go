package fdbkv

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// fakeTxn is a loopTxn whose on_error follows kv.IsRetryable and an
// optional retry limit, and whose commit returns scripted errors.
type fakeTxn struct {
	mu         sync.Mutex
	commits    []error // returned by successive commits, then nil
	commitHook func()  // runs inside Commit, before it returns
	onErrors   []int
	limit      int // retries allowed; negative means no limit
	timeoutErr error
	timeouts   []int64
	cancelled  chan struct{}
	cancelOnce sync.Once
	onErrorOut error  // when set, OnError returns it
	onErrHook  func() // runs inside OnError, before it decides
}

func newFake() *fakeTxn { return &fakeTxn{limit: -1, cancelled: make(chan struct{})} }

func (f *fakeTxn) Commit() error {
	if f.commitHook != nil {
		f.commitHook()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.commits) == 0 {
		return nil
	}
	err := f.commits[0]
	f.commits = f.commits[1:]
	return err
}

func (f *fakeTxn) OnError(code int) error {
	if f.onErrHook != nil {
		f.onErrHook()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onErrors = append(f.onErrors, code)
	if f.onErrorOut != nil {
		return f.onErrorOut
	}
	err := kv.NewError(code)
	if !kv.IsRetryable(err) {
		return err
	}
	if f.limit >= 0 && len(f.onErrors) > f.limit {
		return err
	}
	return nil
}

func (f *fakeTxn) Cancel() { f.cancelOnce.Do(func() { close(f.cancelled) }) }

func (f *fakeTxn) SetTimeout(ms int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.timeouts = append(f.timeouts, ms)
	return f.timeoutErr
}

func (f *fakeTxn) wasCancelled() bool {
	select {
	case <-f.cancelled:
		return true
	default:
		return false
	}
}

// errPlain is an application error without a FoundationDB code.
var errPlain = errors.New("application error")

func TestRunLoopOutcomes(t *testing.T) {
	tests := []struct {
		name        string
		commits     []error
		fnErrs      []error // returned by successive calls, then nil
		commit      bool
		limit       int
		wantErr     error // matched with errors.Is; nil means success
		wantCalls   int
		wantOnError []int
	}{
		{
			name:      "first attempt commits",
			commit:    true,
			limit:     -1,
			wantCalls: 1,
		},
		{
			name:        "conflict at commit is retried",
			commits:     []error{kv.NewError(kv.CodeNotCommitted)},
			commit:      true,
			limit:       -1,
			wantCalls:   2,
			wantOnError: []int{kv.CodeNotCommitted},
		},
		{
			name:        "retryable error from fn is retried",
			fnErrs:      []error{kv.NewError(kv.CodeTransactionTooOld)},
			commit:      true,
			limit:       -1,
			wantCalls:   2,
			wantOnError: []int{kv.CodeTransactionTooOld},
		},
		{
			name:      "application error returned without on_error",
			fnErrs:    []error{errPlain},
			commit:    true,
			limit:     -1,
			wantErr:   errPlain,
			wantCalls: 1,
		},
		{
			name:        "non-retryable database error returned",
			fnErrs:      []error{kv.NewError(kv.CodeKeyTooLarge)},
			commit:      true,
			limit:       -1,
			wantErr:     kv.NewError(kv.CodeKeyTooLarge),
			wantCalls:   1,
			wantOnError: []int{kv.CodeKeyTooLarge},
		},
		{
			name: "retry limit returns the last error",
			commits: []error{
				kv.NewError(kv.CodeNotCommitted), kv.NewError(kv.CodeNotCommitted),
			},
			commit:      true,
			limit:       1,
			wantErr:     kv.ErrNotCommitted,
			wantCalls:   2,
			wantOnError: []int{kv.CodeNotCommitted, kv.CodeNotCommitted},
		},
		{
			name:        "read-only loop never commits",
			commits:     []error{kv.NewError(kv.CodeNotCommitted)},
			fnErrs:      []error{kv.NewError(kv.CodeFutureVersion)},
			commit:      false,
			limit:       -1,
			wantCalls:   2,
			wantOnError: []int{kv.CodeFutureVersion},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.commits = tc.commits
			f.limit = tc.limit
			calls := 0
			err := runLoop(context.Background(), f, func() error {
				calls++
				if calls <= len(tc.fnErrs) {
					return tc.fnErrs[calls-1]
				}
				return nil
			}, tc.commit)

			if tc.wantErr == nil && err != nil {
				t.Fatalf("runLoop() = %v, want nil", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("runLoop() = %v, want %v", err, tc.wantErr)
			}
			if calls != tc.wantCalls {
				t.Errorf("fn called %d times, want %d", calls, tc.wantCalls)
			}
			if got, want := len(f.onErrors), len(tc.wantOnError); got != want {
				t.Fatalf("on_error called with %v, want %v", f.onErrors, tc.wantOnError)
			}
			for i, code := range tc.wantOnError {
				if f.onErrors[i] != code {
					t.Errorf("on_error call %d got code %d, want %d", i, f.onErrors[i], code)
				}
			}
			if !tc.commit && len(f.commits) != len(tc.commits) {
				t.Errorf("read-only loop committed")
			}
		})
	}
}

func TestRunLoopReturnsFnErrorAsIs(t *testing.T) {
	wrapped := errorsJoin("checking the leader", kv.NewError(kv.CodeKeyTooLarge))
	f := newFake()
	err := runLoop(context.Background(), f, func() error { return wrapped }, true)
	if err != wrapped {
		t.Fatalf("runLoop() = %v (%T), want the function's own error value", err, err)
	}
}

// errorsJoin wraps err with a message, as application code would.
func errorsJoin(msg string, err error) error {
	return &wrapErr{msg: msg, err: err}
}

type wrapErr struct {
	msg string
	err error
}

func (w *wrapErr) Error() string { return w.msg + ": " + w.err.Error() }
func (w *wrapErr) Unwrap() error { return w.err }

func TestRunLoopOnErrorReplacesError(t *testing.T) {
	f := newFake()
	f.onErrorOut = kv.NewError(kv.CodeTransactionTimedOut)
	err := runLoop(context.Background(), f, func() error {
		return kv.NewError(kv.CodeNotCommitted)
	}, true)
	if !errors.Is(err, kv.ErrTransactionTimedOut) {
		t.Fatalf("runLoop() = %v, want transaction_timed_out", err)
	}
}

func TestRunLoopPanics(t *testing.T) {
	t.Run("MustGet panic is retried like a returned error", func(t *testing.T) {
		f := newFake()
		calls := 0
		err := runLoop(context.Background(), f, func() error {
			calls++
			if calls == 1 {
				panic(kv.NewError(kv.CodeNotCommitted))
			}
			return nil
		}, true)
		if err != nil || calls != 2 {
			t.Fatalf("runLoop() = %v after %d calls, want nil after 2", err, calls)
		}
	})
	for _, value := range []any{"boom", errPlain} {
		t.Run(fmt.Sprintf("panic with %v goes on unchanged", value), func(t *testing.T) {
			f := newFake()
			got := func() (p any) {
				defer func() { p = recover() }()
				_ = runLoop(context.Background(), f, func() error { panic(value) }, true)
				return nil
			}()
			if got != value {
				t.Fatalf("recovered %v, want %v", got, value)
			}
			if len(f.onErrors) != 0 {
				t.Errorf("on_error called with %v, want no call", f.onErrors)
			}
		})
	}
	t.Run("panic in commit becomes an error", func(t *testing.T) {
		f := newFake()
		f.commitHook = func() { panic(errPlain) }
		err := runLoop(context.Background(), f, func() error { return nil }, true)
		if !errors.Is(err, errPlain) {
			t.Fatalf("runLoop() = %v, want it to wrap %v", err, errPlain)
		}
	})
}

func TestRunLoopContext(t *testing.T) {
	t.Run("ended before start", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		f := newFake()
		called := false
		err := runLoop(ctx, f, func() error { called = true; return nil }, true)
		if !errors.Is(err, context.Canceled) || called {
			t.Fatalf("runLoop() = %v, fn called %v; want context.Canceled, no call",
				err, called)
		}
	})
	t.Run("deadline becomes the timeout option", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		f := newFake()
		if err := runLoop(ctx, f, func() error { return nil }, true); err != nil {
			t.Fatal(err)
		}
		if len(f.timeouts) != 1 || f.timeouts[0] <= 0 ||
			f.timeouts[0] > time.Hour.Milliseconds() {
			t.Fatalf("SetTimeout calls = %v, want one in (0, 3600000]", f.timeouts)
		}
	})
	t.Run("no deadline sets no timeout", func(t *testing.T) {
		f := newFake()
		if err := runLoop(context.Background(), f, func() error { return nil }, true); err != nil {
			t.Fatal(err)
		}
		if len(f.timeouts) != 0 {
			t.Fatalf("SetTimeout calls = %v, want none", f.timeouts)
		}
	})
	t.Run("timeout option error stops the loop", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		f := newFake()
		f.timeoutErr = kv.NewError(kv.CodeInvalidOptionValue)
		called := false
		err := runLoop(ctx, f, func() error { called = true; return nil }, true)
		if !errors.Is(err, f.timeoutErr) || called {
			t.Fatalf("runLoop() = %v, fn called %v; want invalid_option_value, no call",
				err, called)
		}
	})
	t.Run("ended during fn cancels the transaction", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		f := newFake()
		err := runLoop(ctx, f, func() error {
			cancel()
			<-f.cancelled // what a pending read sees when its transaction is cancelled
			return kv.NewError(kv.CodeTransactionCancelled)
		}, true)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("runLoop() = %v, want context.Canceled", err)
		}
		if kv.IsMaybeCommitted(err) {
			t.Errorf("runLoop() = %v reports a possible commit, want none", err)
		}
	})
	t.Run("ended during commit may have committed", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		f := newFake()
		f.commits = []error{kv.NewError(kv.CodeTransactionCancelled)}
		f.commitHook = func() {
			cancel()
			<-f.cancelled
		}
		err := runLoop(ctx, f, func() error { return nil }, true)
		if !errors.Is(err, context.Canceled) || !kv.IsMaybeCommitted(err) {
			t.Fatalf("runLoop() = %v, want context.Canceled and commit_unknown_result", err)
		}
	})
	t.Run("ended during the backoff stops the retries", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		f := newFake()
		f.onErrHook = cancel
		calls := 0
		err := runLoop(ctx, f, func() error {
			calls++
			return kv.NewError(kv.CodeNotCommitted)
		}, true)
		if !errors.Is(err, context.Canceled) || calls != 1 {
			t.Fatalf("runLoop() = %v after %d calls, want context.Canceled after 1",
				err, calls)
		}
	})
	t.Run("no cancel after the loop returns", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		f := newFake()
		if err := runLoop(ctx, f, func() error { return nil }, true); err != nil {
			t.Fatal(err)
		}
		cancel()
		time.Sleep(10 * time.Millisecond) // give a stray AfterFunc a chance to run
		if f.wasCancelled() {
			t.Fatal("transaction cancelled after runLoop returned")
		}
	})
}

func TestTimeoutConversions(t *testing.T) {
	tests := []struct {
		name string
		got  int64
		want int64
	}{
		{"zero timeout means none", timeoutMillis(0), 0},
		{"negative timeout means none", timeoutMillis(-time.Second), 0},
		{"sub-millisecond rounds up", timeoutMillis(time.Microsecond), 1},
		{"whole milliseconds kept", timeoutMillis(1500 * time.Millisecond), 1500},
		{"fraction rounds up", timeoutMillis(1500*time.Millisecond + 1), 1501},
		{"capped at MaxInt32", timeoutMillis(1000 * time.Hour), 1<<31 - 1},
		{"past deadline still bounds", deadlineMillis(time.Unix(0, 0), time.Unix(10, 0)), 1},
		{"future deadline", deadlineMillis(time.Unix(2, 0), time.Unix(1, 0)), 1000},
		{"negative retry limit means none", retryLimit(-5), -1},
		{"zero retry limit allows no retry", retryLimit(0), 0},
		{"retry limit capped", retryLimit(1 << 40), 1<<31 - 1},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}
