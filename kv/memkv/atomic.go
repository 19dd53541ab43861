package memkv

import "bytes"

// opKind is an atomic operation, named after FoundationDB's mutation types.
type opKind uint8

const (
	opAdd opKind = iota
	opAnd
	opOr
	opXor
	opAppendIfFits
	opMax
	opMin
	opByteMax
	opByteMin
	opCompareAndClear
)

// atomicOp is one pending atomic operation on a key.
type atomicOp struct {
	kind  opKind
	param []byte
}

// apply returns the value after op on a stored value (present or not), with
// FoundationDB's rules (API version 510 and later): a missing value makes
// AND, MIN, BYTE_MIN, BYTE_MAX, MAX and APPEND_IF_FITS store param, while
// ADD, OR and XOR treat it as zeros; a present value is zero-extended or
// truncated to len(param) before ADD, AND, OR, XOR, MAX and MIN.
func (op atomicOp) apply(old []byte, present bool) ([]byte, bool) {
	p := op.param
	switch op.kind {
	case opAdd:
		return add(old, p), true
	case opAnd:
		if !present {
			return p, true
		}
		return bitwise(old, p, func(a, b byte) byte { return a & b }), true
	case opOr:
		return bitwise(old, p, func(a, b byte) byte { return a | b }), true
	case opXor:
		return bitwise(old, p, func(a, b byte) byte { return a ^ b }), true
	case opAppendIfFits:
		if !present {
			return p, true
		}
		if len(old)+len(p) > maxValueSize {
			return old, true
		}
		return append(append(make([]byte, 0, len(old)+len(p)), old...), p...), true
	case opMax, opMin:
		if !present {
			return p, true
		}
		o := fitLength(old, len(p))
		c := compareLE(o, p)
		if (op.kind == opMax && c > 0) || (op.kind == opMin && c < 0) {
			return o, true
		}
		return p, true
	case opByteMax, opByteMin:
		if !present {
			return p, true
		}
		c := bytes.Compare(old, p)
		if (op.kind == opByteMax && c > 0) || (op.kind == opByteMin && c < 0) {
			return old, true
		}
		return p, true
	case opCompareAndClear:
		if present && bytes.Equal(old, p) {
			return nil, false
		}
		return old, present
	}
	return old, present
}

// fitLength returns v zero-extended or truncated to n bytes.
func fitLength(v []byte, n int) []byte {
	out := make([]byte, n)
	copy(out, v)
	return out
}

// add returns the little-endian sum of old and p, len(p) bytes long.
func add(old, p []byte) []byte {
	out := make([]byte, len(p))
	carry := 0
	for i := range p {
		s := int(p[i]) + carry
		if i < len(old) {
			s += int(old[i])
		}
		out[i] = byte(s)
		carry = s >> 8
	}
	return out
}

// bitwise combines old, fitted to len(p), with p byte by byte.
func bitwise(old, p []byte, f func(a, b byte) byte) []byte {
	out := make([]byte, len(p))
	for i := range p {
		var a byte
		if i < len(old) {
			a = old[i]
		}
		out[i] = f(a, p[i])
	}
	return out
}

// compareLE compares two equal-length little-endian unsigned integers.
func compareLE(a, b []byte) int {
	for i := len(a) - 1; i >= 0; i-- {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	return 0
}
