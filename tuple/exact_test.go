package tuple_test

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/fdbelect/fdbelect/tuple"
)

func TestUnpackExactElectionRecords(t *testing.T) {
	t.Run("config", func(t *testing.T) {
		b := unhex(t, "19 02 54 0b e4 00 18 b2 d0 5e 00 19 03 7e 11 d6 00 27 27")
		var lease, heartbeat, timeout uint64
		var enabled, preempt bool
		err := tuple.UnpackExact(b, &lease, &heartbeat, &timeout, &enabled, &preempt)
		if err != nil {
			t.Fatal(err)
		}
		if lease != 10e9 || heartbeat != 3e9 || timeout != 15e9 || !enabled || !preempt {
			t.Errorf("got %d %d %d %v %v", lease, heartbeat, timeout, enabled, preempt)
		}
	})

	t.Run("leader", func(t *testing.T) {
		stamp := testStamp.Bytes()
		b := tuple.Tuple{uint64(7), "node-a", int32(-3), uint64(1 << 62), stamp}.Pack()
		var ballot, expiry uint64
		var id string
		var priority int32
		var vs []byte
		if err := tuple.UnpackExact(b, &ballot, &id, &priority, &expiry, &vs); err != nil {
			t.Fatal(err)
		}
		if ballot != 7 || id != "node-a" || priority != -3 || expiry != 1<<62 ||
			string(vs) != string(stamp) {
			t.Errorf("got %d %q %d %d % x", ballot, id, priority, expiry, vs)
		}
	})

	t.Run("candidate", func(t *testing.T) {
		b := tuple.Tuple{int32(0), uint64(1_700_000_000_000_000_000), testStamp}.Pack()
		var priority int32
		var heartbeat uint64
		var vs tuple.Versionstamp
		if err := tuple.UnpackExact(b, &priority, &heartbeat, &vs); err != nil {
			t.Fatal(err)
		}
		if priority != 0 || heartbeat != 1_700_000_000_000_000_000 || vs != testStamp {
			t.Errorf("got %d %d %v", priority, heartbeat, vs)
		}
	})
}

func TestUnpackExactTypes(t *testing.T) {
	var (
		i   int
		i8  int8
		i16 int16
		i32 int32
		i64 int64
		u   uint
		u8  uint8
		u16 uint16
		u32 uint32
		u64 uint64
		bi  big.Int
		s   string
		bs  []byte
		bo  bool
		f32 float32
		f64 float64
		id  tuple.UUID
		vs  tuple.Versionstamp
		tu  tuple.Tuple
		an  any
	)
	in := tuple.Tuple{-1, int8(-128), int16(math.MaxInt16), int32(math.MinInt32),
		int64(math.MinInt64), uint(42), uint8(255), uint16(65535), uint32(math.MaxUint32),
		uint64(math.MaxUint64), pow2(100, true), "héllo", []byte{0, 1}, false,
		float32(1.5), -2.25, testUUID, testStamp, tuple.Tuple{nil, "x"}, pow2(70, false)}
	err := tuple.UnpackExact(in.Pack(), &i, &i8, &i16, &i32, &i64, &u, &u8, &u16, &u32, &u64,
		&bi, &s, &bs, &bo, &f32, &f64, &id, &vs, &tu, &an)
	if err != nil {
		t.Fatal(err)
	}

	got := tuple.Tuple{i, i8, i16, i32, i64, u, u8, u16, u32, u64, &bi, s, bs, bo, f32,
		f64, id, vs, tu, an}
	if !sameTuple(got, in) {
		t.Errorf("got  %#v\nwant %#v", got, in)
	}
}

