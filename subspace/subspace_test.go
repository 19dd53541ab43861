package subspace_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/fdbelect/fdbelect/subspace"
	"github.com/fdbelect/fdbelect/tuple"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const electionPrefix = "02 65 6c 65 63 74 69 6f 6e 00"

func TestKeysOfDesign(t *testing.T) {
	s := subspace.Sub("election")
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"prefix", s.Bytes(), electionPrefix},
		{"leader", s.Pack(tuple.Tuple{"leader"}), electionPrefix + " 02 6c 65 61 64 65 72 00"},
		{"config", s.Pack(tuple.Tuple{"config"}), electionPrefix + " 02 63 6f 6e 66 69 67 00"},
		{"candidate", s.Sub("candidates").Pack(tuple.Tuple{"a"}),
			electionPrefix + " 02 63 61 6e 64 69 64 61 74 65 73 00 02 61 00"},
		{"nested Sub", s.Sub("candidates", "a").Bytes(),
			electionPrefix + " 02 63 61 6e 64 69 64 61 74 65 73 00 02 61 00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if want := unhex(t, tt.want); !bytes.Equal(tt.got, want) {
				t.Errorf("got % x, want %s", tt.got, tt.want)
			}
		})
	}
}

func TestRange(t *testing.T) {
	s := subspace.Sub("election", "candidates")
	begin, end := s.Range()
	p := s.Bytes()
	if !bytes.Equal(begin, append(bytes.Clone(p), 0x00)) ||
		!bytes.Equal(end, append(bytes.Clone(p), 0xff)) {
		t.Fatalf("Range() = % x, % x", begin, end)
	}

	inside := []tuple.Tuple{{nil}, {""}, {"a"}, {"zzz", 5}, {tuple.Tuple{nil}}, {int64(-1 << 40)},
		{true}, {tuple.IncompleteVersionstamp(1)}}
	for _, in := range inside {
		k, err := s.PackErr(in)
		if err != nil {
			k, err = s.PackWithVersionstamp(in)
			k = k[:len(k)-4]
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Compare(k, begin) < 0 || bytes.Compare(k, end) >= 0 {
			t.Errorf("key of %v = % x lies outside [% x, % x)", in, k, begin, end)
		}
	}
	if bytes.Compare(p, begin) >= 0 {
		t.Errorf("the prefix itself % x is inside the range", p)
	}
	if other := subspace.Sub("election", "candidatez").Bytes(); bytes.Compare(other, end) < 0 &&
		bytes.Compare(other, begin) >= 0 {
		t.Errorf("sibling subspace % x lies inside the range", other)
	}
}

func TestUnpack(t *testing.T) {
	s := subspace.Sub("election", "candidates")
	got, err := s.Unpack(s.Pack(tuple.Tuple{"node-a", 3}))
	if err != nil || len(got) != 2 || got[0] != "node-a" || got[1] != int64(3) {
		t.Errorf("Unpack = %#v, %v", got, err)
	}

	got, err = s.Unpack(s.Bytes())
	if err != nil || len(got) != 0 {
		t.Errorf("Unpack(prefix) = %#v, %v; want an empty tuple", got, err)
	}

	var id string
	if err := s.UnpackExact(s.Pack(tuple.Tuple{"node-b"}), &id); err != nil || id != "node-b" {
		t.Errorf("UnpackExact = %q, %v", id, err)
	}
}

func TestUnpackErrors(t *testing.T) {
	s := subspace.Sub("election")
	var id string
	tests := []struct {
		name string
		key  []byte
		want error
	}{
		{"outside", tuple.Tuple{"other", "leader"}.Pack(), subspace.ErrNotInSubspace},
		{"shorter than prefix", []byte{0x02, 0x65}, subspace.ErrNotInSubspace},
		{"empty", nil, subspace.ErrNotInSubspace},
		{"malformed", append(s.Bytes(), 0x02, 0xc0), tuple.ErrTruncated},
		{"unknown code", append(s.Bytes(), 0x25), tuple.ErrUnknownType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Unpack(tt.key); !errors.Is(err, tt.want) {
				t.Errorf("Unpack(% x) error %v, want %v", tt.key, err, tt.want)
			}
			if err := s.UnpackExact(tt.key, &id); !errors.Is(err, tt.want) {
				t.Errorf("UnpackExact(% x) error %v, want %v", tt.key, err, tt.want)
			}
		})
	}

	err := s.UnpackExact(s.Pack(tuple.Tuple{"leader", 1}), &id)
	if !errors.Is(err, tuple.ErrTrailing) {
		t.Errorf("UnpackExact with an extra element: %v, want ErrTrailing", err)
	}
	if _, err := s.Unpack([]byte("\x02elect")); err == nil ||
		!strings.HasPrefix(err.Error(), "subspace: key not in subspace") {
		t.Errorf("error %v lacks the subspace prefix", err)
	}
}

