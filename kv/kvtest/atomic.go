package kvtest

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/fdbelect/fdbelect/kv"
)

// atomicChecks cover checklist item 6: atomic operations.
func atomicChecks() []check {
	return []check{
		{"Atomic/Committed", testAtomicCommitted},
		{"Atomic/ReadYourWrites", testAtomicReadYourWrites},
	}
}

// atomicCase is one atomic operation on one key: the value before (nil
// for absent), the parameter, and the value FoundationDB stores (nil for
// absent).
type atomicCase struct {
	op     string
	before []byte
	param  []byte
	want   []byte
}

// x decodes hex with optional spaces; x("") is an empty, non-nil value.
func x(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic("kvtest: bad hex " + s)
	}
	return b
}

// atomicCases lists the edge cases of every atomic operation, with the
// results FoundationDB's client and storage servers compute at API
// version 510 and later (AND and MIN store the parameter when the key is
// absent).
func atomicCases() []atomicCase {
	full := bytes.Repeat([]byte{'a'}, valueLimit)
	almost := full[:valueLimit-1]
	return []atomicCase{
		{"add", nil, x("01 00"), x("01 00")},
		{"add", x(""), x("05"), x("05")},
		{"add", x("05"), x(""), x("")},
		{"add", x("ff 00"), x("01 00"), x("00 01")},
		{"add", x("ff ff"), x("01 00"), x("00 00")},
		{"add", x("ff"), x("01 00"), x("00 01")},
		{"add", x("01 02 03"), x("01"), x("02")},
		{"add", x("01"), x("01 01 01"), x("02 01 01")},

		{"and", nil, x("0f"), x("0f")},
		{"and", x(""), x("ff"), x("00")},
		{"and", x("ff ff"), x("0f"), x("0f")},
		{"and", x("0f"), x("f3 ff"), x("03 00")},
		{"and", x("ff"), x(""), x("")},

		{"or", nil, x("0f"), x("0f")},
		{"or", x(""), x("0f"), x("0f")},
		{"or", x("f0 ff"), x("0f"), x("ff")},
		{"or", x("01"), x("10 20"), x("11 20")},
		{"or", x("01"), x(""), x("")},

		{"xor", nil, x("0f"), x("0f")},
		{"xor", x("ff 00"), x("0f"), x("f0")},
		{"xor", x("0f"), x("0f 0f"), x("00 0f")},
		{"xor", x("0f"), x(""), x("")},

		{"max", nil, x("05"), x("05")},
		{"max", x(""), x("05"), x("05")},
		{"max", x("03"), x("05"), x("05")},
		{"max", x("07"), x("05"), x("07")},
		{"max", x("00 01"), x("05"), x("05")},
		{"max", x("07 09"), x("05"), x("07")},
		{"max", x("05"), x("00 01"), x("00 01")},
		{"max", x("09"), x("01 00"), x("09 00")},
		{"max", x("01 02"), x("02 01"), x("01 02")},
		{"max", x("05"), x(""), x("")},

		{"min", nil, x("05"), x("05")},
		{"min", x(""), x("05"), x("00")},
		{"min", x("03"), x("05"), x("03")},
		{"min", x("07"), x("05"), x("05")},
		{"min", x("00 01"), x("05"), x("00")},
		{"min", x("05"), x("00 01"), x("05 00")},
		{"min", x("01 02"), x("02 01"), x("02 01")},
		{"min", x("05"), x(""), x("")},

		{"bytemax", nil, []byte("b"), []byte("b")},
		{"bytemax", []byte("a"), []byte("b"), []byte("b")},
		{"bytemax", []byte("c"), []byte("b"), []byte("c")},
		{"bytemax", []byte("ab"), []byte("a"), []byte("ab")},
		{"bytemax", x(""), []byte("a"), []byte("a")},
		{"bytemax", []byte("a"), x(""), []byte("a")},

		{"bytemin", nil, []byte("b"), []byte("b")},
		{"bytemin", []byte("a"), []byte("b"), []byte("a")},
		{"bytemin", []byte("c"), []byte("b"), []byte("b")},
		{"bytemin", []byte("ab"), []byte("a"), []byte("a")},
		{"bytemin", x(""), []byte("a"), x("")},
		{"bytemin", []byte("a"), x(""), x("")},

		{"append", nil, []byte("ab"), []byte("ab")},
		{"append", x(""), []byte("ab"), []byte("ab")},
		{"append", []byte("ab"), []byte("cd"), []byte("abcd")},
		{"append", []byte("ab"), x(""), []byte("ab")},
		{"append", almost, []byte("b"), append(bytes.Clone(almost), 'b')},
		{"append", almost, []byte("bc"), almost},
		{"append", full, []byte("b"), full},

		{"compareclear", []byte("a"), []byte("a"), nil},
		{"compareclear", []byte("a"), []byte("b"), []byte("a")},
		{"compareclear", nil, []byte("a"), nil},
		{"compareclear", x(""), x(""), nil},
		{"compareclear", x(""), []byte("a"), x("")},
		{"compareclear", []byte("a"), x(""), []byte("a")},
	}
}

