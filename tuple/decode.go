package tuple

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"unicode/utf8"
)

// Unpack decodes a packed tuple. It accepts every encoding FoundationDB's
// bindings produce, including integers in more bytes than needed, and
// returns a *DecodeError for anything else: truncated input, unknown type
// codes, strings that are not UTF-8. It never panics. Empty input is the
// empty tuple.
func Unpack(b []byte) (Tuple, error) {
	d := decoder{b: b}
	t := Tuple{}
	for ; d.pos < len(d.b); d.index++ {
		el, err := d.element(false)
		if err != nil {
			return nil, err
		}
		t = append(t, el)
	}
	return t, nil
}

// decoder reads elements from b starting at pos. index is the top-level
// element being read, reported in errors.
type decoder struct {
	b     []byte
	pos   int
	index int
}

// fail returns a *DecodeError for a failure at offset.
func (d *decoder) fail(offset int, err error) error {
	return &DecodeError{Offset: offset, Index: d.index, Err: err}
}

// take returns the next n bytes, or an error when fewer remain. start is the
// offset of the element being read.
func (d *decoder) take(start, n int) ([]byte, error) {
	if n > len(d.b)-d.pos {
		return nil, d.fail(start, fmt.Errorf("%w: %s needs %d more bytes, %d left",
			ErrTruncated, codeName(d.b[start]), n, len(d.b)-d.pos))
	}
	s := d.b[d.pos : d.pos+n]
	d.pos += n
	return s, nil
}

// element decodes one element at pos. Inside a nested tuple, nil is the two
// bytes 0x00 0xFF; the caller has already checked that pos is not the
// nested tuple's terminator.
func (d *decoder) element(nested bool) (any, error) {
	start := d.pos
	code := d.b[start]
	d.pos++

	switch {
	case code == codeNil:
		if nested {
			d.pos++
		}
		return nil, nil
	case code == codeBytes:
		return d.escaped(start)
	case code == codeString:
		return d.str(start)
	case code == codeNested:
		return d.nested(start)
	case code > codeNegBig && code < codePosBig:
		return d.smallInt(start, code)
	case code == codeNegBig || code == codePosBig:
		return d.bigInt(start, code)
	case code == codeFloat:
		s, err := d.take(start, 4)
		if err != nil {
			return nil, err
		}
		return math.Float32frombits(unorderFloat32(binary.BigEndian.Uint32(s))), nil
	case code == codeDouble:
		s, err := d.take(start, 8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(unorderFloat64(binary.BigEndian.Uint64(s))), nil
	case code == codeFalse || code == codeTrue:
		return code == codeTrue, nil
	case code == codeUUID:
		s, err := d.take(start, 16)
		if err != nil {
			return nil, err
		}
		return UUID(s), nil
	case code == codeVersionstmp:
		s, err := d.take(start, 12)
		if err != nil {
			return nil, err
		}
		v, _ := VersionstampFromBytes(s)
		return v, nil
	}
	return nil, d.fail(start, fmt.Errorf("%w 0x%02x", ErrUnknownType, code))
}

// escaped decodes the body of a byte string: bytes up to an unescaped 0x00,
// with 0x00 0xFF standing for 0x00. The result is a fresh slice.
func (d *decoder) escaped(start int) ([]byte, error) {
	out := []byte{}
	for i := d.pos; i < len(d.b); {
		z := bytes.IndexByte(d.b[i:], 0x00)
		if z < 0 {
			break
		}
		out = append(out, d.b[i:i+z]...)
		i += z
		if i+1 < len(d.b) && d.b[i+1] == escape {
			out = append(out, 0x00)
			i += 2
			continue
		}
		d.pos = i + 1
		return out, nil
	}
	return nil, d.fail(start, fmt.Errorf("%w: %s has no terminating 0x00",
		ErrTruncated, codeName(d.b[start])))
}

func (d *decoder) str(start int) (string, error) {
	b, err := d.escaped(start)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", d.fail(start, ErrInvalidUTF8)
	}
	return string(b), nil
}

// nested decodes elements up to the 0x00 that ends a nested tuple; a 0x00
// followed by 0xFF is a nil element, not the end.
func (d *decoder) nested(start int) (Tuple, error) {
	t := Tuple{}
	for d.pos < len(d.b) {
		if d.b[d.pos] == 0x00 && (d.pos+1 == len(d.b) || d.b[d.pos+1] != escape) {
			d.pos++
			return t, nil
		}
		el, err := d.element(true)
		if err != nil {
			return nil, err
		}
		t = append(t, el)
	}
	return nil, d.fail(start, fmt.Errorf("%w: nested tuple has no terminating 0x00",
		ErrTruncated))
}

// smallInt decodes codes 0x0c to 0x1c: up to 8 big-endian bytes, one's
// complemented for negative values.
func (d *decoder) smallInt(start int, code byte) (any, error) {
	n := int(code) - codeIntZero
	if n < 0 {
		n = -n
	}
	s, err := d.take(start, n)
	if err != nil {
		return nil, err
	}

	var u uint64
	for _, c := range s {
		u = u<<8 | uint64(c)
	}
	if code >= codeIntZero {
		if u <= math.MaxInt64 {
			return int64(u), nil
		}
		return u, nil
	}

	// The stored value is the one's complement of the magnitude in n bytes.
	abs := ^u
	if n < 8 {
		abs &= 1<<(8*n) - 1
	}
	if abs <= 1<<63 {
		return int64(^abs + 1), nil
	}
	return new(big.Int).Neg(new(big.Int).SetUint64(abs)), nil
}

// bigInt decodes codes 0x0b and 0x1d: a length byte (one's complemented for
// negative values) and that many magnitude bytes (likewise).
func (d *decoder) bigInt(start int, code byte) (any, error) {
	l, err := d.take(start, 1)
	if err != nil {
		return nil, err
	}
	n := int(l[0])
	if code == codeNegBig {
		n ^= 0xff
	}
	s, err := d.take(start, n)
	if err != nil {
		return nil, err
	}

	mag := make([]byte, n)
	copy(mag, s)
	if code == codeNegBig {
		for i := range mag {
			mag[i] = ^mag[i]
		}
	}
	v := new(big.Int).SetBytes(mag)
	if code == codeNegBig {
		v.Neg(v)
	}
	return narrow(v), nil
}

// narrow returns v as int64 or uint64 when it fits, as Unpack promises.
func narrow(v *big.Int) any {
	if v.IsInt64() {
		return v.Int64()
	}
	if v.IsUint64() {
		return v.Uint64()
	}
	return v
}

// codeName describes a type code for error messages.
func codeName(code byte) string {
	switch {
	case code == codeNil:
		return "nil (0x00)"
	case code == codeBytes:
		return "bytes (0x01)"
	case code == codeString:
		return "string (0x02)"
	case code == codeNested:
		return "tuple (0x05)"
	case code >= codeNegBig && code <= codePosBig:
		return fmt.Sprintf("integer (0x%02x)", code)
	case code == codeFloat:
		return "float32 (0x20)"
	case code == codeDouble:
		return "float64 (0x21)"
	case code == codeFalse || code == codeTrue:
		return fmt.Sprintf("bool (0x%02x)", code)
	case code == codeUUID:
		return "UUID (0x30)"
	case code == codeVersionstmp:
		return "versionstamp (0x33)"
	}
	return fmt.Sprintf("unknown (0x%02x)", code)
}
