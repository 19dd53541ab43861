package kvtest

import (
	"errors"
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// How long a watch may take to fire, and how long a watch that must not
// fire is observed. Neither is a performance claim: the first only turns a
// hang into a failure, the second is the window of a negative check.
const (
	watchFireWait = 10 * time.Second
	watchQuiet    = 150 * time.Millisecond
)

// watchLimit is FoundationDB's default bound on outstanding watches.
const watchLimit = 10_000

// watchChecks cover checklist item 8: watches.
func watchChecks() []check {
	return []check{
		{"Watches/FireOnChange", testWatchFiresOnChange},
		{"Watches/IgnoreSameValue", testWatchIgnoresSameValue},
		{"Watches/FireOnClear", testWatchFiresOnClear},
		{"Watches/Cancel", testWatchCancel},
		{"Watches/ChangedBeforeCommit", testWatchChangedBeforeCommit},
		{"Watches/FailedCommit", testWatchFailedCommit},
		{"Watches/OwnWriteBaseline", testWatchOwnWrite},
		{"Watches/OwnLaterWrite", testWatchOwnLaterWrite},
		{"Watches/TooMany", testTooManyWatches},
	}
}

// watch commits a transaction that watches key and returns the watch.
func (e *env) watch(key []byte) kv.FutureNil {
	e.t.Helper()
	var w kv.FutureNil
	e.commit(func(tr kv.Transaction) error {
		w = tr.Watch(key)
		return nil
	})
	return w
}

// fired fails the subtest unless w fires without error in time.
func (e *env) fired(what string, w kv.FutureNil) {
	e.t.Helper()
	timer := time.NewTimer(watchFireWait)
	defer timer.Stop()
	select {
	case <-w.Ready():
		if err := w.Get(); err != nil {
			e.t.Errorf("%s: watch failed with %v, want it to fire", what, err)
		}
	case <-timer.C:
		e.t.Errorf("%s: watch did not fire within %v", what, watchFireWait)
	case <-e.ctx.Done():
		e.t.Fatalf("%s: %v", what, e.ctx.Err())
	}
}

// quiet fails the subtest if w becomes ready within watchQuiet.
func (e *env) quiet(what string, w kv.FutureNil) {
	e.t.Helper()
	select {
	case <-w.Ready():
		e.t.Errorf("%s: watch became ready (Get: %v), want it still waiting", what, w.Get())
	case <-time.After(watchQuiet):
	}
}

// testWatchFiresOnChange checks that a watch fires when another
// transaction changes the key, present or absent before.
func testWatchFiresOnChange(e *env) {
	e.set("k", "a")
	w := e.watch(e.key("k"))
	absent := e.watch(e.key("absent"))
	e.quiet("watch before any change", w)

	e.set("k", "b")
	e.fired("watch after k changed from a to b", w)
	e.quiet("watch of an untouched absent key", absent)
	e.set("absent", "")
	e.fired("watch after an absent key was set to an empty value", absent)
}

// testWatchIgnoresSameValue checks that rewriting a key with the value it
// had, or clearing an absent key, does not fire a watch.
func testWatchIgnoresSameValue(e *env) {
	e.set("k", "a")
	w := e.watch(e.key("k"))
	absent := e.watch(e.key("absent"))

	e.set("k", "a")
	e.commit(func(tr kv.Transaction) error {
		tr.Clear(e.key("absent"))
		return nil
	})
	e.quiet("watch after k was rewritten with the same value", w)
	e.quiet("watch after an absent key was cleared", absent)

	e.set("k", "b")
	e.fired("watch after k changed", w)
	w.Cancel()
	absent.Cancel()
}

// testWatchFiresOnClear checks that clearing a watched key fires the
// watch, by Clear and by ClearRange.
func testWatchFiresOnClear(e *env) {
	e.set("k", "a", "l", "a")
	wk := e.watch(e.key("k"))
	wl := e.watch(e.key("l"))
	e.commit(func(tr kv.Transaction) error {
		tr.Clear(e.key("k"))
		return nil
	})
	e.commit(func(tr kv.Transaction) error {
		tr.ClearRange(e.span("l", "m"))
		return nil
	})
	e.fired("watch after Clear", wk)
	e.fired("watch after ClearRange", wl)
}

// testWatchCancel checks that a cancelled watch fails with
// operation_cancelled (1101), as a cancelled FoundationDB future does,
// that Cancel is safe twice, and that
// cancelling a watch that fired keeps its result.
func testWatchCancel(e *env) {
	e.set("k", "a")
	w := e.watch(e.key("k"))
	w.Cancel()
	w.Cancel()
	e.set("k", "b")

	select {
	case <-w.Ready():
	case <-time.After(watchFireWait):
		e.t.Fatalf("cancelled watch did not become ready within %v", watchFireWait)
	}
	if err := w.Get(); !errors.Is(err, kv.ErrOperationCancelled) {
		e.t.Errorf("cancelled watch: got %v, want operation_cancelled (1101)", err)
	}

	w = e.watch(e.key("k"))
	e.set("k", "c")
	e.fired("watch before Cancel", w)
	w.Cancel()
	if err := w.Get(); err != nil {
		e.t.Errorf("fired watch after Cancel: got %v, want nil", err)
	}
}

// testWatchChangedBeforeCommit checks that a watch compares with the value
// its transaction saw: a change committed between the transaction's read
// and its commit fires the watch as soon as it is armed.
func testWatchChangedBeforeCommit(e *env) {
	e.set("k", "a")
	var w kv.FutureNil
	h := e.hold(func(tr kv.Transaction) error {
		if _, err := tr.Get(e.key("k")).Get(); err != nil {
			return err
		}
		w = tr.Watch(e.key("k"))
		return nil
	}, nil)
	e.set("k", "b")
	if err := h.commit(); err != nil {
		e.t.Fatalf("watching transaction: %v", err)
	}
	e.fired("watch armed after its key changed", w)
}

// testWatchFailedCommit checks that a watch whose transaction fails to
// commit fails too instead of waiting forever.
func testWatchFailedCommit(e *env) {
	e.set("k", "a")
	var w kv.FutureNil
	h := e.hold(func(tr kv.Transaction) error {
		if _, err := tr.Get(e.key("k")).Get(); err != nil {
			return err
		}
		w = tr.Watch(e.key("w"))
		return nil
	}, setter(e.key("~marker"), "m"))
	e.set("k", "b")
	e.wantConflict("watching transaction after a conflicting commit", h.commit(), true)

	select {
	case <-w.Ready():
		if err := w.Get(); err == nil {
			e.t.Errorf("watch of a transaction that did not commit: fired, want an error")
		}
	case <-time.After(watchFireWait):
		e.t.Errorf("watch of a transaction that did not commit is still waiting after %v",
			watchFireWait)
	}
}

// testWatchOwnWrite checks that a watch set after the transaction's own
// write compares with that write.
func testWatchOwnWrite(e *env) {
	e.set("k", "a")
	var w kv.FutureNil
	e.commit(func(tr kv.Transaction) error {
		tr.Set(e.key("k"), []byte("x"))
		w = tr.Watch(e.key("k"))
		return nil
	})
	e.quiet("watch after its own transaction wrote x", w)
	e.set("k", "x")
	e.quiet("watch after k was rewritten with x", w)
	e.set("k", "y")
	e.fired("watch after k changed from x to y", w)
}

// testTooManyWatches checks that the watch beyond FoundationDB's default
// limit of 10,000 outstanding watches fails with too_many_watches (1032),
// either in its future or in its transaction's commit.
func testTooManyWatches(e *env) {
	const batch = 1000
	var watches []kv.FutureNil
	defer func() {
		for _, w := range watches {
			w.Cancel()
		}
	}()

	refused := 0
	for start := 0; start <= watchLimit; start += batch {
		var ws []kv.FutureNil
		err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
			ws = ws[:0]
			for i := start; i < start+batch && i <= watchLimit; i++ {
				ws = append(ws, tr.Watch(e.key(fmt.Sprintf("w/%05d", i))))
			}
			return nil
		})
		watches = append(watches, ws...)
		switch {
		case hasCode(err, kv.CodeTooManyWatches):
			refused++
		case err != nil:
			e.t.Fatalf("watching keys from %d: %v", start, err)
		}
	}

	// A cluster may refuse a watch only once it tries to arm it, after the
	// commit returned.
	deadline := time.Now().Add(watchFireWait)
	for refused == 0 && time.Now().Before(deadline) {
		for _, w := range watches {
			if w.IsReady() && hasCode(w.Get(), kv.CodeTooManyWatches) {
				refused++
			}
		}
		if refused == 0 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if refused == 0 {
		e.t.Errorf("%d outstanding watches: none refused, want too_many_watches (1032)",
			watchLimit+1)
	}

	// Cancelled watches stop counting against the limit.
	for _, w := range watches {
		w.Cancel()
	}
	watches = nil
	e.set("again", "a")
	w := e.watch(e.key("again"))
	defer w.Cancel()
	e.set("again", "b")
	e.fired("watch after the others were cancelled", w)
}

// testWatchOwnLaterWrite checks that a watch is triggered by a write its
// own transaction makes after creating it, as FoundationDB's client does
// before the commit.
func testWatchOwnLaterWrite(e *env) {
	e.set("k", "a")
	var w kv.FutureNil
	e.commit(func(tr kv.Transaction) error {
		w = tr.Watch(e.key("k"))
		tr.Set(e.key("k"), []byte("b"))
		return nil
	})
	defer w.Cancel()
	e.fired("watch after its own transaction changed k from a to b", w)
}
