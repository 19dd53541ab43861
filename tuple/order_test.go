package tuple_test

import (
	"bytes"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/fdbelect/fdbelect/tuple"
)

// ascending lists tuples in strictly increasing tuple order, written out by
// hand from the ordering rules of design/tuple.md.
func ascending() []tuple.Tuple {
	negNaN := math.Float64frombits(0xfff8000000000000)
	posNaN := math.Float64frombits(0x7ff8000000000000)
	return []tuple.Tuple{
		{},
		{nil},
		{nil, nil},
		{nil, 0},
		{[]byte{}},
		{[]byte{}, nil},
		{[]byte{0}},
		{[]byte{0, 0}},
		{[]byte{0, 1}},
		{[]byte{1}},
		{[]byte{0xff}},
		{[]byte{0xff, 0}},
		{""},
		{"\x00"},
		{"a"},
		{"a", nil},
		{"a", 1},
		{"a\x00"},
		{"a\x00\x00"},
		{"a\x01"},
		{"ab"},
		{"é"},
		{"中"},
		{"\U0010ffff"},
		{tuple.Tuple{}},
		{tuple.Tuple{}, nil},
		{tuple.Tuple{}, tuple.Tuple{}},
		{tuple.Tuple{nil}},
		{tuple.Tuple{nil, nil}},
		{tuple.Tuple{nil, 1}},
		{tuple.Tuple{[]byte{}}},
		{tuple.Tuple{"a"}},
		{tuple.Tuple{tuple.Tuple{}}},
		{tuple.Tuple{tuple.Tuple{nil}}},
		{tuple.Tuple{1}},
		{pow2(2039, true)},
		{pow2(72, true)},
		{pow2(64, true)},
		{bigFromString("-18446744073709551615")},
		{bigFromString("-9223372036854775809")},
		{int64(math.MinInt64)},
		{int64(math.MinInt64 + 1)},
		{int64(-1 << 32)},
		{-65536},
		{-65535},
		{-256},
		{-255},
		{-2},
		{-1},
		{0},
		{0, nil},
		{1},
		{2},
		{255},
		{256},
		{65535},
		{65536},
		{int64(1 << 32)},
		{int64(math.MaxInt64)},
		{uint64(math.MaxInt64 + 1)},
		{uint64(math.MaxUint64)},
		{pow2(64, false)},
		{pow2(72, false)},
		{pow2(2039, false)},
		{float32(math.Inf(-1))},
		{float32(-1)},
		{float32(math.Copysign(0, -1))},
		{float32(0)},
		{float32(1)},
		{float32(math.Inf(1))},
		{float32(math.NaN())},
		{negNaN},
		{math.Inf(-1)},
		{-math.MaxFloat64},
		{-1.5},
		{-math.SmallestNonzeroFloat64},
		{math.Copysign(0, -1)},
		{0.0},
		{math.SmallestNonzeroFloat64},
		{1.5},
		{math.MaxFloat64},
		{math.Inf(1)},
		{posNaN},
		{false},
		{false, true},
		{true},
		{true, false},
		{tuple.UUID{}},
		{tuple.UUID{15: 1}},
		{testUUID},
		{tuple.Versionstamp{}},
		{tuple.Versionstamp{UserVersion: 1}},
		{tuple.Versionstamp{TransactionVersion: [10]byte{9: 1}}},
		{testStamp},
	}
}

func TestOrderAscending(t *testing.T) {
	list := ascending()
	packed := make([][]byte, len(list))
	for i, tu := range list {
		packed[i] = tu.Pack()
	}
	for i := range list {
		for j := range list {
			want := sign(i - j)
			if got := bytes.Compare(packed[i], packed[j]); got != want {
				t.Errorf("Compare(pack %v, pack %v) = %d, want %d", list[i], list[j], got, want)
			}
			if got := compareTuples(list[i], list[j]); got != want {
				t.Errorf("oracle(%v, %v) = %d, want %d", list[i], list[j], got, want)
			}
		}
	}
}

// TestOrderRandom sorts generated tuples by value and checks that their
// packed forms come out in the same order.
func TestOrderRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	list := make([]tuple.Tuple, 3000)
	for i := range list {
		b := make([]byte, r.IntN(40))
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		list[i] = genTuple(&source{b: b}, 2)
	}
	slices.SortStableFunc(list, compareTuples)

	for i := 1; i < len(list); i++ {
		a, b := list[i-1], list[i]
		want := sign(compareTuples(a, b))
		if got := bytes.Compare(a.Pack(), b.Pack()); got != want {
			t.Fatalf("Compare(pack %v, pack %v) = %d, want %d", a, b, got, want)
		}
	}
}

// TestIntegerOrderAcrossWidths packs consecutive integers around every
// width boundary and checks that the bytes increase.
func TestIntegerOrderAcrossWidths(t *testing.T) {
	var prev []byte
	var prevV *big.Int
	for n := uint(0); n <= 80; n += 8 {
		for _, neg := range []bool{true, false} {
			for d := int64(-2); d <= 2; d++ {
				v := new(big.Int).Add(pow2(n, neg), big.NewInt(d))
				p := tuple.Tuple{v}.Pack()
				if prev != nil {
					want := sign(prevV.Cmp(v))
					if got := bytes.Compare(prev, p); got != want {
						t.Errorf("Compare(pack %v, pack %v) = %d, want %d", prevV, v, got, want)
					}
				}
				prev, prevV = p, v
			}
		}
	}
}
