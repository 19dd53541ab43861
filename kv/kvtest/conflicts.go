package kvtest

import (
	"fmt"

	"github.com/fdbelect/fdbelect/kv"
)

// conflictChecks cover checklist items 3 and 4: which reads record conflict
// ranges and which commits fail with not_committed.
func conflictChecks() []check {
	return []check{
		{"Conflicts/PointRead", testPointReadConflict},
		{"Conflicts/LimitedRange", testLimitedRangeConflict},
		{"Conflicts/LimitedReverseRange", testLimitedReverseRangeConflict},
		{"Conflicts/FullRangeCoversGaps", testFullRangeConflict},
		{"Conflicts/SnapshotReadsNone", testSnapshotNoConflict},
		{"Conflicts/ExplicitReadConflict", testExplicitReadConflict},
		{"Conflicts/ExplicitWriteConflict", testExplicitWriteConflict},
		{"Conflicts/InvertedConflictRange", testInvertedConflictRange},
		{"Conflicts/ClearsConflict", testClearsConflict},
		{"Conflicts/BlindWrites", testBlindWrites},
		{"Conflicts/AtomicOpsNoReadConflict", testAtomicNoConflict},
		{"Conflicts/OwnWrites", testOwnWritesConflict},
		{"Conflicts/ReadOnlyCommits", testReadOnlyCommits},
		{"Conflicts/WriteSkew", testWriteSkew},
		{"Conflicts/Bank", testBank},
	}
}

// getter returns a step that reads key serializably.
func getter(key []byte) func(tr kv.Transaction) error {
	return func(tr kv.Transaction) error {
		_, err := tr.Get(key).Get()
		return err
	}
}

// setter returns a step that writes value at key.
func setter(key []byte, value string) func(tr kv.Transaction) error {
	return func(tr kv.Transaction) error {
		tr.Set(key, []byte(value))
		return nil
	}
}

// ranger returns a step that reads r with opts serializably.
func ranger(r kv.Range, opts kv.RangeOptions) func(tr kv.Transaction) error {
	return func(tr kv.Transaction) error {
		_, err := tr.GetRange(r, opts).GetSliceWithError()
		return err
	}
}

// testPointReadConflict checks that a point read conflicts with a write of
// that key, also when the key was absent, and with nothing else.
func testPointReadConflict(e *env) {
	e.set("k", "1")

	err := e.race(getter(e.key("k")), setter(e.key("k\x00"), "x"))
	e.wantConflict("read k, other commit writes k\\x00", err, false)

	err = e.race(getter(e.key("k")), setter(e.key("j"), "x"))
	e.wantConflict("read k, other commit writes j", err, false)

	err = e.race(getter(e.key("k")), setter(e.key("k"), "2"))
	e.wantConflict("read k, other commit writes k", err, true)

	err = e.race(getter(e.key("absent")), setter(e.key("absent"), "now"))
	e.wantConflict("read absent key, other commit creates it", err, true)

	err = e.race(getter(e.key("k")), func(tr kv.Transaction) error {
		tr.Clear(e.key("k"))
		return nil
	})
	e.wantConflict("read k, other commit clears k", err, true)
}

// rangeCase is one race between a range read and another commit. Each case
// runs on keys of its own, under "<group><index>/", with keys a, b, c, d
// already committed; the range read covers [sub, sub+"\xff").
type rangeCase struct {
	opts  kv.RangeOptions
	write string
	want  bool
}

// raceRanges runs each case: a range read with the case's options, another
// commit writing sub+write, then the outcome of the reading transaction.
func (e *env) raceRanges(group string, cases []rangeCase) {
	e.t.Helper()
	for i, c := range cases {
		sub := fmt.Sprintf("%s%d/", group, i)
		e.set(sub+"a", "1", sub+"b", "2", sub+"c", "3", sub+"d", "4")
		read := ranger(e.span(sub, sub+"\xff"), c.opts)
		err := e.race(read, setter(e.key(sub+c.write), "w"))
		what := fmt.Sprintf("range read %+v of keys a..d; other commit writes %q", c.opts, c.write)
		e.wantConflict(what, err, c.want)
	}
}

