package tuple_test

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"slices"
	"testing"

	"github.com/fdbelect/fdbelect/tuple"
)

// addSeeds adds every vector, accepted long form and malformed input.
func addSeeds(f *testing.F, add func(b []byte)) {
	for _, v := range vectors() {
		add(unhex(f, v.hex))
	}
	for _, c := range loadMalformed(f) {
		add(unhex(f, c.hex))
	}
	add(unhex(f, "1d 08 ff ff ff ff ff ff ff ff 0b f7 00 00 00 00 00 00 00 00 16 00 05"))
	add(unhex(f, "05 1d 01 07 00 ff"))
}

// repack packs a decoded tuple again. A tuple holding one incomplete
// versionstamp goes through PackWithVersionstamp, minus the offset; one
// holding several cannot be packed through the public API, and ok is false.
func repack(t *testing.T, tu tuple.Tuple) (b []byte, ok bool) {
	has, err := tu.HasIncompleteVersionstamp()
	if err != nil {
		return nil, false
	}
	if has {
		b, err = tu.PackWithVersionstamp(nil)
		if err == nil {
			b = b[:len(b)-4]
		}
	} else {
		b, err = tu.PackErr()
	}
	if err != nil {
		t.Fatalf("decoded tuple %#v does not pack: %v", tu, err)
	}
	return b, true
}

// checkDecoded fails unless every element has a type Unpack documents,
// with integers in the narrowest of int64, uint64 and *big.Int.
func checkDecoded(t *testing.T, tu tuple.Tuple) {
	for _, el := range tu {
		switch v := el.(type) {
		case nil, []byte, string, float32, float64, bool, tuple.UUID, tuple.Versionstamp,
			int64:
		case uint64:
			if v <= math.MaxInt64 {
				t.Fatalf("uint64 %d fits int64", v)
			}
		case *big.Int:
			if v.IsInt64() || v.IsUint64() {
				t.Fatalf("*big.Int %v fits 64 bits", v)
			}
		case tuple.Tuple:
			checkDecoded(t, v)
		default:
			t.Fatalf("Unpack returned a %T", el)
		}
	}
}

// FuzzUnpack checks that Unpack never panics, that its errors point inside
// the input, and that what it accepts packs back: to the same bytes when
// the input was canonical, and to a fixed point in any case. Inputs are
// canonical unless they write an integer in more bytes than needed, and
// such inputs are always longer than their canonical form, so "canonical"
// is tested as "no longer than the repacked form".
func FuzzUnpack(f *testing.F) {
	addSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, b []byte) {
		tu, err := tuple.Unpack(b)
		if err != nil {
			var de *tuple.DecodeError
			if !errors.As(err, &de) || de.Offset < 0 || de.Offset >= len(b) ||
				de.Index < 0 {
				t.Fatalf("Unpack(% x): bad error %#v", b, err)
			}
			return
		}
		checkDecoded(t, tu)

		p, ok := repack(t, tu)
		if !ok {
			return
		}
		if len(p) > len(b) {
			t.Fatalf("repacked form is longer: % x from % x", p, b)
		}
		if len(p) == len(b) && !bytes.Equal(p, b) {
			t.Fatalf("canonical input % x repacks to % x", b, p)
		}

		again, err := tuple.Unpack(p)
		if err != nil {
			t.Fatalf("Unpack(% x) of repacked form: %v", p, err)
		}
		if !sameTuple(again, tu) {
			t.Fatalf("values changed through repacking: %#v, then %#v", tu, again)
		}
		if p2, _ := repack(t, again); !bytes.Equal(p2, p) {
			t.Fatalf("repacking is not stable: % x, then % x", p, p2)
		}
	})
}

