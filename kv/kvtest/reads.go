package kvtest

import (
	"bytes"
	"slices"

	"github.com/fdbelect/fdbelect/kv"
)

// readChecks cover checklist item 2: snapshots and read-your-writes.
func readChecks() []check {
	return []check{
		{"Reads/AbsentVersusEmpty", testAbsentVersusEmpty},
		{"Reads/ReadYourWrites", testReadYourWrites},
		{"Reads/RangeMergesWrites", testRangeMergesWrites},
		{"Reads/ConsistentSnapshot", testConsistentSnapshot},
		{"Reads/ReadVersionAtFirstRead", testReadVersionAtFirstRead},
	}
}

// testAbsentVersusEmpty checks that an empty value is present, both when
// committed and when only written by the reading transaction.
func testAbsentVersusEmpty(e *env) {
	e.set("empty", "")
	if v := e.get(e.key("empty")); v == nil || len(v) != 0 {
		e.t.Errorf("committed empty value: got %s, want present and empty", show(v))
	}
	if v := e.get(e.key("absent")); v != nil {
		e.t.Errorf("absent key: got %s, want absent (nil)", show(v))
	}
	if got, want := e.names(e.span("a", "z")), []string{"empty"}; !slices.Equal(got, want) {
		e.t.Errorf("range over an empty value: got keys %q, want %q", got, want)
	}

	e.commit(func(tr kv.Transaction) error {
		tr.Set(e.key("fresh"), nil)
		v, err := tr.Get(e.key("fresh")).Get()
		if err != nil {
			return err
		}
		if v == nil || len(v) != 0 {
			e.t.Errorf("own write of an empty value: got %s, want present and empty", show(v))
		}
		return nil
	})
}

// testReadYourWrites checks that serializable and snapshot reads see the
// transaction's own sets, clears and atomic operations.
func testReadYourWrites(e *env) {
	e.set("kept", "old", "cleared", "old", "added", "\x01\x00", "over", "old")

	e.commit(func(tr kv.Transaction) error {
		tr.Set(e.key("new"), []byte("n"))
		tr.Clear(e.key("cleared"))
		tr.Add(e.key("added"), []byte("\x02\x00"))
		tr.Add(e.key("counter"), []byte("\x05"))
		tr.Set(e.key("over"), []byte("first"))
		tr.Set(e.key("over"), []byte("second"))
		tr.ByteMax(e.key("over"), []byte("third"))

		want := map[string][]byte{
			"kept":    []byte("old"),
			"new":     []byte("n"),
			"cleared": nil,
			"added":   {0x03, 0x00},
			"counter": {0x05},
			"over":    []byte("third"),
		}
		for _, rt := range []struct {
			name string
			tr   kv.ReadTransaction
		}{{"serializable", tr}, {"snapshot", tr.Snapshot()}} {
			for name, w := range want {
				got, err := rt.tr.Get(e.key(name)).Get()
				if err != nil {
					return err
				}
				if !bytes.Equal(got, w) || (got == nil) != (w == nil) {
					e.t.Errorf("%s read of %q: got %s, want %s", rt.name, name, show(got), show(w))
				}
			}
		}
		return nil
	})
}

