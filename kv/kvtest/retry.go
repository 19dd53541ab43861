package kvtest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// retryChecks cover checklist item 9: the retry loop of Transact and
// ReadTransact.
func retryChecks() []check {
	return []check{
		{"Retry/Conflict", testRetryConflict},
		{"Retry/RetryableErrors", testRetryableErrors},
		{"Retry/NonRetryableErrors", testNonRetryableErrors},
		{"Retry/Limit", testRetryLimit},
		{"Retry/Timeout", testRetryTimeout},
		{"Retry/TimeoutFailsOperations", testTimeoutFailsOperations},
		{"Retry/ContextCancel", testRetryContextCancel},
		{"Retry/MustGetPanics", testMustGetPanics},
		{"Retry/OtherPanicsPropagate", testOtherPanics},
	}
}

// testRetryConflict checks that Transact runs fn again after a real
// conflict and that the second attempt commits.
func testRetryConflict(e *env) {
	e.set("k", "1")
	calls := 0
	err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		calls++
		if _, err := tr.Get(e.key("k")).Get(); err != nil {
			return err
		}
		if calls == 1 {
			if err := e.db.Transact(e.ctx, setter(e.key("k"), "2")); err != nil {
				return fmt.Errorf("interfering commit: %w", err)
			}
		}
		tr.Set(e.key("out"), []byte{byte(calls)})
		return nil
	})
	if err != nil || calls != 2 {
		e.t.Errorf("Transact after one conflict: got %v after %d calls, want nil after 2", err,
			calls)
	}
	if v := e.get(e.key("out")); string(v) != "\x02" {
		e.t.Errorf("committed attempt: got %s, want 02 (the second)", show(v))
	}
}

// testRetryableErrors checks that an error fn returns is retried when
// FoundationDB's client retries it, by Transact and by ReadTransact.
func testRetryableErrors(e *env) {
	codes := []int{
		kv.CodeNotCommitted, kv.CodeCommitUnknownResult,
		kv.CodeTransactionTooOld, kv.CodeFutureVersion,
	}
	for _, code := range codes {
		calls := 0
		err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
			calls++
			if calls == 1 {
				return kv.NewError(code)
			}
			return nil
		})
		if err != nil || calls != 2 {
			e.t.Errorf("Transact, fn fails once with %d: got %v after %d calls, want nil after 2",
				code, err, calls)
		}

		calls = 0
		err = e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
			calls++
			if calls == 1 {
				return kv.NewError(code)
			}
			return nil
		})
		if err != nil || calls != 2 {
			e.t.Errorf("ReadTransact, fn fails once with %d: got %v after %d calls, "+
				"want nil after 2",
				code, err, calls)
		}
	}
}

// errPlain is an error that is not FoundationDB's.
var errPlain = errors.New("x")

// testNonRetryableErrors checks that other errors end the loop at once and
// come back as fn returned them.
func testNonRetryableErrors(e *env) {
	cases := []struct {
		what string
		err  error
	}{
		{"plain error", errPlain},
		{"wrapped plain error", fmt.Errorf("step: %w", errPlain)},
		{"client_invalid_operation", kv.NewError(kv.CodeClientInvalidOperation)},
		{"transaction_timed_out", kv.NewError(kv.CodeTransactionTimedOut)},
	}
	for _, c := range cases {
		calls := 0
		got := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
			calls++
			tr.Set(e.key("never"), []byte("x"))
			return c.err
		})
		if got != c.err || calls != 1 {
			e.t.Errorf("Transact, fn returns %s: got %v after %d calls, want it as is after 1",
				c.what, got, calls)
		}
		if !errors.Is(got, c.err) {
			e.t.Errorf("Transact, fn returns %s: errors.Is fails on %v", c.what, got)
		}

		calls = 0
		got = e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
			calls++
			return c.err
		})
		if got != c.err || calls != 1 {
			e.t.Errorf("ReadTransact, fn returns %s: got %v after %d calls, want it as is after 1",
				c.what, got, calls)
		}
	}
	if v := e.get(e.key("never")); v != nil {
		e.t.Errorf("a transaction whose fn failed wrote %s", show(v))
	}
}

// testRetryLimit checks that SetRetryLimit bounds the retries, keeps
// holding on later attempts, and that the last error is returned.
func testRetryLimit(e *env) {
	for _, limit := range []int{0, 1, 3} {
		calls := 0
		err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
			calls++
			if calls == 1 {
				tr.SetRetryLimit(limit)
			}
			return kv.NewError(kv.CodeNotCommitted)
		})
		if !errors.Is(err, kv.ErrNotCommitted) || calls != limit+1 {
			e.t.Errorf("Transact with retry limit %d: got %v after %d calls, "+
				"want not_committed after %d",
				limit, err, calls, limit+1)
		}

		calls = 0
		err = e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
			calls++
			if calls == 1 {
				tr.SetRetryLimit(limit)
			}
			return kv.NewError(kv.CodeTransactionTooOld)
		})
		if !errors.Is(err, kv.ErrTransactionTooOld) || calls != limit+1 {
			e.t.Errorf("ReadTransact with retry limit %d: got %v after %d calls, "+
				"want transaction_too_old after %d", limit, err, calls, limit+1)
		}
	}
}

