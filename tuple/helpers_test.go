package tuple_test

import (
	"bytes"
	"encoding/hex"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/fdbelect/fdbelect/tuple"
)

// unhex parses hex with optional spaces, failing the test on bad input.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// spaced formats b as space-separated hex pairs, as the tables write it.
func spaced(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = hex.EncodeToString([]byte{c})
	}
	return strings.Join(parts, " ")
}

func bigFromString(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 0)
	if !ok {
		panic("bad big integer literal " + s)
	}
	return v
}

// pow2 returns 2^n, negated when neg is set.
func pow2(n uint, neg bool) *big.Int {
	v := new(big.Int).Lsh(big.NewInt(1), n)
	if neg {
		v.Neg(v)
	}
	return v
}

// sameTuple reports whether a and b hold the same elements with the same Go
// types, comparing floats by their bits and big integers by value.
func sameTuple(a, b tuple.Tuple) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameElement(a[i], b[i]) {
			return false
		}
	}
	return true
}

func sameElement(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case tuple.Tuple:
		y, ok := b.(tuple.Tuple)
		return ok && sameTuple(x, y)
	case float32:
		y, ok := b.(float32)
		return ok && math.Float32bits(x) == math.Float32bits(y)
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case *big.Int:
		y, ok := b.(*big.Int)
		return ok && x.Cmp(y) == 0
	}
	return a == b
}