// testRangeMergesWrites checks that range reads merge the transaction's
// buffered writes with the committed data, in both directions, with
// limits, through the iterator and through a snapshot.
func testRangeMergesWrites(e *env) {
	e.set("a", "1", "c", "3", "e", "5", "f", "6", "g", "7")

	e.commit(func(tr kv.Transaction) error {
		tr.Set(e.key("b"), []byte("2"))
		tr.Clear(e.key("c"))
		tr.Set(e.key("d"), nil)
		tr.ClearRange(e.span("e", "g"))
		tr.Set(e.key("e2"), []byte("x"))
		tr.Add(e.key("h"), []byte{1})

		all := []string{"a=1", "b=2", "d=", "e2=x", "g=7", "h=\x01"}
		cases := []struct {
			opts kv.RangeOptions
			want []string
		}{
			{kv.RangeOptions{}, all},
			{kv.RangeOptions{Limit: 3}, all[:3]},
			{kv.RangeOptions{Reverse: true}, reversed(all)},
			{kv.RangeOptions{Reverse: true, Limit: 2}, reversed(all)[:2]},
		}
		r := e.span("a", "z")
		for _, c := range cases {
			for _, rt := range []struct {
				name string
				tr   kv.ReadTransaction
			}{{"serializable", tr}, {"snapshot", tr.Snapshot()}} {
				kvs, err := rt.tr.GetRange(r, c.opts).GetSliceWithError()
				if err != nil {
					return err
				}
				if got := e.pairs(kvs); !slices.Equal(got, c.want) {
					e.t.Errorf("%s GetRange %+v: got %q, want %q", rt.name, c.opts, got, c.want)
				}
				got, err := e.iterate(rt.tr.GetRange(r, c.opts).Iterator())
				if err != nil {
					return err
				}
				if !slices.Equal(got, c.want) {
					e.t.Errorf("%s Iterator %+v: got %q, want %q", rt.name, c.opts, got, c.want)
				}
			}
		}
		return nil
	})
}

// testConsistentSnapshot checks that a transaction keeps reading at its
// read version while other transactions commit.
func testConsistentSnapshot(e *env) {
	e.set("x", "1")
	var x, y []byte
	var kvs []kv.KeyValue
	h := e.hold(func(tr kv.Transaction) error {
		_, err := tr.Get(e.key("x")).Get()
		return err
	}, func(tr kv.Transaction) error {
		var err error
		if x, err = tr.Get(e.key("x")).Get(); err != nil {
			return err
		}
		if y, err = tr.Get(e.key("y")).Get(); err != nil {
			return err
		}
		kvs, err = tr.GetRange(e.span("a", "z"), kv.RangeOptions{}).GetSliceWithError()
		return err
	})
	e.set("x", "2", "y", "2")

	if err := h.commit(); err != nil {
		e.t.Fatalf("read-only transaction: %v", err)
	}
	if string(x) != "1" || y != nil {
		e.t.Errorf("reads after a later commit: got x=%s y=%s, want x=31 y=<absent>", show(x),
			show(y))
	}
	if got, want := e.pairs(kvs), []string{"x=1"}; !slices.Equal(got, want) {
		e.t.Errorf("range after a later commit: got %q, want %q", got, want)
	}
}

// pairs renders key-value pairs as "name=value", without the prefix.
func (e *env) pairs(kvs []kv.KeyValue) []string {
	out := make([]string, 0, len(kvs))
	for _, p := range kvs {
		out = append(out, e.name(p.Key)+"="+string(p.Value))
	}
	return out
}

// iterate drains it into "name=value" strings.
func (e *env) iterate(it kv.RangeIterator) ([]string, error) {
	var out []string
	for it.Advance() {
		p, err := it.Get()
		if err != nil {
			return out, err
		}
		out = append(out, e.name(p.Key)+"="+string(p.Value))
	}
	return out, nil
}

// reversed returns a reversed copy of s.
func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// testReadVersionAtFirstRead checks that a transaction takes its read
// version when it first reads, not when it starts: a commit that returned
// before that first read is visible to it.
func testReadVersionAtFirstRead(e *env) {
	e.set("x", "1")
	var x []byte
	h := e.hold(nil, func(tr kv.Transaction) error {
		var err error
		x, err = tr.Get(e.key("x")).Get()
		return err
	})
	e.set("x", "2")
	if err := h.commit(); err != nil {
		e.t.Fatalf("reading transaction: %v", err)
	}
	if string(x) != "2" {
		e.t.Errorf("first read after a commit that returned earlier: got %s, want 32", show(x))
	}
}
