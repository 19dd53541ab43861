package tuple

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Tuple is an ordered list of elements. The element types Pack accepts are
// listed in the package documentation.
type Tuple []any

// Type codes of the tuple layer.
const (
	codeNil         = 0x00
	codeBytes       = 0x01
	codeString      = 0x02
	codeNested      = 0x05
	codeNegBig      = 0x0b
	codeIntZero     = 0x14
	codePosBig      = 0x1d
	codeFloat       = 0x20
	codeDouble      = 0x21
	codeFalse       = 0x26
	codeTrue        = 0x27
	codeUUID        = 0x30
	codeVersionstmp = 0x33

	// escape follows a 0x00 inside bytes, strings and nested tuples.
	escape = 0xff
)

// Pack encodes t in the tuple layer's format. Pack panics only on
// programmer misuse: an element of an unsupported Go type, a string that is
// not UTF-8 (use []byte for binary data), an integer of more than 255 bytes,
// or an incomplete versionstamp (use PackWithVersionstamp for those).
// PackErr returns the same bytes, or an error instead of panicking.
func (t Tuple) Pack() []byte {
	b, err := t.PackErr()
	if err != nil {
		panic(err)
	}
	return b
}

// PackErr encodes t like Pack, returning an error wrapping
// ErrUnsupportedType, ErrInvalidUTF8, ErrRange or ErrIncompleteVersionstamp
// instead of panicking. The error names the failing element by its index,
// with one index per level of nesting ("element 2.0").
func (t Tuple) PackErr() ([]byte, error) {
	e := encoder{buf: make([]byte, 0, 64), vsPos: -1}
	if err := e.pack(t); err != nil {
		return nil, err
	}
	if e.vsCount > 0 {
		return nil, fmt.Errorf("%w: use PackWithVersionstamp", ErrIncompleteVersionstamp)
	}
	return e.buf, nil
}

// PackWithVersionstamp returns prefix, then t packed, then the 4-byte
// little-endian offset of the incomplete versionstamp's transaction version
// within the returned slice: the operand of FoundationDB's
// SET_VERSIONSTAMPED_KEY and SET_VERSIONSTAMPED_VALUE operations. t must hold
// exactly one incomplete versionstamp, counted through nested tuples.
func (t Tuple) PackWithVersionstamp(prefix []byte) ([]byte, error) {
	e := encoder{buf: make([]byte, len(prefix), len(prefix)+64), vsPos: -1}
	copy(e.buf, prefix)
	if err := e.pack(t); err != nil {
		return nil, err
	}

	switch {
	case e.vsCount == 0:
		return nil, ErrNoIncompleteVersionstamp
	case e.vsCount > 1:
		return nil, ErrManyIncompleteVersionstamps
	case uint64(e.vsPos) > math.MaxUint32:
		return nil, ErrOffsetTooLarge
	}
	return binary.LittleEndian.AppendUint32(e.buf, uint32(e.vsPos)), nil
}

// HasIncompleteVersionstamp reports whether t holds an incomplete
// versionstamp, looking into nested tuples. The error wraps
// ErrManyIncompleteVersionstamps when it holds more than one; elements of
// other types are not checked.
func (t Tuple) HasIncompleteVersionstamp() (bool, error) {
	n := countIncomplete(t)
	if n > 1 {
		return true, fmt.Errorf("%w: found %d", ErrManyIncompleteVersionstamps, n)
	}
	return n == 1, nil
}

func countIncomplete(t Tuple) int {
	n := 0
	for _, el := range t {
		switch v := el.(type) {
		case Versionstamp:
			if !v.IsComplete() {
				n++
			}
		case Tuple:
			n += countIncomplete(v)
		}
	}
	return n
}