// FuzzOrder checks that packing preserves the tuple order, and round-trips
// values, for pairs of generated tuples sharing a generated prefix.
func FuzzOrder(f *testing.F) {
	f.Add([]byte{}, []byte{}, []byte{})
	f.Add([]byte{1, 2}, []byte{1, 4, 0, 1}, []byte{1, 4, 0, 0})
	f.Add([]byte{}, []byte{2, 1, 2, 0, 0}, []byte{2, 1, 2, 0})
	f.Add([]byte{1, 3, 1, 0}, []byte{1, 5, 11}, []byte{1, 7, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{}, []byte{1, 9, 0x7f, 0xc0, 0, 0}, []byte{1, 10, 0, 3})
	f.Add([]byte{}, []byte{1, 6, 0x80}, []byte{1, 5, 14})
	f.Add([]byte{}, []byte{4, 1, 1, 0, 1, 0, 2}, []byte{4, 1, 1, 0, 1, 0, 2, 0})
	f.Fuzz(func(t *testing.T, common, a, b []byte) {
		base := genTuple(&source{b: common}, 1)
		ta := append(slices.Clone(base), genTuple(&source{b: a}, 2)...)
		tb := append(slices.Clone(base), genTuple(&source{b: b}, 2)...)

		pa, pb := ta.Pack(), tb.Pack()
		want := sign(compareTuples(ta, tb))
		if got := bytes.Compare(pa, pb); got != want {
			t.Fatalf("Compare(pack %#v, pack %#v) = %d, want %d\n% x\n% x",
				ta, tb, got, want, pa, pb)
		}

		back, err := tuple.Unpack(pa)
		if err != nil {
			t.Fatalf("Unpack(Pack(%#v)): %v", ta, err)
		}
		if compareTuples(back, ta) != 0 {
			t.Fatalf("Unpack(Pack(%#v)) = %#v", ta, back)
		}
	})
}

// destinations lists the UnpackExact destinations FuzzUnpackExact picks
// from.
var destinations = []func() any{
	func() any { return new(int) },
	func() any { return new(int8) },
	func() any { return new(int32) },
	func() any { return new(int64) },
	func() any { return new(uint8) },
	func() any { return new(uint32) },
	func() any { return new(uint64) },
	func() any { return new(big.Int) },
	func() any { return new(string) },
	func() any { return new([]byte) },
	func() any { return new(bool) },
	func() any { return new(float32) },
	func() any { return new(float64) },
	func() any { return new(tuple.UUID) },
	func() any { return new(tuple.Versionstamp) },
	func() any { return new(tuple.Tuple) },
	func() any { return new(any) },
}

// deref returns the value a destination holds, integers as *big.Int.
func deref(p any) any {
	switch p := p.(type) {
	case *int:
		return big.NewInt(int64(*p))
	case *int8:
		return big.NewInt(int64(*p))
	case *int32:
		return big.NewInt(int64(*p))
	case *int64:
		return big.NewInt(*p)
	case *uint8:
		return new(big.Int).SetUint64(uint64(*p))
	case *uint32:
		return new(big.Int).SetUint64(uint64(*p))
	case *uint64:
		return new(big.Int).SetUint64(*p)
	case *big.Int:
		return p
	case *string:
		return *p
	case *[]byte:
		return *p
	case *bool:
		return *p
	case *float32:
		return *p
	case *float64:
		return *p
	case *tuple.UUID:
		return *p
	case *tuple.Versionstamp:
		return *p
	case *tuple.Tuple:
		return *p
	case *any:
		return *p
	}
	panic("unknown destination")
}

// FuzzUnpackExact checks that UnpackExact never panics and agrees with
// Unpack: whatever it accepts, Unpack decodes to the same values, and what
// Unpack decodes, UnpackExact accepts into *any destinations.
func FuzzUnpackExact(f *testing.F) {
	addSeeds(f, func(b []byte) { f.Add(b, []byte{3, 8, 16}) })
	f.Add(unhex(f, "19 02 54 0b e4 00 18 b2 d0 5e 00 19 03 7e 11 d6 00 27 27"),
		[]byte{6, 6, 6, 10, 10})
	f.Add(tuple.Tuple{int32(-5), uint64(9), testStamp}.Pack(), []byte{2, 6, 14})
	f.Add(tuple.Tuple{uint64(7), "id", 3, uint64(8), testStamp.Bytes()}.Pack(),
		[]byte{6, 8, 2, 6, 9})
	f.Fuzz(func(t *testing.T, b, shape []byte) {
		if len(shape) > 8 {
			shape = shape[:8]
		}
		dst := make([]any, len(shape))
		for i, c := range shape {
			dst[i] = destinations[int(c)%len(destinations)]()
		}

		err := tuple.UnpackExact(b, dst...)
		decoded, uerr := tuple.Unpack(b)
		if err != nil {
			var de *tuple.DecodeError
			if !errors.As(err, &de) || de.Index < 0 || de.Index > len(dst) {
				t.Fatalf("UnpackExact(% x): bad error %#v", b, err)
			}
			if uerr == nil && len(decoded) == len(dst) && allAny(shape) {
				t.Fatalf("UnpackExact(% x) into *any: %v, but Unpack accepts it", b, err)
			}
			return
		}

		if uerr != nil || len(decoded) != len(dst) {
			t.Fatalf("UnpackExact accepted % x; Unpack gave %d elements, %v",
				b, len(decoded), uerr)
		}
		for i, p := range dst {
			got, want := deref(p), decoded[i]
			if g, ok := got.(*big.Int); ok {
				if rank(want) != rank(0) || g.Cmp(toBig(want)) != 0 {
					t.Fatalf("element %d: %T holds %v, Unpack gave %#v", i, p, g, want)
				}
				continue
			}
			if !sameElement(got, want) {
				t.Fatalf("element %d: %T holds %#v, Unpack gave %#v", i, p, got, want)
			}
		}
	})
}

func allAny(shape []byte) bool {
	for _, c := range shape {
		if int(c)%len(destinations) != len(destinations)-1 {
			return false
		}
	}
	return true
}
