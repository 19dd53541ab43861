package tuple_test

import (
	"bytes"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/fdbelect/fdbelect/tuple"
)

func TestPackWithVersionstamp(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
		in     tuple.Tuple
		want   string
	}{
		// DESIGN.md §2: the registration parameter of a candidate.
		{"candidate registration", "",
			tuple.Tuple{int32(0), uint64(1_700_000_000_000_000_000),
				tuple.IncompleteVersionstamp(0)},
			"14 1c 17 97 9c fe 36 2a 00 00 33 ff ff ff ff ff ff ff ff ff ff 00 00 0b 00 00 00"},
		{"alone", "", tuple.Tuple{tuple.IncompleteVersionstamp(5)},
			"33 ff ff ff ff ff ff ff ff ff ff 00 05 01 00 00 00"},
		{"with prefix", "02 61 00", tuple.Tuple{"b", tuple.IncompleteVersionstamp(0x0102)},
			"02 61 00 02 62 00 33 ff ff ff ff ff ff ff ff ff ff 01 02 07 00 00 00"},
		{"nested", "", tuple.Tuple{tuple.Tuple{nil, tuple.IncompleteVersionstamp(0)}},
			"05 00 ff 33 ff ff ff ff ff ff ff ff ff ff 00 00 00 04 00 00 00"},
		{"beside a complete one", "", tuple.Tuple{testStamp, tuple.IncompleteVersionstamp(1)},
			"33 01 02 03 04 05 06 07 08 09 0a 02 91 33 ff ff ff ff ff ff ff ff ff ff 00 01 " +
				"0e 00 00 00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := unhex(t, tt.prefix)
			got, err := tt.in.PackWithVersionstamp(prefix)
			if err != nil {
				t.Fatal(err)
			}
			if spaced(got) != tt.want {
				t.Errorf("got  %s\nwant %s", spaced(got), tt.want)
			}
			if len(prefix) > 0 && &got[0] == &prefix[0] {
				t.Error("result shares memory with the prefix")
			}
		})
	}
}