// apply performs c's operation on key.
func (c atomicCase) apply(tr kv.Transaction, key []byte) {
	ops := map[string]func(key, param []byte){
		"add":          tr.Add,
		"and":          tr.BitAnd,
		"or":           tr.BitOr,
		"xor":          tr.BitXor,
		"max":          tr.Max,
		"min":          tr.Min,
		"bytemax":      tr.ByteMax,
		"bytemin":      tr.ByteMin,
		"append":       tr.AppendIfFits,
		"compareclear": tr.CompareAndClear,
	}
	ops[c.op](key, c.param)
}

// String describes the case for messages.
func (c atomicCase) String() string {
	return fmt.Sprintf("%s(%s, %s)", c.op, short(c.before), short(c.param))
}

// short renders a value for messages, eliding long ones.
func short(v []byte) string {
	if len(v) > 16 {
		return fmt.Sprintf("<%d bytes>", len(v))
	}
	return show(v)
}

// sameValue reports whether got and want are equal, telling absent from
// empty.
func sameValue(got, want []byte) bool {
	return bytes.Equal(got, want) && (got == nil) == (want == nil)
}

// testAtomicCommitted applies each operation to a committed value in a
// transaction of its own and reads the result afterwards.
func testAtomicCommitted(e *env) {
	cases := atomicCases()
	key := func(i int) []byte { return e.key(fmt.Sprintf("c/%03d", i)) }

	e.commit(func(tr kv.Transaction) error {
		for i, c := range cases {
			if c.before != nil {
				tr.Set(key(i), c.before)
			}
		}
		return nil
	})
	e.commit(func(tr kv.Transaction) error {
		for i, c := range cases {
			c.apply(tr, key(i))
		}
		return nil
	})
	e.wantAtomic(cases, key)
}

// testAtomicReadYourWrites applies each operation after setting the value
// in the same transaction, reads it in that transaction, and then reads the
// committed result.
func testAtomicReadYourWrites(e *env) {
	cases := atomicCases()
	key := func(i int) []byte { return e.key(fmt.Sprintf("r/%03d", i)) }

	e.commit(func(tr kv.Transaction) error {
		for i, c := range cases {
			if c.before != nil {
				tr.Set(key(i), c.before)
			} else {
				tr.Clear(key(i))
			}
			c.apply(tr, key(i))
		}
		for i, c := range cases {
			got, err := tr.Get(key(i)).Get()
			if err != nil {
				return err
			}
			if !sameValue(got, c.want) {
				e.t.Errorf("%v read in its transaction: got %s, want %s", c, short(got),
					short(c.want))
			}
		}
		return nil
	})
	e.wantAtomic(cases, key)
}

// wantAtomic reads each case's key and compares it with the case's result.
func (e *env) wantAtomic(cases []atomicCase, key func(int) []byte) {
	e.t.Helper()
	err := e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
		for i, c := range cases {
			got, err := tr.Get(key(i)).Get()
			if err != nil {
				return err
			}
			if !sameValue(got, c.want) {
				e.t.Errorf("%v committed: got %s, want %s", c, short(got), short(c.want))
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatalf("reading results: %v", err)
	}
}
