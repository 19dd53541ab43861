package kv_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/clock"
	"github.com/fdbelect/fdbelect/kv"
)

// fakeAttempt is a kv.Attempt whose commits fail with the errors queued in
// commitErrs, then succeed. Its transaction methods other than the options
// are not used by these tests.
type fakeAttempt struct {
	kv.Transaction // nil: calling a read or write panics
	retry          *kv.Retrier
	commitErrs     []error
	commits        int
	resets         int
}

func (a *fakeAttempt) Commit() error {
	a.commits++
	if len(a.commitErrs) == 0 {
		return nil
	}
	err := a.commitErrs[0]
	a.commitErrs = a.commitErrs[1:]
	return err
}

func (a *fakeAttempt) Reset()                     { a.resets++ }
func (a *fakeAttempt) Retrier() *kv.Retrier       { return a.retry }
func (a *fakeAttempt) SetTimeout(d time.Duration) { a.retry.SetTimeout(d) }
func (a *fakeAttempt) SetRetryLimit(n int)        { a.retry.SetRetryLimit(n) }

// fakeDB runs every Transact on a fresh fakeAttempt with the given errors.
type fakeDB struct {
	clock clock.Clock
	errs  []error
}

func (d *fakeDB) attempt() *fakeAttempt {
	return &fakeAttempt{retry: kv.NewRetrier(d.clock, 1), commitErrs: d.errs}
}

func (d *fakeDB) Transact(ctx context.Context, fn func(kv.Transaction) error) error {
	return kv.Run(ctx, d.attempt(), fn)
}

func (d *fakeDB) ReadTransact(ctx context.Context, fn func(kv.ReadTransaction) error) error {
	return kv.RunRead(ctx, d.attempt(), fn)
}

// drive advances fake by step whenever the code under test sleeps, until
// done is closed.
func drive(t *testing.T, fake *clock.Fake, step time.Duration, done <-chan struct{}) {
	t.Helper()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		err := fake.WaitTimers(ctx, 1)
		cancel()
		select {
		case <-done:
			return
		default:
		}
		if err == nil {
			fake.Advance(step)
		}
	}
}

func newFake() *clock.Fake { return clock.NewFake(time.Unix(1_700_000_000, 0)) }

func TestDelayBounds(t *testing.T) {
	r := kv.NewRetrier(newFake(), 42)
	caps := []time.Duration{10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000}
	distinct := map[time.Duration]bool{}
	for i, c := range caps {
		c *= time.Millisecond
		d, err := r.Delay(kv.ErrNotCommitted)
		if err != nil {
			t.Fatalf("retry %d: Delay error %v, want nil", i, err)
		}
		if d < 0 || d >= c {
			t.Errorf("retry %d: delay %v, want in [0, %v)", i, d, c)
		}
		distinct[d] = true
	}
	if len(distinct) < len(caps)-1 {
		t.Errorf("delays not jittered: %d distinct of %d", len(distinct), len(caps))
	}

	d, err := r.Delay(kv.NewError(kv.CodeTransactionTooOld))
	if err != nil || d != kv.MinBackoff {
		t.Errorf("too_old delay = %v, %v; want %v, nil", d, err, kv.MinBackoff)
	}
	if got, want := r.Retries(), len(caps)+1; got != want {
		t.Errorf("Retries() = %d, want %d", got, want)
	}
}

func TestDelaySeeded(t *testing.T) {
	seq := func(seed uint64) []time.Duration {
		r := kv.NewRetrier(newFake(), seed)
		var out []time.Duration
		for range 8 {
			d, _ := r.Delay(kv.ErrCommitUnknownResult)
			out = append(out, d)
		}
		return out
	}
	a, b, c := seq(7), seq(7), seq(8)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("same seed gave %v and %v", a, b)
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Errorf("seeds 7 and 8 gave the same delays %v", a)
	}
}

func TestDelayClassifies(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		retry bool
	}{
		{"not_committed", kv.ErrNotCommitted, true},
		{"commit_unknown_result", kv.ErrCommitUnknownResult, true},
		{"too_old wrapped", fmt.Errorf("x: %w", kv.ErrTransactionTooOld), true},
		{"process_behind", kv.NewError(kv.CodeProcessBehind), true},
		{"timed_out", kv.ErrTransactionTimedOut, false},
		{"too_large", kv.NewError(kv.CodeTransactionTooLarge), false},
		{"plain", errors.New("plain"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := kv.NewRetrier(newFake(), 1).Delay(tt.err)
			if got := err == nil; got != tt.retry {
				t.Errorf("retried = %v, want %v (err %v)", got, tt.retry, err)
			}
			if err != nil && err != tt.err {
				t.Errorf("gave up with %v, want the error itself", err)
			}
		})
	}
}

func TestRunRetriesThenCommits(t *testing.T) {
	fake := newFake()
	a := &fakeAttempt{retry: kv.NewRetrier(fake, 3),
		commitErrs: []error{kv.ErrNotCommitted, kv.ErrCommitUnknownResult, kv.ErrNotCommitted}}
	calls := 0
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		err = kv.Run(context.Background(), a, func(kv.Transaction) error {
			calls++
			return nil
		})
	}()
	drive(t, fake, time.Second, done)

	if err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	if calls != 4 || a.commits != 4 || a.resets != 3 {
		t.Errorf("calls, commits, resets = %d, %d, %d; want 4, 4, 3", calls, a.commits, a.resets)
	}
	if fake.Mono() > 3*time.Second {
		t.Errorf("slept %v in virtual time, want at most 3 backoffs", fake.Mono())
	}
}

