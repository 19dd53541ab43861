package tuple_test

import (
	"bytes"
	"math"
	"math/big"
	"testing"

	"github.com/fdbelect/fdbelect/tuple"
)

// vector is one published encoding: in is packed to hex, and hex unpacks to
// out (in itself when out is nil; integers come back as int64, uint64 or
// *big.Int).
type vector struct {
	name string
	in   tuple.Tuple
	hex  string
	out  tuple.Tuple
}

var (
	testUUID = tuple.UUID{
		0xff, 0xff, 0xff, 0xff, 0xba, 0x5e, 0xba, 0x11,
		0x00, 0x00, 0x00, 0x00, 0x5c, 0xa1, 0xab, 0x1e,
	}
	testStamp = tuple.Versionstamp{
		TransactionVersion: [10]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
		UserVersion:        657,
	}
)

// vectors gathers the examples of FoundationDB's design/tuple.md, the byte
// tables of the Java bindings' serialization tests, the worked examples of
// fdbelect's DESIGN.md §2 and the size boundaries of every integer width.
func vectors() []vector {
	return []vector{
		// design/tuple.md
		{"spec bytes", tuple.Tuple{[]byte("foo\x00bar")}, "01 66 6f 6f 00 ff 62 61 72 00", nil},
		{"spec string", tuple.Tuple{"F\u00d4O\u0000bar"},
			"02 46 c3 94 4f 00 ff 62 61 72 00", nil},
		{"spec nested", tuple.Tuple{tuple.Tuple{[]byte("foo\x00bar"), nil, tuple.Tuple{}}},
			"05 01 66 6f 6f 00 ff 62 61 72 00 00 ff 05 00 00", nil},
		{"spec int", tuple.Tuple{-5551212}, "11 ab 4b 93", tuple.Tuple{int64(-5551212)}},
		{"spec float", tuple.Tuple{float32(-42)}, "20 3d d7 ff ff", nil},

		// empty and nil
		{"empty tuple", tuple.Tuple{}, "", nil},
		{"nil", tuple.Tuple{nil}, "00", nil},
		{"two nils", tuple.Tuple{nil, nil}, "00 00", nil},
		{"empty bytes", tuple.Tuple{[]byte{}}, "01 00", nil},
		{"nil byte slice", tuple.Tuple{[]byte(nil)}, "01 00", tuple.Tuple{[]byte{}}},
		{"bytes 010203", tuple.Tuple{[]byte{1, 2, 3}}, "01 01 02 03 00", nil},
		{"bytes with zeros", tuple.Tuple{[]byte{0, 0, 0, 4}},
			"01 00 ff 00 ff 00 ff 04 00", nil},
		{"bytes ff00ff", tuple.Tuple{[]byte{0xff, 0x00, 0xff}}, "01 ff 00 ff ff 00", nil},
		{"empty string", tuple.Tuple{""}, "02 00", nil},
		{"string hello", tuple.Tuple{"hello"}, "02 68 65 6c 6c 6f 00", nil},
		{"string with zero", tuple.Tuple{"hell\x00"}, "02 68 65 6c 6c 00 ff 00", nil},
		{"string only zeros", tuple.Tuple{"\x00\x00"}, "02 00 ff 00 ff 00", nil},

		// unicode strings
		{"chinese", tuple.Tuple{"\u4e2d\u6587"}, "02 e4 b8 ad e6 96 87 00", nil},
		{"greek", tuple.Tuple{"\u03bc\u03ac\u03b8\u03b7\u03bc\u03b1"},
			"02 ce bc ce ac ce b8 ce b7 ce bc ce b1 00", nil},
		{"fire emoji", tuple.Tuple{"\U0001f525"}, "02 f0 9f 94 a5 00", nil},
		{"max code point", tuple.Tuple{"\U0010ffff"}, "02 f4 8f bf bf 00", nil},

		// nested tuples
		{"nested empty", tuple.Tuple{tuple.Tuple{}}, "05 00", nil},
		{"nested typed nil", tuple.Tuple{tuple.Tuple(nil)}, "05 00", tuple.Tuple{tuple.Tuple{}}},
		{"nested nil", tuple.Tuple{tuple.Tuple{nil}}, "05 00 ff 00", nil},
		{"nested nil string", tuple.Tuple{tuple.Tuple{nil, "hello"}},
			"05 00 ff 02 68 65 6c 6c 6f 00 00", nil},
		{"nested nil zero string", tuple.Tuple{tuple.Tuple{nil, "hell\x00"}},
			"05 00 ff 02 68 65 6c 6c 00 ff 00 00", nil},
		{"nested then more", tuple.Tuple{tuple.Tuple{nil}, "hello", []byte{1, 0}, []byte{}},
			"05 00 ff 00 02 68 65 6c 6c 6f 00 01 01 00 ff 00 01 00", nil},
		{"doubly nested", tuple.Tuple{tuple.Tuple{tuple.Tuple{nil}, nil}, nil},
			"05 05 00 ff 00 00 ff 00 00", nil},

		// integers at every size boundary, both signs
		{"zero", tuple.Tuple{0}, "14", tuple.Tuple{int64(0)}},
		{"one", tuple.Tuple{1}, "15 01", tuple.Tuple{int64(1)}},
		{"minus one", tuple.Tuple{-1}, "13 fe", tuple.Tuple{int64(-1)}},
		{"255", tuple.Tuple{255}, "15 ff", tuple.Tuple{int64(255)}},
		{"-255", tuple.Tuple{-255}, "13 00", tuple.Tuple{int64(-255)}},
		{"256", tuple.Tuple{256}, "16 01 00", tuple.Tuple{int64(256)}},
		{"-256", tuple.Tuple{-256}, "12 fe ff", tuple.Tuple{int64(-256)}},
		{"65535", tuple.Tuple{65535}, "16 ff ff", tuple.Tuple{int64(65535)}},
		{"-65535", tuple.Tuple{-65535}, "12 00 00", tuple.Tuple{int64(-65535)}},
		{"65536", tuple.Tuple{65536}, "17 01 00 00", tuple.Tuple{int64(65536)}},
		{"-65536", tuple.Tuple{-65536}, "11 fe ff ff", tuple.Tuple{int64(-65536)}},
		{"2^24-1", tuple.Tuple{1<<24 - 1}, "17 ff ff ff", tuple.Tuple{int64(1<<24 - 1)}},
		{"2^24", tuple.Tuple{1 << 24}, "18 01 00 00 00", tuple.Tuple{int64(1 << 24)}},
		{"-(2^32-1)", tuple.Tuple{int64(-(1<<32 - 1))}, "10 00 00 00 00",
			tuple.Tuple{int64(-(1<<32 - 1))}},
		{"2^32", tuple.Tuple{int64(1 << 32)}, "19 01 00 00 00 00", tuple.Tuple{int64(1 << 32)}},
		{"2^40", tuple.Tuple{int64(1 << 40)}, "1a 01 00 00 00 00 00", tuple.Tuple{int64(1 << 40)}},
		{"2^48", tuple.Tuple{int64(1 << 48)}, "1b 01 00 00 00 00 00 00",
			tuple.Tuple{int64(1 << 48)}},
		{"2^56", tuple.Tuple{int64(1 << 56)}, "1c 01 00 00 00 00 00 00 00",
			tuple.Tuple{int64(1 << 56)}},
		{"-2^56", tuple.Tuple{int64(-1 << 56)}, "0c fe ff ff ff ff ff ff ff",
			tuple.Tuple{int64(-1 << 56)}},
		{"MaxInt64", tuple.Tuple{int64(math.MaxInt64)}, "1c 7f ff ff ff ff ff ff ff", nil},
		{"MinInt64+2", tuple.Tuple{int64(math.MinInt64 + 2)},
			"0c 80 00 00 00 00 00 00 01", nil},
		{"MinInt64+1", tuple.Tuple{int64(math.MinInt64 + 1)},
			"0c 80 00 00 00 00 00 00 00", nil},
		{"MinInt64", tuple.Tuple{int64(math.MinInt64)}, "0c 7f ff ff ff ff ff ff ff", nil},
		{"MaxInt64+1", tuple.Tuple{uint64(math.MaxInt64 + 1)},
			"1c 80 00 00 00 00 00 00 00", nil},
		{"MaxUint64", tuple.Tuple{uint64(math.MaxUint64)}, "1c ff ff ff ff ff ff ff ff", nil},
		{"MinInt64-1", tuple.Tuple{bigFromString("-9223372036854775809")},
			"0c 7f ff ff ff ff ff ff fe", nil},
		{"-(2^64-1)", tuple.Tuple{bigFromString("-18446744073709551615")},
			"0c 00 00 00 00 00 00 00 00", nil},
		{"2^64", tuple.Tuple{pow2(64, false)}, "1d 09 01 00 00 00 00 00 00 00 00", nil},
		{"-2^64", tuple.Tuple{pow2(64, true)}, "0b f6 fe ff ff ff ff ff ff ff ff", nil},
		{"2^65", tuple.Tuple{pow2(65, false)}, "1d 09 02 00 00 00 00 00 00 00 00", nil},
		{"-2^65", tuple.Tuple{pow2(65, true)}, "0b f6 fd ff ff ff ff ff ff ff ff", nil},
		{"2^72", tuple.Tuple{pow2(72, false)}, "1d 0a 01 00 00 00 00 00 00 00 00 00", nil},
		{"huge positive", tuple.Tuple{bigFromString("0x0102030405060708090a0b0c0d0e0f10")},
			"1d 10 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10", nil},
		{"huge negative", tuple.Tuple{bigFromString("-0x0102030405060708090a0b0c0d0e0f10")},
			"0b ef fe fd fc fb fa f9 f8 f7 f6 f5 f4 f3 f2 f1 f0 ef", nil},
		{"2^2040-1", tuple.Tuple{new(big.Int).Sub(pow2(2040, false), big.NewInt(1))},
			"1d ff " + repeatHex("ff", 255), nil},
		{"-(2^2040-1)", tuple.Tuple{new(big.Int).Neg(
			new(big.Int).Sub(pow2(2040, false), big.NewInt(1)))},
			"0b 00 " + repeatHex("00", 255), nil},
		{"small big.Int", tuple.Tuple{bigFromString("1066")}, "16 04 2a",
			tuple.Tuple{int64(1066)}},
		{"big.Int value", tuple.Tuple{*pow2(64, false)}, "1d 09 01 00 00 00 00 00 00 00 00",
			tuple.Tuple{pow2(64, false)}},

		// every Go integer type
		{"int8", tuple.Tuple{int8(-128), int8(127)}, "13 7f 15 7f",
			tuple.Tuple{int64(-128), int64(127)}},
		{"int16", tuple.Tuple{int16(0x3019)}, "16 30 19", tuple.Tuple{int64(0x3019)}},
		{"int32", tuple.Tuple{int32(math.MinInt32), int32(math.MaxInt32)},
			"10 7f ff ff ff 18 7f ff ff ff",
			tuple.Tuple{int64(math.MinInt32), int64(math.MaxInt32)}},
		{"uint8", tuple.Tuple{uint8(3), uint8(255)}, "15 03 15 ff",
			tuple.Tuple{int64(3), int64(255)}},
		{"uint16", tuple.Tuple{uint16(65535)}, "16 ff ff", tuple.Tuple{int64(65535)}},
		{"uint32", tuple.Tuple{uint32(math.MaxUint32)}, "18 ff ff ff ff",
			tuple.Tuple{int64(math.MaxUint32)}},
		{"uint", tuple.Tuple{uint(1066)}, "16 04 2a", tuple.Tuple{int64(1066)}},

		// floats
		{"float32 3.14", tuple.Tuple{float32(3.14)}, "20 c0 48 f5 c3", nil},
		{"float32 -3.14", tuple.Tuple{float32(-3.14)}, "20 3f b7 0a 3c", nil},
		{"float64 3.14", tuple.Tuple{3.14}, "21 c0 09 1e b8 51 eb 85 1f", nil},
		{"float64 -3.14", tuple.Tuple{-3.14}, "21 3f f6 e1 47 ae 14 7a e0", nil},
		{"float32 +0", tuple.Tuple{float32(0)}, "20 80 00 00 00", nil},
		{"float32 -0", tuple.Tuple{float32(math.Copysign(0, -1))}, "20 7f ff ff ff", nil},
		{"float64 +0", tuple.Tuple{0.0}, "21 80 00 00 00 00 00 00 00", nil},
		{"float64 -0", tuple.Tuple{math.Copysign(0, -1)}, "21 7f ff ff ff ff ff ff ff", nil},
		{"float32 +inf", tuple.Tuple{float32(math.Inf(1))}, "20 ff 80 00 00", nil},
		{"float32 -inf", tuple.Tuple{float32(math.Inf(-1))}, "20 00 7f ff ff", nil},
		{"float64 +inf", tuple.Tuple{math.Inf(1)}, "21 ff f0 00 00 00 00 00 00", nil},
		{"float64 -inf", tuple.Tuple{math.Inf(-1)}, "21 00 0f ff ff ff ff ff ff", nil},
		{"float32 NaN", tuple.Tuple{math.Float32frombits(0x7fc00000)}, "20 ff c0 00 00", nil},
		{"float64 NaN", tuple.Tuple{math.Float64frombits(0x7ff8000000000000)},
			"21 ff f8 00 00 00 00 00 00", nil},
		{"float32 max NaN", tuple.Tuple{math.Float32frombits(0x7fffffff)}, "20 ff ff ff ff", nil},
		{"float64 max NaN", tuple.Tuple{math.Float64frombits(0x7fffffffffffffff)},
			"21 ff ff ff ff ff ff ff ff", nil},
		{"float32 all ones", tuple.Tuple{math.Float32frombits(0xffffffff)},
			"20 00 00 00 00", nil},
		{"float64 all ones", tuple.Tuple{math.Float64frombits(0xffffffffffffffff)},
			"21 00 00 00 00 00 00 00 00", nil},
		{"float32 smallest", tuple.Tuple{math.Float32frombits(1)}, "20 80 00 00 01", nil},
		{"float64 smallest", tuple.Tuple{math.SmallestNonzeroFloat64},
			"21 80 00 00 00 00 00 00 01", nil},
		{"float64 -smallest", tuple.Tuple{-math.SmallestNonzeroFloat64},
			"21 7f ff ff ff ff ff ff fe", nil},

		// bools, UUID, versionstamps
		{"false", tuple.Tuple{false}, "26", nil},
		{"true", tuple.Tuple{true}, "27", nil},
		{"uuid", tuple.Tuple{testUUID},
			"30 ff ff ff ff ba 5e ba 11 00 00 00 00 5c a1 ab 1e", nil},
		{"versionstamp", tuple.Tuple{testStamp}, "33 01 02 03 04 05 06 07 08 09 0a 02 91", nil},
		{"versionstamp user 0", tuple.Tuple{tuple.Versionstamp{TransactionVersion: [10]byte{
			0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x01, 0x02, 0x03}}},
			"33 aa bb cc dd ee ff 00 01 02 03 00 00", nil},

		// DESIGN.md §2
		{"election subspace", tuple.Tuple{"election"}, "02 65 6c 65 63 74 69 6f 6e 00", nil},
		{"default config", tuple.Tuple{uint64(10e9), uint64(3e9), uint64(15e9), true, true},
			"19 02 54 0b e4 00 18 b2 d0 5e 00 19 03 7e 11 d6 00 27 27",
			tuple.Tuple{int64(10e9), int64(3e9), int64(15e9), true, true}},
		{"mixed", tuple.Tuple{[]byte("hello"), "world", 42, 0x99, nil},
			"01 68 65 6c 6c 6f 00 02 77 6f 72 6c 64 00 15 2a 15 99 00",
			tuple.Tuple{[]byte("hello"), "world", int64(42), int64(0x99), nil}},
	}
}