// testRetryTimeout checks that SetTimeout, set on the first attempt only,
// ends a loop that would otherwise retry forever, with
// transaction_timed_out or the last retryable error.
func testRetryTimeout(e *env) {
	calls := 0
	err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		calls++
		if calls == 1 {
			tr.SetTimeout(50 * time.Millisecond)
		}
		return kv.NewError(kv.CodeNotCommitted)
	})
	if !errors.Is(err, kv.ErrTransactionTimedOut) && !errors.Is(err, kv.ErrNotCommitted) {
		e.t.Errorf("Transact with a timeout: got %v after %d calls, want transaction_timed_out "+
			"or not_committed", err, calls)
	}
	if e.ctx.Err() != nil {
		e.t.Errorf("Transact with a timeout ran until the subtest's deadline")
	}
}

// testTimeoutFailsOperations checks that once a transaction's timeout has
// passed its operations or its commit fail with transaction_timed_out
// (1031), which is not retried, and that it writes nothing.
func testTimeoutFailsOperations(e *env) {
	calls := 0
	err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		calls++
		tr.SetTimeout(5 * time.Millisecond)
		time.Sleep(50 * time.Millisecond)
		if _, err := tr.Get(e.key("k")).Get(); err != nil {
			return err
		}
		tr.Set(e.key("k"), []byte("late"))
		return nil
	})
	if !errors.Is(err, kv.ErrTransactionTimedOut) || calls != 1 {
		e.t.Errorf("transaction past its timeout: got %v after %d calls, "+
			"want transaction_timed_out after 1", err, calls)
	}
	if v := e.get(e.key("k")); v != nil {
		e.t.Errorf("transaction past its timeout wrote %s", show(v))
	}
}

// testRetryContextCancel checks that the loop stops when its context ends,
// returning the context's error, and calls fn no more.
func testRetryContextCancel(e *env) {
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	calls := 0
	err := e.db.Transact(ctx, func(tr kv.Transaction) error {
		calls++
		if calls == 3 {
			cancel()
		}
		return kv.NewError(kv.CodeNotCommitted)
	})
	if !errors.Is(err, context.Canceled) || calls != 3 {
		e.t.Errorf("Transact cancelled in its third attempt: got %v after %d calls, want "+
			"context.Canceled after 3", err, calls)
	}

	calls = 0
	err = e.db.ReadTransact(ctx, func(tr kv.ReadTransaction) error {
		calls++
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		e.t.Errorf("ReadTransact with a cancelled context: got %v after %d calls, "+
			"want context.Canceled",
			err, calls)
	}

	calls = 0
	err = e.db.Transact(ctx, func(tr kv.Transaction) error {
		calls++
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		e.t.Errorf("Transact with a cancelled context: got %v after %d calls, "+
			"want context.Canceled",
			err, calls)
	}
}

// testMustGetPanics checks that a panic from MustGet inside fn becomes the
// error Transact returns, and that MustGet returns values when reads work.
func testMustGetPanics(e *env) {
	e.set("k", "v")
	calls := 0
	err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		calls++
		tr.SetVersionstampedValue(e.key("pending"), stampedValue("", ""))
		tr.Get(e.key("pending")).MustGet()
		return nil
	})
	if !errors.Is(err, kv.ErrAccessedUnreadable) || calls != 1 {
		e.t.Errorf("MustGet of an unreadable key: got %v after %d calls, "+
			"want accessed_unreadable after 1", err, calls)
	}

	err = e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
		if v := tr.Get(e.key("k")).MustGet(); string(v) != "v" {
			e.t.Errorf("MustGet: got %s, want 76", show(v))
		}
		if rv := tr.GetReadVersion().MustGet(); rv <= 0 {
			e.t.Errorf("GetReadVersion().MustGet: got %d, want a positive version", rv)
		}
		return nil
	})
	if err != nil {
		e.t.Errorf("ReadTransact with MustGet: %v", err)
	}
}

// errBoom is the value testOtherPanics panics with.
var errBoom = errors.New("boom")

// testOtherPanics checks that a panic that is not a database error passes
// through Transact and ReadTransact unchanged, as in the official bindings.
func testOtherPanics(e *env) {
	for _, value := range []any{"boom", errBoom} {
		got := catch(func() {
			_ = e.db.Transact(e.ctx, func(tr kv.Transaction) error { panic(value) })
		})
		if got != value {
			e.t.Errorf("Transact, fn panics with %v: recovered %v, want the same value", value, got)
		}
		got = catch(func() {
			_ = e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error { panic(value) })
		})
		if got != value {
			e.t.Errorf("ReadTransact, fn panics with %v: recovered %v, want the same value", value,
				got)
		}
	}
}

// catch runs fn and returns what it panicked with, or nil.
func catch(fn func()) (v any) {
	defer func() { v = recover() }()
	fn()
	return nil
}
