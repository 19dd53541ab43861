package kvtest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// versionstampChecks cover checklist items 1, 6 and 7: versionstamped
// operations and GetVersionstamp.
func versionstampChecks() []check {
	return []check{
		{"Versionstamps/SameWithinTransaction", testStampSameWithinTransaction},
		{"Versionstamps/IncreaseAcrossCommits", testStampsIncrease},
		{"Versionstamps/UniqueUnderConcurrency", testStampsUnique},
		{"Versionstamps/OffsetValidation", testStampOffsets},
		{"Versionstamps/PendingUnreadable", testStampPendingUnreadable},
		{"Versionstamps/NoneWithoutWrites", testStampWithoutWrites},
		{"Versionstamps/NoneAfterFailedCommit", testStampFailedCommit},
	}
}

// placeholder is what an incomplete versionstamp looks like before commit.
var placeholder = bytes.Repeat([]byte{0xff}, 10)

// withOffset appends the four-byte little-endian offset to b.
func withOffset(b []byte, offset int) []byte {
	return binary.LittleEndian.AppendUint32(bytes.Clone(b), uint32(offset))
}

// stampedKey returns the parameter of SetVersionstampedKey for the key
// prefix+name+stamp+tail.
func (e *env) stampedKey(name, tail string) []byte {
	k := e.key(name)
	offset := len(k)
	k = append(k, placeholder...)
	k = append(k, tail...)
	return withOffset(k, offset)
}

// stampedValue returns the parameter of SetVersionstampedValue for the
// value head+stamp+tail.
func stampedValue(head, tail string) []byte {
	v := append([]byte(head), placeholder...)
	v = append(v, tail...)
	return withOffset(v, len(head))
}

// testStampSameWithinTransaction checks that a versionstamped key and a
// versionstamped value in one transaction get the same ten bytes, and that
// they equal what GetVersionstamp returns.
func testStampSameWithinTransaction(e *env) {
	vs := e.stamped(func(tr kv.Transaction) error {
		tr.SetVersionstampedKey(e.stampedKey("vk/", "/tail"), []byte("v"))
		tr.SetVersionstampedValue(e.key("vv"), stampedValue("x", "y"))
		tr.SetVersionstampedValue(e.key("vw"), stampedValue("", ""))
		return nil
	})

	err := e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
		kvs, err := tr.GetRange(e.span("vk/", "vk0"), kv.RangeOptions{}).GetSliceWithError()
		if err != nil {
			return err
		}
		want := append(append(e.key("vk/"), vs...), "/tail"...)
		if len(kvs) != 1 || !bytes.Equal(kvs[0].Key, want) || string(kvs[0].Value) != "v" {
			e.t.Errorf("versionstamped key: got %v, want one key %x with value \"v\"", kvs, want)
		}

		for name, want := range map[string][]byte{
			"vv": append(append([]byte("x"), vs...), 'y'),
			"vw": vs,
		} {
			got, err := tr.Get(e.key(name)).Get()
			if err != nil {
				return err
			}
			if !bytes.Equal(got, want) {
				e.t.Errorf("versionstamped value %s: got %s, want %x", name, show(got), want)
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatalf("reading versionstamped writes: %v", err)
	}
}

// testStampsIncrease checks that successive commits get strictly
// increasing versionstamps, and that the stored value carries each.
func testStampsIncrease(e *env) {
	var last []byte
	for i := range 5 {
		key := e.key(fmt.Sprintf("seq/%d", i))
		vs := e.stamped(func(tr kv.Transaction) error {
			tr.SetVersionstampedValue(key, stampedValue("", ""))
			return nil
		})
		if bytes.Compare(vs, last) <= 0 {
			e.t.Errorf("commit %d: versionstamp %x is not above the previous %x", i, vs, last)
		}
		if got := e.get(key); !bytes.Equal(got, vs) {
			e.t.Errorf("commit %d: stored %s, want the versionstamp %x", i, show(got), vs)
		}
		last = vs
	}
}

// testStampsUnique checks that concurrent commits never share a
// versionstamp.
func testStampsUnique(e *env) {
	const workers, each = 6, 5
	var mu sync.Mutex
	seen := make(map[string]string)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				var fut kv.FutureKey
				key := e.key(fmt.Sprintf("u/%d-%d", w, i))
				err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
					tr.Set(key, nil)
					fut = tr.GetVersionstamp()
					return nil
				})
				if err == nil {
					var vs []byte
					if vs, err = fut.Get(); err == nil {
						mu.Lock()
						if other, dup := seen[string(vs)]; dup {
							err = fmt.Errorf("commits %s and %s share versionstamp %x", other,
								e.name(key), vs)
						}
						seen[string(vs)] = e.name(key)
						mu.Unlock()
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		e.t.Error(err)
	}
}

