package tuple

import (
	"fmt"
	"math"
	"math/big"
	"reflect"
)

// UnpackExact decodes the packed top-level tuple b into dst, one pointer per
// element, and fails unless every element has the type its destination
// asks for. It is meant for reading records whose shape is fixed: bytes
// written by a newer or foreign writer give an error, never a wrong value.
//
// Destinations and the type codes they accept:
//
//   - *int, *int8, *int16, *int32, *int64, *uint, *uint8, *uint16, *uint32,
//     *uint64, *big.Int: any integer code; a value that does not fit is
//     ErrRange (a negative value for an unsigned destination too)
//   - *string: 0x02 (strings), which must be UTF-8
//   - *[]byte: 0x01 (byte strings); the slice is a fresh copy
//   - *bool: 0x26 and 0x27
//   - *float32: 0x20 only; *float64: 0x21 only
//   - *UUID: 0x30; *Versionstamp: 0x33; *Tuple: 0x05
//   - *any: any element, as Unpack returns it
//
// The error is a *DecodeError naming the element, wrapping ErrTypeMismatch,
// ErrRange, ErrMissing (fewer elements than destinations), ErrTrailing (any
// bytes left after the last destination), ErrBadDestination (a nil or
// unsupported destination, found before anything is decoded; Offset is then
// 0) or a decoding error of Unpack. Destinations before the failing element
// may already have been written.
func UnpackExact(b []byte, dst ...any) error {
	for i, p := range dst {
		if err := checkDestination(p); err != nil {
			return &DecodeError{Offset: 0, Index: i, Err: err}
		}
	}

	d := decoder{b: b}
	for ; d.index < len(dst); d.index++ {
		if d.pos >= len(b) {
			return d.fail(d.pos, fmt.Errorf("%w: input has %d of %d elements",
				ErrMissing, d.index, len(dst)))
		}
		start := d.pos
		code := b[start]
		v, err := d.element(false)
		if err != nil {
			return err
		}
		if err := assign(dst[d.index], code, v); err != nil {
			return d.fail(start, err)
		}
	}
	if d.pos < len(b) {
		return d.fail(d.pos, fmt.Errorf("%w: %d bytes remain after the last destination",
			ErrTrailing, len(b)-d.pos))
	}
	return nil
}

// checkDestination rejects destinations assign cannot write to.
func checkDestination(p any) error {
	switch p.(type) {
	case *int, *int8, *int16, *int32, *int64, *uint, *uint8, *uint16, *uint32,
		*uint64, *big.Int, *string, *[]byte, *bool, *float32, *float64, *UUID,
		*Versionstamp, *Tuple, *any:
	default:
		return fmt.Errorf("%w: %T", ErrBadDestination, p)
	}
	if reflect.ValueOf(p).IsNil() {
		return fmt.Errorf("%w: nil %T", ErrBadDestination, p)
	}
	return nil
}

// assign stores v, decoded from an element with type code code, in p.
func assign(p any, code byte, v any) error {
	if isInt(code) {
		return assignInt(p, code, v)
	}

	ok := true
	switch p := p.(type) {
	case *any:
		*p = v
	case *string:
		*p, ok = v.(string)
	case *[]byte:
		*p, ok = v.([]byte)
	case *bool:
		*p, ok = v.(bool)
	case *float32:
		*p, ok = v.(float32)
	case *float64:
		*p, ok = v.(float64)
	case *UUID:
		*p, ok = v.(UUID)
	case *Versionstamp:
		*p, ok = v.(Versionstamp)
	case *Tuple:
		*p, ok = v.(Tuple)
	default:
		ok = false
	}
	if !ok {
		return mismatch(p, code)
	}
	return nil
}

func isInt(code byte) bool {
	return code >= codeNegBig && code <= codePosBig
}

func mismatch(p any, code byte) error {
	return fmt.Errorf("%w: %s into %T", ErrTypeMismatch, codeName(code), p)
}

// assignInt stores the integer v (int64, uint64 or *big.Int) in p after
// checking that it fits.
func assignInt(p any, code byte, v any) error {
	switch p := p.(type) {
	case *any:
		*p = v
		return nil
	case *big.Int:
		p.Set(toBig(v))
		return nil
	case *int:
		return setSigned(p, v, math.MinInt, math.MaxInt)
	case *int8:
		return setSigned(p, v, math.MinInt8, math.MaxInt8)
	case *int16:
		return setSigned(p, v, math.MinInt16, math.MaxInt16)
	case *int32:
		return setSigned(p, v, math.MinInt32, math.MaxInt32)
	case *int64:
		return setSigned(p, v, math.MinInt64, math.MaxInt64)
	case *uint:
		return setUnsigned(p, v, math.MaxUint)
	case *uint8:
		return setUnsigned(p, v, math.MaxUint8)
	case *uint16:
		return setUnsigned(p, v, math.MaxUint16)
	case *uint32:
		return setUnsigned(p, v, math.MaxUint32)
	case *uint64:
		return setUnsigned(p, v, math.MaxUint64)
	}
	return mismatch(p, code)
}

type signed interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64
}

type unsigned interface {
	~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

func setSigned[T signed](p *T, v any, lo, hi int64) error {
	i, ok := v.(int64)
	if !ok || i < lo || i > hi {
		return fmt.Errorf("%w: %v does not fit %T", ErrRange, v, *p)
	}
	*p = T(i)
	return nil
}

func setUnsigned[T unsigned](p *T, v any, hi uint64) error {
	var u uint64
	switch x := v.(type) {
	case int64:
		if x < 0 {
			return fmt.Errorf("%w: negative %d into %T", ErrRange, x, *p)
		}
		u = uint64(x)
	case uint64:
		u = x
	default:
		return fmt.Errorf("%w: %v does not fit %T", ErrRange, v, *p)
	}
	if u > hi {
		return fmt.Errorf("%w: %d does not fit %T", ErrRange, u, *p)
	}
	*p = T(u)
	return nil
}

// toBig converts a decoded integer to a fresh *big.Int.
func toBig(v any) *big.Int {
	switch x := v.(type) {
	case int64:
		return big.NewInt(x)
	case uint64:
		return new(big.Int).SetUint64(x)
	case *big.Int:
		return new(big.Int).Set(x)
	}
	return new(big.Int)
}