// testLimitedRangeConflict checks that a forward range read cut short by
// its limit conflicts only with writes up to just past its last key.
func testLimitedRangeConflict(e *env) {
	limit2 := kv.RangeOptions{Limit: 2}
	e.raceRanges("f", []rangeCase{
		{limit2, "c", false},
		{limit2, "b\x00", false},
		{limit2, "z", false},
		{limit2, "", true},
		{limit2, "a", true},
		{limit2, "a\x00", true},
		{limit2, "b", true},
	})
}

// testLimitedReverseRangeConflict checks the same for a reverse read: it
// covers from its last (lowest) key to the end of the range.
func testLimitedReverseRangeConflict(e *env) {
	rev2 := kv.RangeOptions{Limit: 2, Reverse: true}
	e.raceRanges("v", []rangeCase{
		{rev2, "b", false},
		{rev2, "b\xff", false},
		{rev2, "", false},
		{rev2, "\xff", false},
		{rev2, "c", true},
		{rev2, "c\x00", true},
		{rev2, "d", true},
		{rev2, "z", true},
	})
}

// testFullRangeConflict checks that a range read that was not cut short
// covers its whole range, gaps included, and nothing past its end.
func testFullRangeConflict(e *env) {
	all := kv.RangeOptions{}
	loose := kv.RangeOptions{Limit: 10}
	looseRev := kv.RangeOptions{Limit: 10, Reverse: true}
	e.raceRanges("g", []rangeCase{
		{all, "\xff", false},
		{all, "bb", true},
		{all, "", true},
		{all, "z", true},
		{loose, "z", true},
		{looseRev, "", true},
		{looseRev, "a\x00", true},
	})
	err := e.race(ranger(e.span("g0/", "g0/\xff"), all), setter(e.key("g0"), "w"))
	e.wantConflict("range read; other commit writes just before its begin", err, false)
}

// testSnapshotNoConflict checks that snapshot reads record no conflicts.
func testSnapshotNoConflict(e *env) {
	e.set("s/a", "1", "s/b", "2")
	reads := func(tr kv.Transaction) error {
		if _, err := tr.Snapshot().Get(e.key("s/a")).Get(); err != nil {
			return err
		}
		_, err := tr.Snapshot().GetRange(e.span("s/", "s0"), kv.RangeOptions{}).GetSliceWithError()
		return err
	}
	err := e.race(reads, func(tr kv.Transaction) error {
		tr.Set(e.key("s/a"), []byte("changed"))
		tr.Set(e.key("s/ab"), []byte("new"))
		return nil
	})
	e.wantConflict("snapshot reads, other commit writes what they read", err, false)
}

// testExplicitReadConflict checks AddReadConflictKey and
// AddReadConflictRange.
func testExplicitReadConflict(e *env) {
	key := func(name string) func(tr kv.Transaction) error {
		return func(tr kv.Transaction) error { return tr.AddReadConflictKey(e.key(name)) }
	}
	span := func(begin, end string) func(tr kv.Transaction) error {
		return func(tr kv.Transaction) error { return tr.AddReadConflictRange(e.span(begin, end)) }
	}

	cases := []struct {
		what  string
		add   func(tr kv.Transaction) error
		write string
		want  bool
	}{
		{"read conflict key k; other commit writes k", key("k"), "k", true},
		{"read conflict key k; other commit writes k\\x00", key("k"), "k\x00", false},
		{"read conflict range [p/a,p/c); other commit writes p/b", span("p/a", "p/c"), "p/b", true},
		{"read conflict range [p/a,p/c); other commit writes p/a", span("p/a", "p/c"), "p/a", true},
		{"read conflict range [p/a,p/c); other commit writes p/c", span("p/a", "p/c"), "p/c",
			false},
	}
	for _, c := range cases {
		err := e.race(c.add, setter(e.key(c.write), "w"))
		e.wantConflict(c.what, err, c.want)
	}
}

