package election

import (
	"context"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/tuple"
)

// Do runs fn in a transaction that also verifies that this process leads:
// the leader record must name this incarnation, and the process must hold
// a lease it can prove on its monotonic clock. The verification reads the
// leader record serializably, so if another process takes over before the
// transaction commits, the commit fails and the retry finds ErrNotLeader:
// writes made by fn commit only while leadership holds. fn follows the
// rules of kv.Database.Transact (it may run more than once).
func (e *Elector) Do(ctx context.Context, fn func(tr kv.Transaction) error) error {
	return e.db.Transact(ctx, func(tr kv.Transaction) error {
		e.mu.Lock()
		leading, stamp := e.leadingLocked(), e.pub.stamp
		e.mu.Unlock()
		if !leading {
			return ErrNotLeader
		}

		if err := e.el.VerifyLeader(tr, e.id, stamp); err != nil {
			return err
		}
		return fn(tr)
	})
}

// VerifyLeader returns nil if the leader record names the incarnation of id
// registered with stamp, and ErrNotLeader otherwise. It reads the record
// serializably: a transaction that calls it commits only if no other write
// of the record commits in between, which is what makes it a fence.
func (e *Election) VerifyLeader(tr kv.ReadTransaction, id string,
	stamp tuple.Versionstamp) error {
	l, err := e.LeaderRaw(tr)
	if err != nil {
		return err
	}
	if l == nil || l.Vacant() || l.LeaderID != id || l.Versionstamp != stamp {
		return ErrNotLeader
	}
	return nil
}

// Resign gives up leadership now: the leader record becomes vacant, keeping
// its ballot, and the Elector leaves it alone for ResignHoldoff so another
// candidate takes over; then it campaigns again. It returns ErrNotLeader
// when this process does not lead.
func (e *Elector) Resign(ctx context.Context) error {
	return e.ask(ctx, Request{Resign: true})
}

// HandOff gives leadership to the live registered candidate id in one
// transaction: the leader record names id with a fresh lease, and this
// process stops acting as leader before that can commit. It returns
// ErrNotLeader when this process does not lead and ErrHandoffRefused when id
// is not a live registered candidate.
func (e *Elector) HandOff(ctx context.Context, id string) error {
	if _, err := e.el.CandidateKey(id); err != nil {
		return err
	}
	return e.ask(ctx, Request{HandoffTo: id})
}

// ask hands req to the Run goroutine and waits for the outcome.
func (e *Elector) ask(ctx context.Context, req Request) error {
	if !e.started.Load() {
		return ErrNotRunning
	}
	r := request{req: req, reply: make(chan error, 1)}
	select {
	case e.requests <- r:
	case <-e.loopDone:
		return ErrNotRunning
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-r.reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
