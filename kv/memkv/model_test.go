package memkv_test

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

// model is the obvious map-based meaning of a transaction's operations,
// against which the engine's read-your-writes merging is checked.
type model map[string][]byte

func (m model) clone() model {
	out := model{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (m model) rangeRead(b, e string, limit int, reverse bool) []string {
	var keys []string
	for k := range m {
		if k >= b && k < e {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if reverse {
		for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
			keys[i], keys[j] = keys[j], keys[i]
		}
	}
	if limit > 0 && len(keys) > limit {
		keys = keys[:limit]
	}
	var out []string
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%s=%x", k, m[k]))
	}
	return out
}

// modelKey turns a byte into one of a few short, overlapping keys.
func modelKey(b byte) string {
	return string([]byte{'a' + b%4})[:1] + string([]byte{'a' + (b/4)%3})[:(b/12)%2]
}

func pairs(kvs []kv.KeyValue) []string {
	var out []string
	for _, p := range kvs {
		out = append(out, fmt.Sprintf("%s=%x", p.Key, p.Value))
	}
	return out
}

// FuzzTransactionModel runs a script of operations in one transaction over
// a seeded database and compares every read, and the committed result,
// with the model.
func FuzzTransactionModel(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add([]byte{3, 7, 1, 4, 4, 2, 5, 9, 0, 6, 6, 6, 8, 1, 2})
	f.Add([]byte{2, 0, 9, 5, 1, 13, 4, 21, 7, 3, 8, 2, 5, 200, 6, 17})
	f.Fuzz(runModel)
}

func runModel(t *testing.T, script []byte) {
	{
		db := memkv.New(memkv.Options{})
		base := model{}
		err := db.Transact(context.Background(), func(tr kv.Transaction) error {
			for i, k := range []string{"a", "ab", "b", "c", "cb", "d"} {
				tr.Set([]byte(k), []byte{byte(i)})
				base[k] = []byte{byte(i)}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		m := base.clone()
		tr := db.CreateTransaction()
		for len(script) >= 2 {
			op, arg := script[0]%8, script[1]
			script = script[2:]
			k := modelKey(arg)
			switch op {
			case 0:
				tr.Set([]byte(k), []byte{arg})
				m[k] = []byte{arg}
			case 1:
				tr.Clear([]byte(k))
				delete(m, k)
			case 2:
				e := modelKey(arg + 5)
				if k > e {
					k, e = e, k
				}
				tr.ClearRange(kv.Range{Begin: []byte(k), End: []byte(e)})
				for x := range m {
					if x >= k && x < e {
						delete(m, x)
					}
				}
			case 3:
				tr.Add([]byte(k), []byte{1})
				old := m[k]
				var b byte
				if len(old) > 0 {
					b = old[0]
				}
				m[k] = []byte{b + 1}
			case 4:
				tr.ByteMax([]byte(k), []byte{arg % 7})
				if old, ok := m[k]; !ok || bytes.Compare([]byte{arg % 7}, old) > 0 {
					m[k] = []byte{arg % 7}
				}
			case 5, 6:
				e := modelKey(arg + 7)
				if k > e {
					k, e = e, k
				}
				limit, reverse := int(arg%4), op == 6
				var rt kv.ReadTransaction = tr
				if arg%2 == 0 {
					rt = tr.Snapshot()
				}
				kvs, err := rt.GetRange(kv.Range{Begin: []byte(k), End: []byte(e)},
					kv.RangeOptions{Limit: limit, Reverse: reverse}).GetSliceWithError()
				if err != nil {
					t.Fatal(err)
				}
				got, want := fmt.Sprint(pairs(kvs)), fmt.Sprint(m.rangeRead(k, e, limit, reverse))
				if got != want {
					t.Fatalf("range [%q, %q) limit %d reverse %v = %s, want %s",
						k, e, limit, reverse, got, want)
				}
			case 7:
				v, err := tr.Get([]byte(k)).Get()
				if err != nil {
					t.Fatal(err)
				}
				want, ok := m[k]
				if (v != nil) != ok || !bytes.Equal(v, want) {
					t.Fatalf("get %q = %x (present %v), want %x (present %v)", k, v, v != nil,
						want, ok)
				}
			}
		}
		if err := tr.Commit(); err != nil {
			t.Fatal(err)
		}

		all, err := kv.ReadTransactValue(context.Background(), db,
			func(rt kv.ReadTransaction) ([]kv.KeyValue, error) {
				return rt.GetRange(kv.Range{Begin: []byte(""), End: []byte{0xff}},
					kv.RangeOptions{}).
					GetSliceWithError()
			})
		if err != nil {
			t.Fatal(err)
		}
		got, want := fmt.Sprint(pairs(all)), fmt.Sprint(m.rangeRead("", "\xff", 0, false))
		if got != want {
			t.Fatalf("committed %s, want %s", got, want)
		}
	}
}