// testExplicitWriteConflict checks that AddWriteConflictKey and
// AddWriteConflictRange make other transactions that read there fail, with
// or without a mutation in the same transaction.
func testExplicitWriteConflict(e *env) {
	e.set("k", "1")
	cases := []struct {
		what      string
		interfere func(tr kv.Transaction) error
		want      bool
	}{
		{"other commit adds write conflict key k only", func(tr kv.Transaction) error {
			return tr.AddWriteConflictKey(e.key("k"))
		}, true},
		{"other commit adds write conflict range [j,l) and writes elsewhere",
			func(tr kv.Transaction) error {
				tr.Set(e.key("elsewhere"), []byte("x"))
				return tr.AddWriteConflictRange(e.span("j", "l"))
			}, true},
		{"other commit adds write conflict key k\\x00", func(tr kv.Transaction) error {
			tr.Set(e.key("elsewhere"), []byte("x"))
			return tr.AddWriteConflictKey(e.key("k\x00"))
		}, false},
	}
	for _, c := range cases {
		err := e.race(getter(e.key("k")), c.interfere)
		e.wantConflict("read k; "+c.what, err, c.want)
	}
	if v := e.get(e.key("k")); string(v) != "1" {
		e.t.Errorf("write conflict ranges changed k: got %s, want 31", show(v))
	}

	// A transaction whose only write is a write conflict range is not
	// read-only: its reads are checked at commit.
	h := e.hold(getter(e.key("k")), func(tr kv.Transaction) error {
		return tr.AddWriteConflictKey(e.key("z"))
	})
	e.set("k", "2")
	e.wantConflict("read k and add write conflict key z; other commit writes k", h.commit(), true)
}

// testInvertedConflictRange checks that a conflict range whose begin is
// after its end is refused with inverted_range.
func testInvertedConflictRange(e *env) {
	e.commit(func(tr kv.Transaction) error {
		e.wantCode("AddReadConflictRange(b, a)",
			tr.AddReadConflictRange(e.span("b", "a")), kv.CodeInvertedRange)
		e.wantCode("AddWriteConflictRange(b, a)",
			tr.AddWriteConflictRange(e.span("b", "a")), kv.CodeInvertedRange)
		return nil
	})
}

// testBlindWrites checks that transactions that only write never conflict,
// and that the later commit's value wins.
func testBlindWrites(e *env) {
	h := e.hold(func(tr kv.Transaction) error {
		_, err := tr.GetReadVersion().Get()
		return err
	}, setter(e.key("k"), "held"))
	e.set("k", "other")
	if err := h.commit(); err != nil {
		e.t.Fatalf("blind write after another commit to the same key: %v", err)
	}
	if v := e.get(e.key("k")); string(v) != "held" {
		e.t.Errorf("k after two blind writes: got %q, want the later commit's \"held\"", v)
	}
}

// testAtomicNoConflict checks that atomic operations record no read
// conflict and apply to the value current at commit.
func testAtomicNoConflict(e *env) {
	e.commit(func(tr kv.Transaction) error {
		tr.Set(e.key("n"), []byte{1})
		return nil
	})
	h := e.hold(func(tr kv.Transaction) error {
		_, err := tr.GetReadVersion().Get()
		return err
	}, func(tr kv.Transaction) error {
		tr.Add(e.key("n"), []byte{1})
		tr.Max(e.key("m"), []byte{9})
		return nil
	})
	e.commit(func(tr kv.Transaction) error {
		tr.Add(e.key("n"), []byte{10})
		tr.Set(e.key("m"), []byte{3})
		return nil
	})
	if err := h.commit(); err != nil {
		e.t.Fatalf("atomic ops after another commit to the same keys: %v", err)
	}
	if v := e.get(e.key("n")); string(v) != "\x0c" {
		e.t.Errorf("n after 1 + 10 + 1: got %s, want 0c", show(v))
	}
	if v := e.get(e.key("m")); string(v) != "\x09" {
		e.t.Errorf("m after set 3 then max 9: got %s, want 09", show(v))
	}
}

