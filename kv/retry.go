package kv

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/fdbelect/fdbelect/clock"
)

// Backoff bounds, as in FoundationDB's client: the first retry waits up to
// MinBackoff, each later one up to twice as long, never more than MaxBackoff.
// transaction_too_old and future_version wait MinBackoff without growth.
const (
	MinBackoff = 10 * time.Millisecond
	MaxBackoff = time.Second
)

// Retrier holds the retry state of one logical transaction across its
// attempts: the timeout and retry limit set on it, the retries made so far
// and the current backoff. Engines without a retry loop of their own embed
// one in each transaction and hand it to Run or RunRead.
//
// A Retrier is not safe for concurrent use; it belongs to one transaction.
type Retrier struct {
	clock   clock.Clock
	seed    uint64
	rng     *rand.Rand // made at the first jittered wait
	start   time.Duration
	timeout time.Duration
	limit   int
	retries int
	backoff time.Duration
}

// NewRetrier returns a Retrier that sleeps on c (nil means clock.NewReal())
// and draws its jitter from a generator seeded with seed. The timeout of
// SetTimeout counts from this call.
func NewRetrier(c clock.Clock, seed uint64) *Retrier {
	r := new(Retrier)
	r.Init(c, seed)
	return r
}

// Init prepares r like NewRetrier, for a Retrier embedded in another value.
func (r *Retrier) Init(c clock.Clock, seed uint64) {
	if c == nil {
		c = clock.NewReal()
	}
	*r = Retrier{clock: c, seed: seed, start: c.Mono(), limit: -1, backoff: MinBackoff}
}

// SetTimeout bounds the transaction, all attempts included, to d from Init;
// zero or less removes the bound.
func (r *Retrier) SetTimeout(d time.Duration) { r.timeout = max(d, 0) }

// SetRetryLimit bounds the number of retries; a negative n removes the
// bound and zero allows no retry at all.
func (r *Retrier) SetRetryLimit(n int) { r.limit = n }

// Retries returns how many retries Wait has granted.
func (r *Retrier) Retries() int { return r.retries }

// Remaining returns the time left before the timeout and whether a timeout
// is set. The duration is zero or negative once the timeout has passed.
func (r *Retrier) Remaining() (time.Duration, bool) {
	if r.timeout == 0 {
		return 0, false
	}
	return r.timeout - (r.clock.Mono() - r.start), true
}

// TimedOut reports whether the timeout has passed.
func (r *Retrier) TimedOut() bool {
	left, ok := r.Remaining()
	return ok && left <= 0
}

// Delay decides what to do after err ended an attempt. It returns the time
// to wait before retrying, or a non-nil error to give up with: err itself
// when it is not retryable or the retry limit is reached. A granted retry
// counts toward the limit and grows the backoff.
func (r *Retrier) Delay(err error) (time.Duration, error) {
	if !IsRetryable(err) {
		return 0, err
	}
	if r.limit >= 0 && r.retries >= r.limit {
		return 0, err
	}
	r.retries++

	if code, _ := Code(err); code == CodeTransactionTooOld || code == CodeFutureVersion {
		return MinBackoff, nil
	}
	if r.rng == nil {
		r.rng = rand.New(rand.NewPCG(r.seed, r.seed^0x9e3779b97f4a7c15))
	}
	d := time.Duration(r.rng.Float64() * float64(r.backoff))
	r.backoff = min(2*r.backoff, MaxBackoff)
	return d, nil
}

// Wait handles err the way FoundationDB's on_error does, except that it
// leaves resetting the transaction to the caller: it returns err when the
// attempt must not be retried, transaction_timed_out when the timeout passes
// first, a wrapped ctx.Err() when ctx ends first, and nil after sleeping the
// jittered backoff on the clock.
func (r *Retrier) Wait(ctx context.Context, err error) error {
	d, gaveUp := r.Delay(err)
	if gaveUp != nil {
		return gaveUp
	}

	timedOut := false
	if left, ok := r.Remaining(); ok && left <= d {
		d, timedOut = max(left, 0), true
	}
	if serr := clock.Sleep(ctx, r.clock, d); serr != nil {
		return fmt.Errorf("kv: transaction abandoned after %v: %w", err, serr)
	}
	if timedOut {
		return NewError(CodeTransactionTimedOut)
	}
	return nil
}

// Attempt is one transaction of an engine, as Run and RunRead drive it. The
// engine keeps the Retrier across attempts so that the timeout and retry
// limit set through the transaction persist.
type Attempt interface {
	Transaction

	// Commit applies the attempt's writes, or returns why it did not.
	Commit() error

	// Reset discards the attempt's reads and writes so that it can run
	// again, keeping its options and its Retrier.
	Reset()

	// Retrier returns the retry state shared by all attempts.
	Retrier() *Retrier
}

// Run is the retry loop of Database.Transact for engines that have none of
// their own: it calls fn on tr and commits, and after each failure waits as
// tr's Retrier decides, resets tr and tries again. A panic raised by MustGet
// is treated as the error it carries; other panics propagate. Because
// commit_unknown_result is retried, fn must be idempotent.
func Run(ctx context.Context, tr Attempt, fn func(Transaction) error) error {
	r := tr.Retrier()
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("kv: transaction abandoned: %w", err)
		}
		if r.TimedOut() {
			return NewError(CodeTransactionTimedOut)
		}

		err := callCatching(func() error { return fn(tr) })
		if err == nil {
			if err = tr.Commit(); err == nil {
				return nil
			}
		}
		if err = r.Wait(ctx, err); err != nil {
			return err
		}
		tr.Reset()
	}
}

// RunRead is the retry loop of Database.ReadTransact: like Run, without the
// commit.
func RunRead(ctx context.Context, tr Attempt, fn func(ReadTransaction) error) error {
	r := tr.Retrier()
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("kv: transaction abandoned: %w", err)
		}
		if r.TimedOut() {
			return NewError(CodeTransactionTimedOut)
		}

		err := callCatching(func() error { return fn(tr) })
		if err == nil {
			return nil
		}
		if err = r.Wait(ctx, err); err != nil {
			return err
		}
		tr.Reset()
	}
}

// callCatching runs fn and turns a panic whose value is an error carrying a
// *Error (what MustGet raises) into a returned error.
func callCatching(fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			perr, ok := v.(error)
			var kerr *Error
			if !ok || !errors.As(perr, &kerr) {
				panic(v)
			}
			err = perr
		}
	}()
	return fn()
}

// TransactValue runs fn with db.Transact and returns the value fn returned
// in the attempt that committed.
func TransactValue[T any](ctx context.Context, db Database,
	fn func(Transaction) (T, error)) (T, error) {
	var out T
	err := db.Transact(ctx, func(tr Transaction) error {
		v, err := fn(tr)
		out = v
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// ReadTransactValue runs fn with db.ReadTransact and returns the value fn
// returned in the attempt that succeeded.
func ReadTransactValue[T any](ctx context.Context, db Database,
	fn func(ReadTransaction) (T, error)) (T, error) {
	var out T
	err := db.ReadTransact(ctx, func(tr ReadTransaction) error {
		v, err := fn(tr)
		out = v
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}
