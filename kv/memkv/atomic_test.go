package memkv_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

func TestAtomicOps(t *testing.T) {
	type opFn func(tr kv.Transaction, key, param []byte)
	var (
		add   opFn = kv.Transaction.Add
		and   opFn = kv.Transaction.BitAnd
		or    opFn = kv.Transaction.BitOr
		xor   opFn = kv.Transaction.BitXor
		maxOp opFn = kv.Transaction.Max
		minOp opFn = kv.Transaction.Min
		bmax  opFn = kv.Transaction.ByteMax
		bmin  opFn = kv.Transaction.ByteMin
		app   opFn = kv.Transaction.AppendIfFits
		cac   opFn = kv.Transaction.CompareAndClear
	)
	big := bytes.Repeat([]byte{'x'}, 99_999)
	tests := []struct {
		name  string
		op    opFn
		old   []byte // nil: absent
		param []byte
		want  []byte // nil: absent
	}{
		{"add absent", add, nil, []byte{1, 0}, []byte{1, 0}},
		{"add carry", add, []byte{0xff, 0}, []byte{1, 0}, []byte{0, 1}},
		{"add truncates stored", add, []byte{0xff, 0xff}, []byte{1}, []byte{0}},
		{"add extends stored", add, []byte{1}, []byte{1, 0, 0}, []byte{2, 0, 0}},
		{"add overflow wraps", add, []byte{0xff}, []byte{1}, []byte{0}},
		{"add empty param", add, []byte{5}, []byte{}, []byte{}},
		{"and absent stores param", and, nil, []byte{0x0f}, []byte{0x0f}},
		{"and truncates", and, []byte{0xff, 0xff}, []byte{0x0f}, []byte{0x0f}},
		{"and extends with zeros", and, []byte{0x0f}, []byte{0x0f, 0x0f}, []byte{0x0f, 0}},
		{"or absent", or, nil, []byte{0x0f}, []byte{0x0f}},
		{"or extends", or, []byte{0xf0}, []byte{0x0f, 1}, []byte{0xff, 1}},
		{"xor", xor, []byte{0xff}, []byte{0xff}, []byte{0}},
		{"xor absent", xor, nil, []byte{3}, []byte{3}},
		{"max absent", maxOp, nil, []byte{1}, []byte{1}},
		{"max param larger", maxOp, []byte{2, 0}, []byte{1, 1}, []byte{1, 1}},
		{"max stored larger, extended", maxOp, []byte{5}, []byte{3, 0}, []byte{5, 0}},
		{"max stored truncated", maxOp, []byte{1, 9}, []byte{2}, []byte{2}},
		{"min absent stores param", minOp, nil, []byte{5}, []byte{5}},
		{"min stored smaller", minOp, []byte{2, 0}, []byte{1, 1}, []byte{2, 0}},
		{"min stored truncated", minOp, []byte{1, 2, 3}, []byte{5}, []byte{1}},
		{"byte max", bmax, []byte("abc"), []byte("abd"), []byte("abd")},
		{"byte max keeps stored", bmax, []byte("b"), []byte("abz"), []byte("b")},
		{"byte max absent", bmax, nil, []byte("a"), []byte("a")},
		{"byte min", bmin, []byte("b"), []byte("ab"), []byte("ab")},
		{"byte min absent", bmin, nil, []byte("q"), []byte("q")},
		{"append", app, []byte("ab"), []byte("cd"), []byte("abcd")},
		{"append absent", app, nil, []byte("cd"), []byte("cd")},
		{"append does not fit", app, big, []byte("cd"), big},
		{"compare and clear equal", cac, []byte("v"), []byte("v"), nil},
		{"compare and clear differs", cac, []byte("v"), []byte("w"), []byte("v")},
		{"compare and clear absent", cac, nil, []byte("v"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := memkv.New(memkv.Options{})
			key := []byte("k")
			if tt.old != nil {
				set(t, db, "k", string(tt.old))
			}
			var ryw []byte
			err := db.Transact(context.Background(), func(tr kv.Transaction) error {
				tt.op(tr, key, tt.param)
				var err error
				ryw, err = tr.Get(key).Get()
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			got := get(t, db, "k")
			if (got == nil) != (tt.want == nil) || !bytes.Equal(got, tt.want) {
				t.Errorf("committed = %x (absent %v), want %x (absent %v)",
					got, got == nil, tt.want, tt.want == nil)
			}
			if (ryw == nil) != (tt.want == nil) || !bytes.Equal(ryw, tt.want) {
				t.Errorf("read in transaction = %x, want %x", ryw, tt.want)
			}
		})
	}
}

func TestAtomicOpsChain(t *testing.T) {
	db := memkv.New(memkv.Options{})
	set(t, db, "k", "\x01")
	err := db.Transact(context.Background(), func(tr kv.Transaction) error {
		tr.Add([]byte("k"), []byte{1})
		tr.Add([]byte("k"), []byte{1})
		tr.BitOr([]byte("k"), []byte{0x10})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := get(t, db, "k"), []byte{0x13}; !bytes.Equal(got, want) {
		t.Errorf("after add, add, or = %x, want %x", got, want)
	}
}

func TestAtomicOpsNoReadConflict(t *testing.T) {
	db := memkv.New(memkv.Options{})
	set(t, db, "n", "\x01")
	t1 := db.CreateTransaction()
	t1.Add([]byte("n"), []byte{1})

	set(t, db, "n", "\x05")
	if err := t1.Commit(); err != nil {
		t.Fatalf("commit with only an atomic op = %v, want nil", err)
	}
	if got := get(t, db, "n"); !bytes.Equal(got, []byte{6}) {
		t.Errorf("n = %x, want 06 (applied to the newest value)", got)
	}
}

func ExampleDB_Transact() {
	db := memkv.New(memkv.Options{})
	ctx := context.Background()
	for range 3 {
		_ = db.Transact(ctx, func(tr kv.Transaction) error {
			tr.Add([]byte("counter"), []byte{1, 0, 0, 0})
			return nil
		})
	}
	v, _ := kv.ReadTransactValue(ctx, db, func(tr kv.ReadTransaction) ([]byte, error) {
		return tr.Get([]byte("counter")).Get()
	})
	fmt.Println(v)
	// Output: [3 0 0 0]
}
