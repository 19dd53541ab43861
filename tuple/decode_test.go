package tuple_test

import (
	"bufio"
	"errors"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/fdbelect/fdbelect/tuple"
)

var sentinels = map[string]error{
	"truncated": tuple.ErrTruncated,
	"unknown":   tuple.ErrUnknownType,
	"utf8":      tuple.ErrInvalidUTF8,
}

type malformedCase struct {
	name          string
	err           error
	index, offset int
	hex           string
}

func loadMalformed(t testing.TB) []malformedCase {
	t.Helper()
	f, err := os.Open("testdata/malformed.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var cases []malformedCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != 5 {
			t.Fatalf("malformed.txt: want 5 fields: %q", line)
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		c := malformedCase{name: f[0], err: sentinels[f[1]], hex: f[4]}
		if c.err == nil {
			t.Fatalf("malformed.txt: unknown error %q", f[1])
		}
		c.index, _ = strconv.Atoi(f[2])
		c.offset, _ = strconv.Atoi(f[3])
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestUnpackMalformed(t *testing.T) {
	for _, c := range loadMalformed(t) {
		t.Run(c.name, func(t *testing.T) {
			got, err := tuple.Unpack(unhex(t, c.hex))
			if err == nil {
				t.Fatalf("Unpack(%s) = %#v, want error", c.hex, got)
			}
			if !errors.Is(err, c.err) {
				t.Errorf("Unpack(%s) error %q, want %q", c.hex, err, c.err)
			}
			var de *tuple.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Unpack(%s) error %T, want *DecodeError", c.hex, err)
			}
			if de.Index != c.index || de.Offset != c.offset {
				t.Errorf("Unpack(%s): element %d at byte %d, want element %d at byte %d",
					c.hex, de.Index, de.Offset, c.index, c.offset)
			}
			if !strings.HasPrefix(err.Error(), "tuple: element ") {
				t.Errorf("error message %q lacks the tuple: element prefix", err)
			}
		})
	}
}

// TestUnpackEveryCut cuts every vector at every byte. A cut at an element
// boundary is a valid shorter tuple; any other cut is truncated input,
// except in encodings holding 0x00 0xFF, where a cut can land on a valid
// terminator (or leave a stray 0xFF) and only the absence of panics and of
// other errors is checked.
func TestUnpackEveryCut(t *testing.T) {
	for _, v := range vectors() {
		full := unhex(t, v.hex)
		whole, err := tuple.Unpack(full)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		boundaries := map[int]int{}
		for k := range v.in {
			boundaries[len(v.in[:k].Pack())] = k
		}
		escapes := strings.Contains(v.hex, "00 ff")

		for cut := 1; cut < len(full); cut++ {
			got, err := tuple.Unpack(full[:cut])
			if k, ok := boundaries[cut]; ok {
				if err != nil || !sameTuple(got, whole[:k]) {
					t.Errorf("%s cut at %d: got %v, %v; want %v", v.name, cut, got, err,
						whole[:k])
				}
				continue
			}
			if escapes {
				if err != nil && !errors.Is(err, tuple.ErrTruncated) &&
					!errors.Is(err, tuple.ErrUnknownType) {
					t.Errorf("%s cut at %d: unexpected error %v", v.name, cut, err)
				}
				continue
			}
			if !errors.Is(err, tuple.ErrTruncated) {
				t.Errorf("%s cut at %d: got %v, %v; want ErrTruncated", v.name, cut, got, err)
			}
		}
	}
}

// TestUnpackRandomBytes feeds short random inputs drawn mostly from the
// bytes that matter to the decoder; it must never panic, and errors must
// point inside the input.
func TestUnpackRandomBytes(t *testing.T) {
	alphabet := []byte{0x00, 0x01, 0x02, 0x05, 0x0b, 0x0c, 0x13, 0x14, 0x15, 0x1c, 0x1d,
		0x20, 0x21, 0x26, 0x27, 0x30, 0x33, 0xfe, 0xff, 'a'}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(24))
		for i := range b {
			if r.IntN(4) == 0 {
				b[i] = byte(r.IntN(256))
			} else {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		_, err := tuple.Unpack(b)
		if err == nil {
			continue
		}
		var de *tuple.DecodeError
		if !errors.As(err, &de) || de.Offset < 0 || de.Offset >= len(b) || de.Index < 0 {
			t.Fatalf("Unpack(% x): error %#v does not point inside the input", b, err)
		}
	}
}

func TestUnpackDoesNotAlias(t *testing.T) {
	b := tuple.Tuple{[]byte("abc")}.Pack()
	got, err := tuple.Unpack(b)
	if err != nil {
		t.Fatal(err)
	}
	b[1] = 'X'
	if s := string(got[0].([]byte)); s != "abc" {
		t.Errorf("decoded bytes changed with the input: %q", s)
	}
}

func TestDecodeErrorMessage(t *testing.T) {
	_, err := tuple.Unpack([]byte{0x15, 0x01, 0x16, 0x01})
	want := "tuple: element 1 at byte 2: truncated input: integer (0x16) needs 2 more bytes, 1 left"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}