func TestUnpackExactIntegerRange(t *testing.T) {
	tests := []struct {
		name string
		in   any
		dst  any
		ok   bool
	}{
		{"int8 max", int8(math.MaxInt8), new(int8), true},
		{"int8 over", math.MaxInt8 + 1, new(int8), false},
		{"int8 min", math.MinInt8, new(int8), true},
		{"int8 under", math.MinInt8 - 1, new(int8), false},
		{"int16 over", math.MaxInt16 + 1, new(int16), false},
		{"int16 under", math.MinInt16 - 1, new(int16), false},
		{"int32 max", math.MaxInt32, new(int32), true},
		{"int32 over", int64(math.MaxInt32 + 1), new(int32), false},
		{"int32 min", math.MinInt32, new(int32), true},
		{"int32 under", int64(math.MinInt32 - 1), new(int32), false},
		{"int64 max", int64(math.MaxInt64), new(int64), true},
		{"int64 over", uint64(math.MaxInt64 + 1), new(int64), false},
		{"int64 under", bigFromString("-9223372036854775809"), new(int64), false},
		{"int over", uint64(math.MaxUint64), new(int), false},
		{"int64 huge", pow2(80, false), new(int64), false},
		{"uint8 max", math.MaxUint8, new(uint8), true},
		{"uint8 over", math.MaxUint8 + 1, new(uint8), false},
		{"uint8 negative", -1, new(uint8), false},
		{"uint16 over", math.MaxUint16 + 1, new(uint16), false},
		{"uint32 over", int64(math.MaxUint32 + 1), new(uint32), false},
		{"uint32 negative", math.MinInt32, new(uint32), false},
		{"uint64 max", uint64(math.MaxUint64), new(uint64), true},
		{"uint64 over", pow2(64, false), new(uint64), false},
		{"uint64 negative", -1, new(uint64), false},
		{"uint64 huge negative", pow2(64, true), new(uint64), false},
		{"uint negative", int64(math.MinInt64), new(uint), false},
		{"uint zero", 0, new(uint), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tuple.UnpackExact(tuple.Tuple{tt.in}.Pack(), tt.dst)
			if tt.ok && err != nil {
				t.Errorf("UnpackExact(%v) into %T: %v", tt.in, tt.dst, err)
			}
			if !tt.ok && !errors.Is(err, tuple.ErrRange) {
				t.Errorf("UnpackExact(%v) into %T: error %v, want ErrRange", tt.in, tt.dst, err)
			}
		})
	}
}

// TestUnpackExactMismatch checks that each destination rejects every type
// code but its own.
func TestUnpackExactMismatch(t *testing.T) {
	samples := map[string]tuple.Tuple{
		"nil":          {nil},
		"bytes":        {[]byte("a")},
		"string":       {"a"},
		"tuple":        {tuple.Tuple{}},
		"int":          {5},
		"float32":      {float32(1)},
		"float64":      {1.0},
		"bool":         {true},
		"uuid":         {testUUID},
		"versionstamp": {testStamp},
	}
	dsts := []struct {
		accepts string
		dst     func() any
	}{
		{"int", func() any { return new(int32) }},
		{"int", func() any { return new(uint64) }},
		{"int", func() any { return new(big.Int) }},
		{"string", func() any { return new(string) }},
		{"bytes", func() any { return new([]byte) }},
		{"bool", func() any { return new(bool) }},
		{"float32", func() any { return new(float32) }},
		{"float64", func() any { return new(float64) }},
		{"uuid", func() any { return new(tuple.UUID) }},
		{"versionstamp", func() any { return new(tuple.Versionstamp) }},
		{"tuple", func() any { return new(tuple.Tuple) }},
	}
	for _, d := range dsts {
		for kind, sample := range samples {
			dst := d.dst()
			err := tuple.UnpackExact(sample.Pack(), dst)
			if kind == d.accepts {
				if err != nil {
					t.Errorf("%s into %T: %v", kind, dst, err)
				}
				continue
			}
			if !errors.Is(err, tuple.ErrTypeMismatch) {
				t.Errorf("%s into %T: error %v, want ErrTypeMismatch", kind, dst, err)
			}
		}
	}
}