// testOwnWritesConflict checks that reading keys the transaction set or
// cleared records no conflict, while reading a key after an atomic
// operation does, since its value depends on the database.
func testOwnWritesConflict(e *env) {
	e.set("k", "1", "j", "1", "n", "\x01")

	err := e.race(func(tr kv.Transaction) error {
		tr.Set(e.key("k"), []byte("mine"))
		tr.Clear(e.key("j"))
		if _, err := tr.Get(e.key("k")).Get(); err != nil {
			return err
		}
		_, err := tr.Get(e.key("j")).Get()
		return err
	}, func(tr kv.Transaction) error {
		tr.Set(e.key("k"), []byte("theirs"))
		tr.Set(e.key("j"), []byte("theirs"))
		return nil
	})
	e.wantConflict("read own set and clear; other commit writes both keys", err, false)
	if v := e.get(e.key("k")); string(v) != "mine" {
		e.t.Errorf("k: got %q, want \"mine\"", v)
	}
	if v := e.get(e.key("j")); v != nil {
		e.t.Errorf("j: got %s, want absent", show(v))
	}

	err = e.race(func(tr kv.Transaction) error {
		tr.Add(e.key("n"), []byte{1})
		_, err := tr.Get(e.key("n")).Get()
		return err
	}, setter(e.key("n"), "\x05"))
	e.wantConflict("read own atomic add; other commit writes the key", err, true)

	e.raceOwnRanges()
}

// raceOwnRanges checks that range reads record no conflict over the keys
// and ranges the transaction itself set or cleared, and do over the rest.
func (e *env) raceOwnRanges() {
	cases := []struct {
		write string
		want  bool
	}{
		{"x/b", false},
		{"x/d", false},
		{"x/da", false},
		{"x/a", true},
		{"x/c", true},
	}
	for i, c := range cases {
		sub := fmt.Sprintf("o%d", i)
		e.set(sub+"x/a", "1", sub+"x/c", "3")
		err := e.race(func(tr kv.Transaction) error {
			tr.Set(e.key(sub+"x/b"), []byte("mine"))
			tr.ClearRange(e.span(sub+"x/d", sub+"x/e"))
			return ranger(e.span(sub+"x/", sub+"x0"), kv.RangeOptions{})(tr)
		}, setter(e.key(sub+c.write), "theirs"))
		e.wantConflict("range read over own set x/b and own clear [x/d, x/e); other commit writes "+
			c.write, err, c.want)
	}
}

// testReadOnlyCommits checks that a transaction without writes commits even
// when what it read has changed.
func testReadOnlyCommits(e *env) {
	e.set("k", "1")
	h := e.hold(getter(e.key("k")), func(tr kv.Transaction) error {
		_, err := tr.GetRange(e.span("a", "z"), kv.RangeOptions{}).GetSliceWithError()
		return err
	})
	e.set("k", "2", "l", "2")
	if err := h.commit(); err != nil {
		e.t.Errorf("read-only transaction after a conflicting commit: got %v, want nil", err)
	}
}

// testWriteSkew checks that of two transactions that each read both keys
// and write one, the one that commits second fails.
func testWriteSkew(e *env) {
	e.set("x", "1", "y", "1")
	both := func(tr kv.Transaction) error {
		fx, fy := tr.Get(e.key("x")), tr.Get(e.key("y"))
		if _, err := fx.Get(); err != nil {
			return err
		}
		_, err := fy.Get()
		return err
	}
	a := e.hold(both, setter(e.key("x"), "0"))
	b := e.hold(both, setter(e.key("y"), "0"))

	e.wantConflict("first of two skewed transactions", a.commit(), false)
	e.wantConflict("second of two skewed transactions", b.commit(), true)
	if x, y := e.get(e.key("x")), e.get(e.key("y")); string(x) != "0" || string(y) != "1" {
		e.t.Errorf("after write skew: got x=%q y=%q, want x=\"0\" y=\"1\"", x, y)
	}
}

// testClearsConflict checks that Clear and ClearRange conflict with
// readers of what they cover even where no key existed.
func testClearsConflict(e *env) {
	err := e.race(getter(e.key("c/absent")), func(tr kv.Transaction) error {
		tr.ClearRange(e.span("c/", "c0"))
		return nil
	})
	e.wantConflict("read an absent key; other commit clears an empty range over it", err, true)

	err = e.race(getter(e.key("absent")), func(tr kv.Transaction) error {
		tr.Clear(e.key("absent"))
		return nil
	})
	e.wantConflict("read an absent key; other commit clears it", err, true)

	err = e.race(getter(e.key("c0")), func(tr kv.Transaction) error {
		tr.ClearRange(e.span("c/", "c0"))
		return nil
	})
	e.wantConflict("read the end key of a cleared range", err, false)
}
