// Package tuple implements FoundationDB's tuple layer: an encoding of
// ordered lists of typed values into byte strings whose byte order is the
// order of the values. fdbelect packs every key and value with it, so its
// records can be read by the official bindings and by the Rust crate
// foundationdb.
//
// # Format
//
// Each element is a type code followed by its payload, byte for byte as in
// FoundationDB's design/tuple.md:
//
//	0x00       nil (0x00 0xFF inside a nested tuple)
//	0x01       byte string, each 0x00 written 0x00 0xFF, ended by 0x00
//	0x02       UTF-8 string, escaped like byte strings
//	0x05       nested tuple, ended by 0x00
//	0x0b       negative integer below -(2^64-1): length byte and magnitude,
//	           both one's complemented
//	0x0c-0x13  negative integer in 8 down to 1 bytes, one's complemented
//	0x14       zero
//	0x15-0x1c  positive integer in 1 to 8 big-endian bytes
//	0x1d       positive integer above 2^64-1: length byte and magnitude
//	0x20       float32, 0x21 float64: big-endian bits, sign bit flipped
//	           for positive values and every bit flipped for negative ones
//	0x26       false, 0x27 true
//	0x30       UUID, 16 bytes
//	0x33       versionstamp, 12 bytes
//
// Integers are written in the fewest bytes that hold them.
//
// # Element types
//
// Pack accepts nil, []byte, string (UTF-8 only), Tuple, bool, every Go
// integer type (int, int8 to int64, uint, uint8 to uint64), *big.Int and
// big.Int up to 255 bytes of magnitude, float32, float64, UUID and
// Versionstamp. Unpack returns nil, []byte, string, Tuple, bool, float32,
// float64, UUID, Versionstamp and, for integers, int64 when the value fits,
// uint64 for larger positive values that fit 64 bits, and *big.Int beyond.
//
// # Guarantees
//
//   - Order: for any two tuples a and b, bytes.Compare(a.Pack(), b.Pack())
//     is the tuple order: element by element, a shorter tuple before any
//     longer one it prefixes, elements by type code and then value.
//     Integers of every size compare by value; floats compare by their
//     total order (-NaN < -Inf < ... < -0 < +0 < ... < +Inf < +NaN), and
//     every float32 sorts before every float64.
//   - Round trip: Unpack(t.Pack()) equals t with its integers widened as
//     listed above; NaN payloads are kept bit for bit.
//   - Foreign bytes: Unpack and UnpackExact never panic. They accept every
//     encoding the official bindings produce, including integers written
//     with more bytes than needed, and return a *DecodeError naming the
//     element and byte offset for anything else.
//
// Packing never retains its argument and unpacking never aliases its input.
// Tuples are plain slices: they are safe for concurrent reads, not writes.
//
// # Differences from the official Go bindings
//
//   - int8, int16, int32, uint8, uint16 and uint32 are encoded like the
//     other integers; the official package panics on some of them.
//   - Unpack returns errors, never panics, on malformed input, and rejects
//     strings that are not UTF-8.
//   - UnpackExact decodes into typed destinations and rejects any element
//     whose type or range does not match, and any trailing data.
//   - Pack panics only on programmer misuse (an unsupported Go type, a
//     string that is not UTF-8, an integer of more than 255 bytes, or an
//     incomplete versionstamp); PackErr returns those as errors. The
//     official package writes non-UTF-8 strings as they are, producing
//     records that strict readers, this package's included, cannot decode.
//   - Type codes this package does not produce (legacy nested tuples,
//     decimals, 80-bit versionstamps, user types) are rejected by Unpack.
package tuple
