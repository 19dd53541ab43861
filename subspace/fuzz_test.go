package subspace_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/fdbelect/fdbelect/subspace"
	"github.com/fdbelect/fdbelect/tuple"
)

// FuzzUnpack checks that Subspace.Unpack never panics, rejects exactly the
// keys outside the prefix, and otherwise agrees with tuple.Unpack on the
// rest of the key.
func FuzzUnpack(f *testing.F) {
	f.Add([]byte("\x02election\x00"), []byte("\x02election\x00\x02leader\x00"))
	f.Add([]byte("\x02election\x00"), []byte("\x02elect"))
	f.Add([]byte{}, []byte{0x05, 0x00, 0xff, 0x00})
	f.Add([]byte{0x15}, []byte{0x15, 0x16, 0x01})
	f.Fuzz(func(t *testing.T, prefix, key []byte) {
		s := subspace.FromBytes(prefix)
		got, err := s.Unpack(key)
		if !bytes.HasPrefix(key, prefix) {
			if !errors.Is(err, subspace.ErrNotInSubspace) || s.Contains(key) {
				t.Fatalf("key % x outside % x: %v", key, prefix, err)
			}
			return
		}

		want, werr := tuple.Unpack(key[len(prefix):])
		if (err == nil) != (werr == nil) {
			t.Fatalf("Subspace.Unpack error %v, tuple.Unpack error %v", err, werr)
		}
		if err == nil && fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Subspace.Unpack = %v, tuple.Unpack = %v", got, want)
		}
	})
}