func TestContains(t *testing.T) {
	s := subspace.Sub("a")
	tests := []struct {
		key  []byte
		want bool
	}{
		{s.Bytes(), true},
		{s.Pack(tuple.Tuple{1}), true},
		{subspace.Sub("ab").Bytes(), false},
		{[]byte{0x02}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := s.Contains(tt.key); got != tt.want {
			t.Errorf("Contains(% x) = %v, want %v", tt.key, got, tt.want)
		}
	}
	var zero subspace.Subspace
	if !zero.Contains(nil) || !zero.Contains([]byte{0xff}) {
		t.Error("the zero Subspace does not contain every key")
	}
}

func TestZeroValue(t *testing.T) {
	var s subspace.Subspace
	if len(s.Bytes()) != 0 {
		t.Errorf("zero Bytes() = % x", s.Bytes())
	}
	if got, want := s.Pack(tuple.Tuple{"x"}), (tuple.Tuple{"x"}).Pack(); !bytes.Equal(got, want) {
		t.Errorf("zero Pack = % x, want % x", got, want)
	}
	begin, end := s.Range()
	if !bytes.Equal(begin, []byte{0x00}) || !bytes.Equal(end, []byte{0xff}) {
		t.Errorf("zero Range() = % x, % x", begin, end)
	}
	if !bytes.Equal(s.Sub("x").Bytes(), subspace.Sub("x").Bytes()) {
		t.Error("zero Sub differs from the function Sub")
	}
}

func TestNoAliasing(t *testing.T) {
	raw := []byte{0x15, 0x01}
	s := subspace.FromBytes(raw)
	raw[0] = 0xee
	if got := s.Bytes(); !bytes.Equal(got, []byte{0x15, 0x01}) {
		t.Fatalf("FromBytes kept the caller's slice: % x", got)
	}

	b := s.Bytes()
	b[0] = 0xee
	k := s.Pack(tuple.Tuple{1})
	k[0] = 0xee
	begin, _ := s.Range()
	begin[0] = 0xee
	child := s.Sub(2).Bytes()
	child[0] = 0xee
	if got := s.Bytes(); !bytes.Equal(got, []byte{0x15, 0x01}) {
		t.Errorf("a returned slice aliases the prefix: % x", got)
	}

	// Sub's prefix comes from a buffer with room to spare; keys built on
	// it must still not share memory with each other.
	parent := subspace.Sub("p")
	ka := parent.Pack(tuple.Tuple{"a"})
	kb := parent.Sub("b").Bytes()
	kv, _ := parent.PackWithVersionstamp(tuple.Tuple{tuple.IncompleteVersionstamp(0)})
	kz := parent.Pack(tuple.Tuple{"z"})
	if got, err := parent.Unpack(ka); err != nil || got[0] != "a" {
		t.Errorf("key of (a) became %v, %v after packing (z) to % x", got, err, kz)
	}
	_ = append(ka[:len(parent.Bytes())], 'X')
	if got, err := parent.Unpack(parent.Pack(tuple.Tuple{"c"})); err != nil || got[0] != "c" {
		t.Errorf("key of (c) built after the write is %v, %v", got, err)
	}
	if got, err := parent.Unpack(kb); err != nil || got[0] != "b" {
		t.Errorf("prefix of Sub(b) changed to %v, %v", got, err)
	}
	if kv[len(parent.Bytes())] != 0x33 {
		t.Errorf("versionstamped key changed: % x", kv)
	}
}

func TestPackErrors(t *testing.T) {
	s := subspace.Sub("x")
	if _, err := s.PackErr(tuple.Tuple{struct{}{}}); !errors.Is(err, tuple.ErrUnsupportedType) {
		t.Errorf("PackErr error %v, want ErrUnsupportedType", err)
	}
	if _, err := s.PackWithVersionstamp(tuple.Tuple{1}); !errors.Is(err,
		tuple.ErrNoIncompleteVersionstamp) {
		t.Errorf("PackWithVersionstamp error %v, want ErrNoIncompleteVersionstamp", err)
	}
	assertPanics(t, "Pack", func() { s.Pack(tuple.Tuple{make(chan int)}) })
	assertPanics(t, "Sub", func() { subspace.Sub(struct{}{}) })
	assertPanics(t, "Subspace.Sub", func() { s.Sub(tuple.IncompleteVersionstamp(0)) })
}

func assertPanics(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", name)
		}
	}()
	f()
}

func TestPackWithVersionstamp(t *testing.T) {
	s := subspace.Sub("log")
	got, err := s.PackWithVersionstamp(tuple.Tuple{tuple.IncompleteVersionstamp(2)})
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(t, "02 6c 6f 67 00 33 ff ff ff ff ff ff ff ff ff ff 00 02 06 00 00 00")
	if !bytes.Equal(got, want) {
		t.Errorf("got % x\nwant % x", got, want)
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		s    subspace.Subspace
		want string
	}{
		{subspace.Sub("election"), `Subspace("\x02election\x00")`},
		{subspace.FromBytes([]byte(`a\b`)), `Subspace("a\\b")`},
		{subspace.Subspace{}, `Subspace("")`},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("String() = %s, want %s", got, tt.want)
		}
	}
}