// testStampOffsets checks that versionstamp offsets outside the parameter
// are refused with client_invalid_operation (2000) and write nothing, and
// that an offset that ends exactly where the parameter does is accepted.
func testStampOffsets(e *env) {
	base := e.key("vo/")
	keyParam := func(offset int) []byte {
		return withOffset(append(bytes.Clone(base), placeholder...), offset)
	}
	bad := []struct {
		what  string
		apply func(tr kv.Transaction)
	}{
		{"key offset -1", func(tr kv.Transaction) {
			tr.SetVersionstampedKey(keyParam(-1), []byte("v"))
		}},
		{"key offset one past the last fit", func(tr kv.Transaction) {
			tr.SetVersionstampedKey(keyParam(len(base)+1), []byte("v"))
		}},
		{"key offset far past the end", func(tr kv.Transaction) {
			tr.SetVersionstampedKey(keyParam(1<<20), []byte("v"))
		}},
		{"value shorter than four bytes", func(tr kv.Transaction) {
			tr.SetVersionstampedValue(e.key("vo/value"), []byte("abc"))
		}},
		{"value without room for a stamp", func(tr kv.Transaction) {
			tr.SetVersionstampedValue(e.key("vo/value"), withOffset([]byte("abc"), 0))
		}},
		{"value offset -1", func(tr kv.Transaction) {
			tr.SetVersionstampedValue(e.key("vo/value"), withOffset(placeholder, -1))
		}},
		{"value offset one past the last fit", func(tr kv.Transaction) {
			tr.SetVersionstampedValue(e.key("vo/value"),
				withOffset(append([]byte("a"), placeholder...), 2))
		}},
	}
	for _, c := range bad {
		calls := 0
		err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
			calls++
			c.apply(tr)
			return nil
		})
		e.wantCode(c.what, err, kv.CodeClientInvalidOperation)
		if calls != 1 {
			e.t.Errorf("%s: fn ran %d times, want 1 (not retryable)", c.what, calls)
		}
	}
	if got := e.names(e.span("vo/", "vo0")); len(got) != 0 {
		e.t.Errorf("refused versionstamped writes left keys %q", got)
	}

	vs := e.stamped(func(tr kv.Transaction) error {
		tr.SetVersionstampedKey(keyParam(len(base)), []byte("v"))
		tr.SetVersionstampedValue(e.key("vo/value"),
			withOffset(append([]byte("a"), placeholder...), 1))
		return nil
	})
	if got := e.get(append(bytes.Clone(base), vs...)); string(got) != "v" {
		e.t.Errorf("stamp at the end of the key: got %s, want 76", show(got))
	}
	if got := e.get(e.key("vo/value")); !bytes.Equal(got, append([]byte("a"), vs...)) {
		e.t.Errorf("stamp at the end of the value: got %s, want 61%x", show(got), vs)
	}
}

// testStampPendingUnreadable checks that reading a key with a pending
// versionstamped value, or a range that may hold a pending versionstamped
// key, fails with accessed_unreadable (1036), which is not retried.
func testStampPendingUnreadable(e *env) {
	pending := e.key("pv")
	reads := []struct {
		what string
		fn   func(tr kv.Transaction) error
	}{
		{"Get", func(tr kv.Transaction) error {
			tr.SetVersionstampedValue(pending, stampedValue("", ""))
			_, err := tr.Get(pending).Get()
			return err
		}},
		{"snapshot Get", func(tr kv.Transaction) error {
			tr.SetVersionstampedValue(pending, stampedValue("", ""))
			_, err := tr.Snapshot().Get(pending).Get()
			return err
		}},
		{"GetRange over the key", func(tr kv.Transaction) error {
			tr.SetVersionstampedValue(pending, stampedValue("", ""))
			_, err := tr.GetRange(e.span("p", "q"), kv.RangeOptions{}).GetSliceWithError()
			return err
		}},
		{"GetRange over a versionstamped key", func(tr kv.Transaction) error {
			tr.SetVersionstampedKey(e.stampedKey("pk/", ""), []byte("v"))
			_, err := tr.GetRange(e.span("pk/", "pk0"), kv.RangeOptions{}).GetSliceWithError()
			return err
		}},
	}
	for _, r := range reads {
		calls := 0
		err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
			calls++
			return r.fn(tr)
		})
		if !errors.Is(err, kv.ErrAccessedUnreadable) {
			e.t.Errorf("%s after a versionstamped write: got %v, want accessed_unreadable (1036)",
				r.what, err)
		}
		if calls != 1 {
			e.t.Errorf("%s: fn ran %d times, want 1", r.what, calls)
		}
	}

	e.commit(func(tr kv.Transaction) error {
		tr.SetVersionstampedValue(pending, stampedValue("", ""))
		v, err := tr.Get(e.key("other")).Get()
		if err != nil || v != nil {
			e.t.Errorf("Get of another key beside a pending stamp: got %s, %v; want absent, nil",
				show(v), err)
		}
		return nil
	})
}

// testStampWithoutWrites checks that a transaction that commits without
// writes has no versionstamp: its future fails with no_commit_version
// (2021) instead of waiting forever or inventing one.
func testStampWithoutWrites(e *env) {
	var fut kv.FutureKey
	e.commit(func(tr kv.Transaction) error {
		fut = tr.GetVersionstamp()
		_, err := tr.Get(e.key("k")).Get()
		return err
	})
	vs, err := fut.Get()
	e.wantCode(fmt.Sprintf("GetVersionstamp without writes (got %x)", vs), err,
		kv.CodeNoCommitVersion)
}

// testStampFailedCommit checks that the versionstamp future of a
// transaction whose commit fails reports an error instead of waiting
// forever, and that its versionstamped write is not applied.
func testStampFailedCommit(e *env) {
	e.set("k", "1")
	var fut kv.FutureKey
	h := e.hold(getter(e.key("k")), func(tr kv.Transaction) error {
		tr.SetVersionstampedValue(e.key("stamped"), stampedValue("", ""))
		fut = tr.GetVersionstamp()
		return nil
	})
	e.set("k", "2")
	e.wantConflict("versionstamping transaction after a conflicting commit", h.commit(), true)

	type result struct {
		vs  []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		vs, err := fut.Get()
		done <- result{vs, err}
	}()
	select {
	case r := <-done:
		if r.err == nil {
			e.t.Errorf("GetVersionstamp of a failed commit: got %x, want an error", r.vs)
		}
	case <-time.After(watchFireWait):
		e.t.Errorf("GetVersionstamp of a failed commit still waiting after %v", watchFireWait)
	}
	if v := e.get(e.key("stamped")); v != nil {
		e.t.Errorf("failed commit wrote its versionstamped value %s", show(v))
	}
}
