package fdbkv

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// loopTxn is the part of a FoundationDB transaction that the retry loop
// drives. Every method waits for its result and returns *kv.Error values.
type loopTxn interface {
	// Commit commits the attempt's writes.
	Commit() error

	// OnError hands code to FoundationDB's on_error: nil means the
	// transaction was reset after a backoff and may be run again; an error
	// means give up with it.
	OnError(code int) error

	// Cancel cancels the transaction; pending and later operations fail.
	// It may be called from another goroutine at any time.
	Cancel()

	// SetTimeout sets the transaction's timeout option in milliseconds.
	SetTimeout(ms int64) error
}

// runLoop runs attempt (the caller's function) on tr until it succeeds and,
// when commit is set, tr commits; failures go through tr.OnError, so the
// retry rules, backoff, timeout and retry limit are FoundationDB's own.
//
// The context bounds the loop: its deadline becomes the transaction's
// timeout before the first attempt, and when it ends the transaction is
// cancelled, which fails whatever is waiting on it. Without a deadline, a
// timeout or a retry limit, FoundationDB retries forever.
func runLoop(ctx context.Context, tr loopTxn, attempt func() error, commit bool) error {
	if err := ctx.Err(); err != nil {
		return contextError(err, false)
	}
	if dl, ok := ctx.Deadline(); ok {
		ms := deadlineMillis(dl, time.Now())
		if err := protect(func() error { return tr.SetTimeout(ms) }); err != nil {
			return err
		}
	}
	// The implementations already turn the bindings' panics into errors;
	// protect is a second line, here where a panic would escape (Cancel runs
	// on a goroutine of its own, where it would end the process).
	stop := context.AfterFunc(ctx, func() {
		_ = protect(func() error { tr.Cancel(); return nil })
	})
	defer stop()

	for {
		err := callFn(attempt)
		committing := false
		if err == nil && commit {
			committing = true
			err = protect(tr.Commit)
		}
		if err == nil {
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return contextError(cerr, committing)
		}

		code, ok := kv.Code(err)
		if !ok {
			return err
		}
		oerr := protect(func() error { return tr.OnError(code) })
		if cerr := ctx.Err(); cerr != nil {
			// Ended during the backoff: no further attempt.
			return contextError(cerr, committing)
		}
		if oerr == nil {
			continue
		}
		if ocode, _ := kv.Code(oerr); ocode == code {
			// Not retryable, or the retry limit was reached: the error
			// goes back as the attempt produced it, wrapping intact.
			return err
		}
		return oerr
	}
}

// contextError reports that the context ended. A transaction cancelled
// while its commit was in flight may still have committed (the bindings
// document this for Cancel), so that case also carries
// commit_unknown_result and kv.IsMaybeCommitted reports true for it.
func contextError(cause error, committing bool) error {
	if committing {
		return fmt.Errorf("fdbkv: context ended during commit, which may have applied: %w: %w",
			cause, kv.NewError(kv.CodeCommitUnknownResult))
	}
	return fmt.Errorf("fdbkv: transaction abandoned: %w", cause)
}

// callFn calls the caller's function. A panic carrying a database error
// (what MustGet raises) becomes that error, so that the loop treats it as
// if fn had returned it. Any other panic belongs to the caller and goes on
// unchanged, as in the official bindings and kv's own retry loop.
func callFn(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if perr, ok := p.(error); ok {
				if _, isDB := kv.Code(perr); isDB {
					err = perr
					return
				}
			}
			panic(p)
		}
	}()
	return fn()
}

// protect calls f, which calls into the bindings, and turns any panic into
// an error (see recovered).
func protect(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = recovered(p)
		}
	}()
	return f()
}

// timeoutMillis converts a kv timeout to the value of FoundationDB's timeout
// option: whole milliseconds rounded up, zero (no timeout) for d <= 0, and
// at most the option's maximum, math.MaxInt32.
func timeoutMillis(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond
	return min(int64(ms), math.MaxInt32)
}

// deadlineMillis is the timeout option for a context deadline seen at now:
// at least one millisecond, because zero would mean no timeout at all.
func deadlineMillis(deadline, now time.Time) int64 {
	return max(timeoutMillis(deadline.Sub(now)), 1)
}

// retryLimit converts a kv retry limit to FoundationDB's retry_limit option,
// whose range is [-1, MaxInt32] with -1 meaning no limit.
func retryLimit(n int) int64 {
	if n < 0 {
		return -1
	}
	return min(int64(n), math.MaxInt32)
}
