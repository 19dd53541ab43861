package tuple

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"
)

// encoder appends packed elements to buf. It records where the last
// incomplete versionstamp's transaction version starts and how many it saw.
type encoder struct {
	buf     []byte
	vsPos   int
	vsCount int
}

// elementError carries a packing failure up through nested tuples,
// collecting the index of the failing element at each level.
type elementError struct {
	path []int
	err  error
}

func (e *elementError) Error() string { return e.err.Error() }

// pack encodes t at the top level and names the failing element in errors.
func (e *encoder) pack(t Tuple) error {
	err := e.tuple(t, false)
	if err == nil {
		return nil
	}
	ee := err.(*elementError)
	at := make([]string, len(ee.path))
	for i, p := range ee.path {
		at[i] = strconv.Itoa(p)
	}
	return fmt.Errorf("%w (element %s)", ee.err, strings.Join(at, "."))
}

func (e *encoder) tuple(t Tuple, nested bool) error {
	for i, el := range t {
		err := e.element(el, nested)
		if err == nil {
			continue
		}
		if ee, ok := err.(*elementError); ok {
			ee.path = append([]int{i}, ee.path...)
			return ee
		}
		return &elementError{path: []int{i}, err: err}
	}
	return nil
}

func (e *encoder) element(el any, nested bool) error {
	switch v := el.(type) {
	case nil:
		e.buf = append(e.buf, codeNil)
		if nested {
			e.buf = append(e.buf, escape)
		}
	case []byte:
		e.buf = appendEscaped(e.buf, codeBytes, v)
	case string:
		// Readers (this package, the Rust crate) reject such strings, so
		// writing one would store a record nobody can read back.
		if !utf8.ValidString(v) {
			return fmt.Errorf("%w: %q", ErrInvalidUTF8, v)
		}
		e.buf = appendEscaped(e.buf, codeString, v)
	case Tuple:
		e.buf = append(e.buf, codeNested)
		if err := e.tuple(v, true); err != nil {
			return err
		}
		e.buf = append(e.buf, 0x00)
	case bool:
		if v {
			e.buf = append(e.buf, codeTrue)
		} else {
			e.buf = append(e.buf, codeFalse)
		}
	case float32:
		e.buf = append(e.buf, codeFloat)
		e.buf = binary.BigEndian.AppendUint32(e.buf, orderFloat32(math.Float32bits(v)))
	case float64:
		e.buf = append(e.buf, codeDouble)
		e.buf = binary.BigEndian.AppendUint64(e.buf, orderFloat64(math.Float64bits(v)))
	case UUID:
		e.buf = append(e.buf, codeUUID)
		e.buf = append(e.buf, v[:]...)
	case Versionstamp:
		e.versionstamp(v)
	case *big.Int:
		if v == nil {
			return fmt.Errorf("%w: nil *big.Int", ErrUnsupportedType)
		}
		return e.bigInt(v)
	case big.Int:
		return e.bigInt(&v)
	default:
		return e.integer(el)
	}
	return nil
}

// integer encodes the Go integer types; anything else is unsupported.
func (e *encoder) integer(el any) error {
	switch v := el.(type) {
	case int:
		e.int64(int64(v))
	case int8:
		e.int64(int64(v))
	case int16:
		e.int64(int64(v))
	case int32:
		e.int64(int64(v))
	case int64:
		e.int64(v)
	case uint:
		e.uint64(uint64(v))
	case uint8:
		e.uint64(uint64(v))
	case uint16:
		e.uint64(uint64(v))
	case uint32:
		e.uint64(uint64(v))
	case uint64:
		e.uint64(v)
	default:
		return fmt.Errorf("%w: %T", ErrUnsupportedType, el)
	}
	return nil
}

// appendEscaped appends code, s with each 0x00 written as 0x00 0xFF, and
// the 0x00 terminator.
func appendEscaped[S string | []byte](b []byte, code byte, s S) []byte {
	b = append(b, code)
	for i := 0; i < len(s); i++ {
		b = append(b, s[i])
		if s[i] == 0x00 {
			b = append(b, escape)
		}
	}
	return append(b, 0x00)
}

func (e *encoder) versionstamp(v Versionstamp) {
	e.buf = append(e.buf, codeVersionstmp)
	if !v.IsComplete() {
		e.vsPos = len(e.buf)
		e.vsCount++
	}
	e.buf = append(e.buf, v.TransactionVersion[:]...)
	e.buf = binary.BigEndian.AppendUint16(e.buf, v.UserVersion)
}

func (e *encoder) int64(v int64) {
	if v >= 0 {
		e.uint64(uint64(v))
		return
	}
	// Two's complement negation gives |v| even for math.MinInt64.
	e.negative(^uint64(v) + 1)
}

// uint64 appends a non-negative integer in its minimal big-endian form,
// with the byte count folded into the type code.
func (e *encoder) uint64(u uint64) {
	n := byteLen(u)
	e.buf = append(e.buf, byte(codeIntZero+n))
	e.buf = appendLow(e.buf, u, n)
}

// negative appends -abs for 0 < abs < 2^64: the one's complement of abs in
// the fewest bytes that hold abs.
func (e *encoder) negative(abs uint64) {
	n := byteLen(abs)
	e.buf = append(e.buf, byte(codeIntZero-n))
	e.buf = appendLow(e.buf, ^abs, n)
}

// bigInt encodes v in the 1 to 8 byte forms when its magnitude fits 64
// bits, and in the length-prefixed 0x1d/0x0b forms otherwise.
func (e *encoder) bigInt(v *big.Int) error {
	if v.IsInt64() {
		e.int64(v.Int64())
		return nil
	}
	if v.IsUint64() {
		e.uint64(v.Uint64())
		return nil
	}

	mag := new(big.Int).Abs(v)
	if mag.IsUint64() {
		e.negative(mag.Uint64())
		return nil
	}
	b := mag.Bytes()
	if len(b) > 255 {
		return fmt.Errorf("%w: %d bytes of magnitude, at most 255", ErrRange, len(b))
	}
	if v.Sign() > 0 {
		e.buf = append(e.buf, codePosBig, byte(len(b)))
		e.buf = append(e.buf, b...)
		return nil
	}
	e.buf = append(e.buf, codeNegBig, byte(len(b))^0xff)
	for _, c := range b {
		e.buf = append(e.buf, ^c)
	}
	return nil
}

// byteLen returns how many bytes hold u without leading zero bytes.
func byteLen(u uint64) int {
	return (bits.Len64(u) + 7) / 8
}

// appendLow appends the low n bytes of u, most significant first.
func appendLow(b []byte, u uint64, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		b = append(b, byte(u>>(8*i)))
	}
	return b
}

// orderFloat32 maps IEEE 754 bits to bits whose unsigned order is the
// float's total order: negative values have every bit flipped, the others
// only the sign bit. unorderFloat32 undoes it.
func orderFloat32(u uint32) uint32 {
	if u&(1<<31) != 0 {
		return ^u
	}
	return u | 1<<31
}

func unorderFloat32(u uint32) uint32 {
	if u&(1<<31) != 0 {
		return u &^ (1 << 31)
	}
	return ^u
}

// orderFloat64 is orderFloat32 for 64-bit floats.
func orderFloat64(u uint64) uint64 {
	if u&(1<<63) != 0 {
		return ^u
	}
	return u | 1<<63
}

func unorderFloat64(u uint64) uint64 {
	if u&(1<<63) != 0 {
		return u &^ (1 << 63)
	}
	return ^u
}