func TestUnpackExactErrors(t *testing.T) {
	var a, b int64
	var s string
	tests := []struct {
		name   string
		hex    string
		dst    []any
		want   error
		index  int
		offset int
	}{
		{"missing first", "", []any{&a}, tuple.ErrMissing, 0, 0},
		{"missing second", "15 01", []any{&a, &b}, tuple.ErrMissing, 1, 2},
		{"trailing element", "15 01 15 02", []any{&a}, tuple.ErrTrailing, 1, 2},
		{"trailing garbage", "15 01 ff", []any{&a}, tuple.ErrTrailing, 1, 2},
		{"trailing nil", "15 01 00", []any{&a}, tuple.ErrTrailing, 1, 2},
		{"no destinations", "14", nil, tuple.ErrTrailing, 0, 0},
		{"mismatch second", "15 01 02 61 00", []any{&a, &b}, tuple.ErrTypeMismatch, 1, 2},
		{"range second", "15 01 1c ff ff ff ff ff ff ff ff", []any{&a, &b}, tuple.ErrRange,
			1, 2},
		{"invalid utf8", "15 01 02 c0 80 00", []any{&a, &s}, tuple.ErrInvalidUTF8, 1, 2},
		{"truncated", "15 01 16 01", []any{&a, &b}, tuple.ErrTruncated, 1, 2},
		{"unknown code", "15 01 25", []any{&a, &b}, tuple.ErrUnknownType, 1, 2},
		{"float32 from float64", "21 80 00 00 00 00 00 00 00", []any{new(float32)},
			tuple.ErrTypeMismatch, 0, 0},
		{"float64 from float32", "20 80 00 00 00", []any{new(float64)},
			tuple.ErrTypeMismatch, 0, 0},
		{"string from bytes", "01 61 00", []any{&s}, tuple.ErrTypeMismatch, 0, 0},
		{"versionstamp from bytes", "01 " + repeatHex("01", 12) + " 00",
			[]any{new(tuple.Versionstamp)}, tuple.ErrTypeMismatch, 0, 0},
		{"int from nil", "00", []any{&a}, tuple.ErrTypeMismatch, 0, 0},
		{"unsupported destination", "15 01", []any{new(uintptr)}, tuple.ErrBadDestination,
			0, 0},
		{"value destination", "15 01", []any{a}, tuple.ErrBadDestination, 0, 0},
		{"untyped nil destination", "15 01", []any{nil}, tuple.ErrBadDestination, 0, 0},
		{"nil pointer destination", "15 01 15 01", []any{&a, (*int64)(nil)},
			tuple.ErrBadDestination, 1, 0},
		{"pointer to pointer", "15 01", []any{new(*int64)}, tuple.ErrBadDestination, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tuple.UnpackExact(unhex(t, tt.hex), tt.dst...)
			if !errors.Is(err, tt.want) {
				t.Fatalf("UnpackExact(%s): error %v, want %v", tt.hex, err, tt.want)
			}
			var de *tuple.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DecodeError", err)
			}
			if de.Index != tt.index || de.Offset != tt.offset {
				t.Errorf("element %d at byte %d, want element %d at byte %d",
					de.Index, de.Offset, tt.index, tt.offset)
			}
			if !strings.Contains(err.Error(), "element ") {
				t.Errorf("error %q does not name the element", err)
			}
		})
	}
}

// TestUnpackExactRejectsEarly checks that a bad destination is reported
// before any destination is written.
func TestUnpackExactRejectsEarly(t *testing.T) {
	a := int64(-1)
	err := tuple.UnpackExact(tuple.Tuple{5, 6}.Pack(), &a, struct{}{})
	if !errors.Is(err, tuple.ErrBadDestination) {
		t.Fatalf("error %v, want ErrBadDestination", err)
	}
	if a != -1 {
		t.Errorf("first destination written before the bad one was found: %d", a)
	}
}

func TestUnpackExactAcceptsLongForms(t *testing.T) {
	var a int32
	var b uint64
	if err := tuple.UnpackExact(unhex(t, "1d 01 07 1d 08 ff ff ff ff ff ff ff ff"), &a,
		&b); err != nil {
		t.Fatal(err)
	}
	if a != 7 || b != math.MaxUint64 {
		t.Errorf("got %d %d, want 7 %d", a, b, uint64(math.MaxUint64))
	}
}