func TestRunNonRetryableOnce(t *testing.T) {
	boom := errors.New("boom")
	large := kv.NewError(kv.CodeTransactionTooLarge)
	tests := []struct {
		name      string
		fnErr     error
		commitErr error
		want      error
	}{
		{"fn plain error", boom, nil, boom},
		{"fn kv error", large, nil, large},
		{"commit error", nil, large, large},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &fakeAttempt{retry: kv.NewRetrier(newFake(), 1)}
			if tt.commitErr != nil {
				a.commitErrs = []error{tt.commitErr}
			}
			calls := 0
			err := kv.Run(context.Background(), a, func(kv.Transaction) error {
				calls++
				return tt.fnErr
			})
			if err != tt.want {
				t.Errorf("Run = %v, want %v as is", err, tt.want)
			}
			if calls != 1 || a.resets != 0 {
				t.Errorf("calls, resets = %d, %d; want 1, 0", calls, a.resets)
			}
		})
	}
}

func TestRunRetryLimit(t *testing.T) {
	fake := newFake()
	a := &fakeAttempt{retry: kv.NewRetrier(fake, 1)}
	calls := 0
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		err = kv.Run(context.Background(), a, func(tr kv.Transaction) error {
			calls++
			tr.SetRetryLimit(2)
			return kv.ErrNotCommitted
		})
	}()
	drive(t, fake, time.Second, done)

	if !errors.Is(err, kv.ErrNotCommitted) {
		t.Errorf("Run = %v, want not_committed", err)
	}
	if calls != 3 {
		t.Errorf("calls = %d, want 3 (first attempt and two retries)", calls)
	}
}

func TestRunTimeout(t *testing.T) {
	fake := newFake()
	a := &fakeAttempt{retry: kv.NewRetrier(fake, 1)}
	calls := 0
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		err = kv.Run(context.Background(), a, func(tr kv.Transaction) error {
			calls++
			tr.SetTimeout(100 * time.Millisecond)
			return kv.ErrNotCommitted
		})
	}()
	drive(t, fake, 5*time.Millisecond, done)

	if !errors.Is(err, kv.ErrTransactionTimedOut) {
		t.Errorf("Run = %v, want transaction_timed_out", err)
	}
	if calls < 2 {
		t.Errorf("calls = %d, want retries before the timeout", calls)
	}
	if got := fake.Mono(); got < 100*time.Millisecond || got > 110*time.Millisecond {
		t.Errorf("gave up at %v, want right after 100ms", got)
	}
}

func TestRunContextCancelled(t *testing.T) {
	fake := newFake()
	a := &fakeAttempt{retry: kv.NewRetrier(fake, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- kv.Run(ctx, a, func(kv.Transaction) error { return kv.ErrNotCommitted })
	}()
	if err := fake.WaitTimers(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if _, ok := kv.Code(err); ok {
		t.Errorf("Run = %v carries a kv code; callers could retry it", err)
	}

	calls := 0
	err = kv.Run(ctx, &fakeAttempt{retry: kv.NewRetrier(fake, 1)}, func(kv.Transaction) error {
		calls++
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 0 {
		t.Errorf("Run on ended context = %v after %d calls, want Canceled and 0", err, calls)
	}
}

func TestRunRecoversMustGetPanic(t *testing.T) {
	fake := newFake()
	a := &fakeAttempt{retry: kv.NewRetrier(fake, 1)}
	calls := 0
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		err = kv.Run(context.Background(), a, func(kv.Transaction) error {
			calls++
			if calls == 1 {
				panic(fmt.Errorf("read: %w", kv.ErrNotCommitted))
			}
			if calls == 2 {
				panic(kv.NewError(kv.CodeTransactionTooLarge))
			}
			return nil
		})
	}()
	drive(t, fake, time.Second, done)
	if !errors.Is(err, kv.NewError(kv.CodeTransactionTooLarge)) || calls != 2 {
		t.Errorf("Run = %v after %d calls, want transaction_too_large after 2", err, calls)
	}
}

func TestRunPropagatesOtherPanics(t *testing.T) {
	for _, v := range []any{"text", errors.New("plain error")} {
		t.Run(fmt.Sprint(v), func(t *testing.T) {
			defer func() {
				if got := recover(); got != v {
					t.Errorf("recovered %v, want %v", got, v)
				}
			}()
			a := &fakeAttempt{retry: kv.NewRetrier(newFake(), 1)}
			_ = kv.Run(context.Background(), a, func(kv.Transaction) error { panic(v) })
			t.Error("Run returned, want a panic")
		})
	}
}

func TestTransactValue(t *testing.T) {
	fake := newFake()
	db := &fakeDB{clock: fake, errs: []error{kv.ErrNotCommitted}}
	calls := 0
	done := make(chan struct{})
	var got int
	var err error
	go func() {
		defer close(done)
		got, err = kv.TransactValue(context.Background(), db, func(kv.Transaction) (int, error) {
			calls++
			return calls * 10, nil
		})
	}()
	drive(t, fake, time.Second, done)
	if err != nil || got != 20 {
		t.Errorf("TransactValue = %d, %v; want 20 from the committed attempt", got, err)
	}

	rgot, err := kv.ReadTransactValue(context.Background(), db,
		func(kv.ReadTransaction) (string, error) { return "x", errors.New("no") })
	if err == nil || rgot != "" {
		t.Errorf("ReadTransactValue = %q, %v; want zero value and the error", rgot, err)
	}
}
