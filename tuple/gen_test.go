package tuple_test

import (
	"bytes"
	"cmp"
	"math"
	"math/big"
	"strings"

	"github.com/fdbelect/fdbelect/tuple"
)

// source hands out bytes of a fuzz input, then zeros once it runs dry, so
// that any input describes some tuple.
type source struct {
	b []byte
	i int
}

func (s *source) byte() byte {
	if s.i >= len(s.b) {
		return 0
	}
	c := s.b[s.i]
	s.i++
	return c
}

func (s *source) uint(n int) uint64 {
	var u uint64
	for range n {
		u = u<<8 | uint64(s.byte())
	}
	return u
}

// smallByte draws from a few values so that generated tuples often share
// prefixes and tie, which is where ordering bugs hide.
func (s *source) smallByte() byte {
	c := s.byte()
	switch c % 8 {
	case 0:
		return 0x00
	case 1:
		return 0xff
	case 2:
		return 0x01
	case 3:
		return 'a'
	case 4:
		return 'b'
	}
	return c
}

var boundaryInts = []any{
	0, 1, -1, 255, -255, 256, -256, 65535, -65535, 65536, -65536,
	int64(math.MaxInt64), int64(math.MinInt64), uint64(math.MaxUint64),
	uint64(math.MaxInt64 + 1), int64(math.MinInt64 + 1),
}

var specialFloats = []float64{
	0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
	math.Float64frombits(0xfff8000000000000), 1, -1, math.SmallestNonzeroFloat64,
	math.MaxFloat64, -math.MaxFloat64,
}

var runes = []rune{0, 'a', 'b', 'é', '中', '\U0001f525', '\U0010ffff', 0x7f}

// genTuple builds a tuple of at most 4 elements, nesting at most depth more
// levels. Every tuple it builds packs without error.
func genTuple(s *source, depth int) tuple.Tuple {
	t := tuple.Tuple{}
	for range int(s.byte() % 5) {
		t = append(t, genElement(s, depth))
	}
	return t
}

func genElement(s *source, depth int) any {
	switch s.byte() % 15 {
	case 0:
		return nil
	case 1:
		b := make([]byte, s.byte()%6)
		for i := range b {
			b[i] = s.smallByte()
		}
		return b
	case 2:
		var sb strings.Builder
		for range s.byte() % 6 {
			sb.WriteRune(runes[int(s.byte())%len(runes)])
		}
		return sb.String()
	case 3:
		if depth == 0 {
			return nil
		}
		return genTuple(s, depth-1)
	case 4:
		u := s.uint(int(s.byte() % 9))
		if s.byte()%2 == 0 {
			return int64(u >> 1)
		}
		return -int64(u >> 1)
	case 5:
		return boundaryInts[int(s.byte())%len(boundaryInts)]
	case 6:
		return s.uint(8)
	case 7:
		mag := make([]byte, 8+int(s.byte()%12))
		for i := range mag {
			mag[i] = s.smallByte()
		}
		v := new(big.Int).SetBytes(mag)
		if s.byte()%2 == 0 {
			v.Neg(v)
		}
		return v
	case 8:
		u := s.uint(4)
		switch s.byte() % 6 {
		case 0:
			return int8(u)
		case 1:
			return int16(u)
		case 2:
			return int32(u)
		case 3:
			return uint8(u)
		case 4:
			return uint16(u)
		}
		return uint32(u)
	case 9:
		return math.Float32frombits(uint32(s.uint(4)))
	case 10:
		if s.byte()%2 == 0 {
			return specialFloats[int(s.byte())%len(specialFloats)]
		}
		return math.Float64frombits(s.uint(8))
	case 11:
		return s.byte()%2 == 0
	case 12:
		var u tuple.UUID
		for i := range u {
			u[i] = s.smallByte()
		}
		return u
	case 13:
		var v tuple.Versionstamp
		for i := range v.TransactionVersion {
			v.TransactionVersion[i] = s.smallByte()
		}
		if !v.IsComplete() {
			v.TransactionVersion[9] = 0xfe
		}
		v.UserVersion = uint16(s.uint(2))
		return v
	}
	return int(int8(s.byte()))
}

// compareTuples is the tuple order, computed from the values without
// packing them: element by element, a prefix first.
func compareTuples(a, b tuple.Tuple) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := compareElements(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// rank orders the kinds of element. All integers share one rank; false and
// true have their own, so bools need no further comparison.
func rank(x any) int {
	switch x := x.(type) {
	case nil:
		return 0
	case []byte:
		return 1
	case string:
		return 2
	case tuple.Tuple:
		return 5
	case float32:
		return 0x20
	case float64:
		return 0x21
	case bool:
		if x {
			return 0x27
		}
		return 0x26
	case tuple.UUID:
		return 0x30
	case tuple.Versionstamp:
		return 0x33
	}
	return 0x14
}

func compareElements(a, b any) int {
	if c := cmp.Compare(rank(a), rank(b)); c != 0 {
		return c
	}
	switch x := a.(type) {
	case nil, bool:
		return 0
	case []byte:
		return bytes.Compare(x, b.([]byte))
	case string:
		return strings.Compare(x, b.(string))
	case tuple.Tuple:
		return compareTuples(x, b.(tuple.Tuple))
	case float32:
		return totalOrder(uint64(math.Float32bits(x)), uint64(math.Float32bits(b.(float32))),
			31)
	case float64:
		return totalOrder(math.Float64bits(x), math.Float64bits(b.(float64)), 63)
	case tuple.UUID:
		y := b.(tuple.UUID)
		return bytes.Compare(x[:], y[:])
	case tuple.Versionstamp:
		y := b.(tuple.Versionstamp)
		if c := bytes.Compare(x.TransactionVersion[:], y.TransactionVersion[:]); c != 0 {
			return c
		}
		return cmp.Compare(x.UserVersion, y.UserVersion)
	}
	return toBig(a).Cmp(toBig(b))
}

// totalOrder compares IEEE 754 values given as bits, sign at bit sign, in
// the standard's total order: negatives (NaNs first) before positives, and
// within one sign the magnitude bits grow away from zero.
func totalOrder(x, y uint64, sign uint) int {
	xn, yn := x>>sign&1 == 1, y>>sign&1 == 1
	switch {
	case xn != yn:
		if xn {
			return -1
		}
		return 1
	case xn:
		return cmp.Compare(y, x)
	}
	return cmp.Compare(x, y)
}

func toBig(x any) *big.Int {
	switch v := x.(type) {
	case int:
		return big.NewInt(int64(v))
	case int8:
		return big.NewInt(int64(v))
	case int16:
		return big.NewInt(int64(v))
	case int32:
		return big.NewInt(int64(v))
	case int64:
		return big.NewInt(v)
	case uint8:
		return new(big.Int).SetUint64(uint64(v))
	case uint16:
		return new(big.Int).SetUint64(uint64(v))
	case uint32:
		return new(big.Int).SetUint64(uint64(v))
	case uint64:
		return new(big.Int).SetUint64(v)
	case uint:
		return new(big.Int).SetUint64(uint64(v))
	case *big.Int:
		return v
	}
	panic("not an integer")
}

// sign maps a comparison result to -1, 0 or 1.
func sign(c int) int {
	return cmp.Compare(c, 0)
}
