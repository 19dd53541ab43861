// Package subspace builds FoundationDB keys under a common prefix.
//
// A Subspace is a byte prefix, usually itself a packed tuple such as
// ("election",). Keys in the subspace are the prefix followed by a packed
// tuple, so the keys of one subspace sort together and a single range read
// returns them all.
//
// # Format
//
// Sub("election").Pack(tuple.Tuple{"leader"}) is the bytes of
// ("election",) packed followed by ("leader",) packed:
//
//	02 65 6c 65 63 74 69 6f 6e 00 02 6c 65 61 64 65 72 00
//
// which is also Sub("election", "leader").Bytes(). Range returns the prefix
// followed by 0x00 and by 0xFF: every packed tuple under the prefix sorts
// between the two, because no tuple element starts with 0xFF.
//
// # Guarantees
//
//   - Subspace is an immutable value: every method returns fresh slices and
//     none keeps a caller's slice, so it is safe for concurrent use.
//   - Unpack and UnpackExact never panic on foreign bytes: a key outside the
//     subspace wraps ErrNotInSubspace and a malformed tuple is a
//     *tuple.DecodeError.
//   - Sub, Subspace.Sub and Pack panic only on programmer misuse, like
//     tuple.Tuple.Pack; PackErr returns the error instead.
//
// # Differences from the official Go bindings
//
// Subspace is a struct value rather than an interface, it has no
// dependency on a database handle (keys are plain byte slices), and it adds
// UnpackExact for strict typed decoding.
package subspace