func repeatHex(pair string, n int) string {
	s := pair
	for i := 1; i < n; i++ {
		s += " " + pair
	}
	return s
}

func TestPackVectors(t *testing.T) {
	for _, v := range vectors() {
		t.Run(v.name, func(t *testing.T) {
			want := unhex(t, v.hex)
			got, err := v.in.PackErr()
			if err != nil {
				t.Fatalf("PackErr(%v): %v", v.in, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("PackErr(%v)\n got %s\nwant %s", v.in, spaced(got), v.hex)
			}
			if p := v.in.Pack(); !bytes.Equal(p, want) {
				t.Errorf("Pack(%v) = %s, want %s", v.in, spaced(p), v.hex)
			}
		})
	}
}

func TestUnpackVectors(t *testing.T) {
	for _, v := range vectors() {
		t.Run(v.name, func(t *testing.T) {
			want := v.out
			if want == nil {
				want = v.in
			}
			got, err := tuple.Unpack(unhex(t, v.hex))
			if err != nil {
				t.Fatalf("Unpack(%s): %v", v.hex, err)
			}
			if !sameTuple(got, want) {
				t.Errorf("Unpack(%s)\n got %#v\nwant %#v", v.hex, got, want)
			}
		})
	}
}

// TestUnpackAccepted covers encodings other bindings write that fdbelect does
// not: integers in more bytes than needed, or in the length-prefixed forms.
// They must decode to the right value and pack back to the minimal form.
func TestUnpackAccepted(t *testing.T) {
	tests := []struct {
		name, in, canonical string
	}{
		// The Python bindings write 2^64-1 and -(2^64-1) with 0x1d/0x0b.
		{"python 2^64-1", "1d 08 ff ff ff ff ff ff ff ff", "1c ff ff ff ff ff ff ff ff"},
		{"python -(2^64-1)", "0b f7 00 00 00 00 00 00 00 00", "0c 00 00 00 00 00 00 00 00"},
		{"long form 1", "1d 01 01", "15 01"},
		{"long form -1", "0b fe fe", "13 fe"},
		{"long form zero", "1d 00", "14"},
		{"long form negative zero", "0b ff", "14"},
		{"leading zero", "16 00 05", "15 05"},
		{"eight byte one", "1c 00 00 00 00 00 00 00 01", "15 01"},
		{"negative leading ff", "12 ff fe", "13 fe"},
		{"eight byte -1", "0c ff ff ff ff ff ff ff fe", "13 fe"},
		{"long form 2^64 padded", "1d 0a 00 01 00 00 00 00 00 00 00 00",
			"1d 09 01 00 00 00 00 00 00 00 00"},
		{"long form MinInt64", "0b f7 7f ff ff ff ff ff ff ff", "0c 7f ff ff ff ff ff ff ff"},
		{"nested long form", "05 1d 01 07 00", "05 15 07 00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tuple.Unpack(unhex(t, tt.in))
			if err != nil {
				t.Fatalf("Unpack(%s): %v", tt.in, err)
			}
			want, err := tuple.Unpack(unhex(t, tt.canonical))
			if err != nil {
				t.Fatalf("Unpack(%s): %v", tt.canonical, err)
			}
			if !sameTuple(got, want) {
				t.Errorf("Unpack(%s) = %#v, want %#v", tt.in, got, want)
			}
			if p := got.Pack(); spaced(p) != tt.canonical {
				t.Errorf("Pack(Unpack(%s)) = %s, want %s", tt.in, spaced(p), tt.canonical)
			}
		})
	}
}