func TestPackWithVersionstampErrors(t *testing.T) {
	inc := tuple.IncompleteVersionstamp
	tests := []struct {
		name string
		in   tuple.Tuple
		want error
	}{
		{"none", tuple.Tuple{1, "a"}, tuple.ErrNoIncompleteVersionstamp},
		{"only complete", tuple.Tuple{testStamp}, tuple.ErrNoIncompleteVersionstamp},
		{"two", tuple.Tuple{inc(1), inc(2)}, tuple.ErrManyIncompleteVersionstamps},
		{"two nested", tuple.Tuple{tuple.Tuple{inc(3)}, tuple.Tuple{inc(4)}},
			tuple.ErrManyIncompleteVersionstamps},
		{"two apart", tuple.Tuple{inc(0), 3, tuple.Tuple{"x", inc(0)}},
			tuple.ErrManyIncompleteVersionstamps},
		{"unsupported", tuple.Tuple{inc(0), struct{}{}}, tuple.ErrUnsupportedType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.PackWithVersionstamp(nil)
			if !errors.Is(err, tt.want) {
				t.Errorf("got %x, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestHasIncompleteVersionstamp(t *testing.T) {
	inc := tuple.IncompleteVersionstamp(0)
	tests := []struct {
		name    string
		in      tuple.Tuple
		want    bool
		wantErr bool
	}{
		{"empty", tuple.Tuple{}, false, false},
		{"complete", tuple.Tuple{testStamp}, false, false},
		{"top", tuple.Tuple{1, inc}, true, false},
		{"nested", tuple.Tuple{tuple.Tuple{tuple.Tuple{inc}}}, true, false},
		{"two", tuple.Tuple{inc, tuple.Tuple{inc}}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.HasIncompleteVersionstamp()
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("got %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
			if err != nil && !errors.Is(err, tuple.ErrManyIncompleteVersionstamps) {
				t.Errorf("error %v does not wrap ErrManyIncompleteVersionstamps", err)
			}
		})
	}
}

func TestPackErrors(t *testing.T) {
	tooBig := new(big.Int).Lsh(big.NewInt(1), 8*255)
	tests := []struct {
		name    string
		in      tuple.Tuple
		want    error
		element string
	}{
		{"struct", tuple.Tuple{struct{}{}}, tuple.ErrUnsupportedType, "element 0"},
		{"channel nested", tuple.Tuple{1, tuple.Tuple{"a", make(chan int)}},
			tuple.ErrUnsupportedType, "element 1.1"},
		{"slice of any", tuple.Tuple{[]any{1}}, tuple.ErrUnsupportedType, "element 0"},
		{"pointer to int", tuple.Tuple{new(int)}, tuple.ErrUnsupportedType, "element 0"},
		{"uintptr", tuple.Tuple{uintptr(1)}, tuple.ErrUnsupportedType, "element 0"},
		{"nil big.Int", tuple.Tuple{(*big.Int)(nil)}, tuple.ErrUnsupportedType, "element 0"},
		{"incomplete versionstamp", tuple.Tuple{"a", tuple.IncompleteVersionstamp(0)},
			tuple.ErrIncompleteVersionstamp, ""},
		{"invalid utf-8", tuple.Tuple{"ok", "\xff"}, tuple.ErrInvalidUTF8, "element 1"},
		{"2^2040", tuple.Tuple{tooBig}, tuple.ErrRange, "element 0"},
		{"-2^2040", tuple.Tuple{new(big.Int).Neg(tooBig)}, tuple.ErrRange, "element 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.PackErr()
			if !errors.Is(err, tt.want) || got != nil {
				t.Fatalf("PackErr = %x, %v; want nil, %v", got, err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "tuple: ") ||
				!strings.Contains(err.Error(), tt.element) {
				t.Errorf("error %q lacks the prefix or %q", err, tt.element)
			}

			defer func() {
				r := recover()
				perr, ok := r.(error)
				if !ok || !errors.Is(perr, tt.want) {
					t.Errorf("Pack panicked with %v, want an error wrapping %v", r, tt.want)
				}
			}()
			tt.in.Pack()
		})
	}
}

func TestPackDoesNotRetain(t *testing.T) {
	b := []byte("abc")
	in := tuple.Tuple{b}
	p := in.Pack()
	b[0] = 'X'
	if !bytes.Equal(p, []byte("\x01abc\x00")) {
		t.Errorf("packed bytes changed with the input: %q", p)
	}
}

func TestVersionstamp(t *testing.T) {
	inc := tuple.IncompleteVersionstamp(7)
	if inc.IsComplete() {
		t.Error("IncompleteVersionstamp(7).IsComplete() = true")
	}
	if got := spaced(inc.Bytes()); got != "ff ff ff ff ff ff ff ff ff ff 00 07" {
		t.Errorf("IncompleteVersionstamp(7).Bytes() = %s", got)
	}
	if !testStamp.IsComplete() {
		t.Error("testStamp.IsComplete() = false")
	}
	if got, want := testStamp.String(), "0102030405060708090a:657"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}

	back, err := tuple.VersionstampFromBytes(testStamp.Bytes())
	if err != nil || back != testStamp {
		t.Errorf("VersionstampFromBytes(Bytes()) = %v, %v; want %v", back, err, testStamp)
	}
	for _, n := range []int{0, 10, 11, 13} {
		if _, err := tuple.VersionstampFromBytes(make([]byte, n)); !errors.Is(err,
			tuple.ErrVersionstampLength) {
			t.Errorf("VersionstampFromBytes(%d bytes) error %v, want ErrVersionstampLength",
				n, err)
		}
	}
}

func TestUUIDString(t *testing.T) {
	if got, want := testUUID.String(), "ffffffff-ba5e-ba11-0000-00005ca1ab1e"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
