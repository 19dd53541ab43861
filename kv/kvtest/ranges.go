package kvtest

import (
	"slices"

	"github.com/fdbelect/fdbelect/kv"
)

// rangeChecks cover checklist item 7: range reads, iteration and
// ClearRange.
func rangeChecks() []check {
	return []check{
		{"Ranges/Read", testRangeRead},
		{"Ranges/Iterator", testRangeIterator},
		{"Ranges/ClearRange", testClearRange},
		{"Ranges/Inverted", testInvertedRange},
	}
}

// rangeKeys are the keys the range checks commit, in order.
var rangeKeys = []string{"r/a", "r/b", "r/c", "r/d", "r/e"}

// setRangeKeys commits rangeKeys, each with its own name as value.
func (e *env) setRangeKeys() {
	e.t.Helper()
	var pairs []string
	for _, k := range rangeKeys {
		pairs = append(pairs, k, k)
	}
	e.set(pairs...)
}

// keysOf renders kvs as names, checking that each value is its key's name.
func (e *env) keysOf(kvs []kv.KeyValue) []string {
	out := make([]string, 0, len(kvs))
	for _, p := range kvs {
		name := e.name(p.Key)
		if string(p.Value) != name {
			e.t.Errorf("value of %q: got %q, want %q", name, p.Value, name)
		}
		out = append(out, name)
	}
	return out
}

// testRangeRead checks bounds, limits and direction of GetRange.
func testRangeRead(e *env) {
	e.setRangeKeys()
	all := rangeKeys
	cases := []struct {
		begin, end string
		opts       kv.RangeOptions
		want       []string
	}{
		{"r/", "r0", kv.RangeOptions{}, all},
		{"r/", "r0", kv.RangeOptions{Limit: 2}, all[:2]},
		{"r/", "r0", kv.RangeOptions{Limit: 5}, all},
		{"r/", "r0", kv.RangeOptions{Limit: 50}, all},
		{"r/", "r0", kv.RangeOptions{Limit: -1}, all},
		{"r/", "r0", kv.RangeOptions{Reverse: true}, reversed(all)},
		{"r/", "r0", kv.RangeOptions{Reverse: true, Limit: 2}, reversed(all)[:2]},
		{"r/b", "r/d", kv.RangeOptions{}, []string{"r/b", "r/c"}},
		{"r/b", "r/d", kv.RangeOptions{Reverse: true}, []string{"r/c", "r/b"}},
		{"r/a\x00", "r/c\x00", kv.RangeOptions{}, []string{"r/b", "r/c"}},
		{"r/x", "r/z", kv.RangeOptions{}, nil},
		{"r/c", "r/c", kv.RangeOptions{}, nil},
	}
	err := e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
		for _, c := range cases {
			kvs, err := tr.GetRange(e.span(c.begin, c.end), c.opts).GetSliceWithError()
			if err != nil {
				return err
			}
			if got := e.keysOf(kvs); !slices.Equal(got, c.want) {
				e.t.Errorf("GetRange [%q, %q) %+v: got %q, want %q", c.begin, c.end, c.opts, got,
					c.want)
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatalf("ReadTransact: %v", err)
	}
}

// testRangeIterator checks that the iterator yields the same pairs as the
// slice, more pairs than any batch would hold included.
func testRangeIterator(e *env) {
	e.setRangeKeys()
	const many = 1200
	e.commit(func(tr kv.Transaction) error {
		for i := range many {
			tr.Set(e.key("m/"+string(be64(int64(i)))), []byte{byte(i)})
		}
		return nil
	})

	err := e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
		directions := []kv.RangeOptions{{}, {Reverse: true}, {Limit: 3}, {Limit: 3, Reverse: true}}
		for _, opts := range directions {
			slice, err := tr.GetRange(e.span("r/", "r0"), opts).GetSliceWithError()
			if err != nil {
				return err
			}
			var got []kv.KeyValue
			it := tr.GetRange(e.span("r/", "r0"), opts).Iterator()
			for it.Advance() {
				got = append(got, it.MustGet())
			}
			if a, b := e.keysOf(got), e.keysOf(slice); !slices.Equal(a, b) {
				e.t.Errorf("Iterator %+v: got %q, slice has %q", opts, a, b)
			}
		}

		n := 0
		it := tr.GetRange(e.span("m/", "m0"), kv.RangeOptions{}).Iterator()
		for it.Advance() {
			p, err := it.Get()
			if err != nil {
				return err
			}
			if want := e.key("m/" + string(be64(int64(n)))); string(p.Key) != string(want) {
				e.t.Fatalf("Iterator pair %d: got key %x, want %x", n, p.Key, want)
			}
			n++
		}
		if n != many {
			e.t.Errorf("Iterator over %d keys yielded %d", many, n)
		}
		return nil
	})
	if err != nil {
		e.t.Fatalf("ReadTransact: %v", err)
	}
}

// testClearRange checks that ClearRange removes exactly [begin, end), both
// as seen by the transaction itself and once committed.
func testClearRange(e *env) {
	e.setRangeKeys()
	want := []string{"r/a", "r/d", "r/e"}
	e.commit(func(tr kv.Transaction) error {
		tr.ClearRange(e.span("r/b", "r/d"))
		kvs, err := tr.GetRange(e.span("r/", "r0"), kv.RangeOptions{}).GetSliceWithError()
		if err != nil {
			return err
		}
		if got := e.keysOf(kvs); !slices.Equal(got, want) {
			e.t.Errorf("range after ClearRange in the same transaction: got %q, want %q", got, want)
		}
		return nil
	})
	if got := e.names(e.span("r/", "r0")); !slices.Equal(got, want) {
		e.t.Errorf("range after ClearRange [r/b, r/d): got %q, want %q", got, want)
	}

	e.commit(func(tr kv.Transaction) error {
		tr.ClearRange(e.span("r/", "r0"))
		return nil
	})
	if got := e.names(e.span("r/", "r0")); len(got) != 0 {
		e.t.Errorf("range after clearing all of it: got %q, want none", got)
	}
}

// testInvertedRange checks ranges whose begin is after their end, as
// FoundationDB's client treats them: a read returns no pairs and no error
// (and records no conflict), while a ClearRange fails the commit with
// inverted_range (2005) and changes nothing.
func testInvertedRange(e *env) {
	e.setRangeKeys()
	inverted := e.span("r/d", "r/b")

	err := e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
		for _, opts := range []kv.RangeOptions{{}, {Reverse: true}, {Limit: 1}} {
			kvs, err := tr.GetRange(inverted, opts).GetSliceWithError()
			if err != nil || len(kvs) != 0 {
				e.t.Errorf("GetRange [r/d, r/b) %+v: got %d pairs, %v; want none, nil",
					opts, len(kvs), err)
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatalf("ReadTransact: %v", err)
	}

	calls := 0
	err = e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		calls++
		tr.ClearRange(inverted)
		return nil
	})
	if !hasCode(err, kv.CodeInvertedRange) || calls != 1 {
		e.t.Errorf("ClearRange [r/d, r/b): got %v after %d calls, "+
			"want inverted_range (2005) after 1",
			err, calls)
	}
	if got := e.names(e.span("r/", "r0")); !slices.Equal(got, rangeKeys) {
		e.t.Errorf("keys after an inverted ClearRange: got %q, want %q", got, rangeKeys)
	}
}
