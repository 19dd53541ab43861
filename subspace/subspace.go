package subspace

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/fdbelect/fdbelect/tuple"
)

// Subspace is a key prefix. Keys in the subspace are the prefix followed by
// a packed tuple. The zero value is the empty prefix, which holds every key
// that is a packed tuple. A Subspace is immutable and safe for concurrent
// use.
type Subspace struct {
	prefix []byte
}

// Sub returns the subspace whose prefix is the tuple of elems, packed. Like
// tuple.Tuple.Pack, it panics on an element of an unsupported type or an
// incomplete versionstamp.
func Sub(elems ...any) Subspace {
	return Subspace{prefix: tuple.Tuple(elems).Pack()}
}

// FromBytes returns the subspace with prefix b, copied.
func FromBytes(b []byte) Subspace {
	return Subspace{prefix: bytes.Clone(b)}
}

// Bytes returns a copy of the prefix.
func (s Subspace) Bytes() []byte {
	return append([]byte{}, s.prefix...)
}

// Sub returns the subspace nested in s whose prefix is s's followed by the
// tuple of elems, packed. It panics like the function Sub.
func (s Subspace) Sub(elems ...any) Subspace {
	return Subspace{prefix: s.join(tuple.Tuple(elems).Pack())}
}

// Pack returns the key of t in s: the prefix followed by t packed. It panics
// like tuple.Tuple.Pack.
func (s Subspace) Pack(t tuple.Tuple) []byte {
	return s.join(t.Pack())
}

// PackErr is Pack returning an error instead of panicking.
func (s Subspace) PackErr(t tuple.Tuple) ([]byte, error) {
	b, err := t.PackErr()
	if err != nil {
		return nil, err
	}
	return s.join(b), nil
}

// PackWithVersionstamp returns the key of t in s followed by the 4-byte
// offset of t's incomplete versionstamp, for SET_VERSIONSTAMPED_KEY. See
// tuple.Tuple.PackWithVersionstamp.
func (s Subspace) PackWithVersionstamp(t tuple.Tuple) ([]byte, error) {
	return t.PackWithVersionstamp(s.prefix)
}

// Unpack returns the tuple that follows the prefix in key k. A key outside s
// gives an error wrapping ErrNotInSubspace; a malformed tuple gives the
// *tuple.DecodeError, whose offsets count from the end of the prefix.
func (s Subspace) Unpack(k []byte) (tuple.Tuple, error) {
	if !s.Contains(k) {
		return nil, fmt.Errorf("%w: %s", ErrNotInSubspace, printable(k))
	}
	return tuple.Unpack(k[len(s.prefix):])
}

// UnpackExact decodes the tuple that follows the prefix in key k into dst,
// as tuple.UnpackExact does. A key outside s gives an error wrapping
// ErrNotInSubspace.
func (s Subspace) UnpackExact(k []byte, dst ...any) error {
	if !s.Contains(k) {
		return fmt.Errorf("%w: %s", ErrNotInSubspace, printable(k))
	}
	return tuple.UnpackExact(k[len(s.prefix):], dst...)
}

// Contains reports whether k starts with the prefix of s. The prefix itself
// is contained.
func (s Subspace) Contains(k []byte) bool {
	return bytes.HasPrefix(k, s.prefix)
}

// Range returns the keys that hold every packed tuple in s: begin is the
// prefix followed by 0x00 and end the prefix followed by 0xFF. The prefix
// itself is outside the range, as in FoundationDB's bindings.
func (s Subspace) Range() (begin, end []byte) {
	return s.join([]byte{0x00}), s.join([]byte{0xff})
}

// String returns the prefix with printable ASCII as is and other bytes as
// \xNN escapes, for example Subspace("\x02election\x00").
func (s Subspace) String() string {
	return "Subspace(\"" + printable(s.prefix) + "\")"
}

// join returns a fresh slice holding the prefix and then b.
func (s Subspace) join(b []byte) []byte {
	out := make([]byte, 0, len(s.prefix)+len(b))
	return append(append(out, s.prefix...), b...)
}

// printable renders b the way FoundationDB's tools print keys.
func printable(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c == '\\':
			sb.WriteString(`\\`)
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, `\x%02x`, c)
		}
	}
	return sb.String()
}
