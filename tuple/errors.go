package tuple

import (
	"errors"
	"fmt"
	"strings"
)

// Errors returned while packing. Pack panics with one of these; PackErr and
// PackWithVersionstamp return them wrapped.
var (
	// ErrUnsupportedType reports an element of a Go type the tuple layer
	// cannot encode.
	ErrUnsupportedType = errors.New("tuple: unsupported element type")
	// ErrIncompleteVersionstamp reports an incomplete versionstamp given to
	// Pack or PackErr, which cannot leave room for the database to fill it.
	ErrIncompleteVersionstamp = errors.New("tuple: incomplete versionstamp")
	// ErrNoIncompleteVersionstamp reports a tuple without an incomplete
	// versionstamp given to PackWithVersionstamp.
	ErrNoIncompleteVersionstamp = errors.New("tuple: no incomplete versionstamp")
	// ErrManyIncompleteVersionstamps reports a tuple holding more than one
	// incomplete versionstamp, counted through nested tuples.
	ErrManyIncompleteVersionstamps = errors.New(
		"tuple: more than one incomplete versionstamp")
	// ErrOffsetTooLarge reports a versionstamp placed past the 4-byte offset
	// that FoundationDB accepts.
	ErrOffsetTooLarge = errors.New("tuple: versionstamp offset does not fit 32 bits")
)

// Errors returned while decoding, always inside a *DecodeError.
var (
	// ErrTruncated reports input that ends inside an element.
	ErrTruncated = errors.New("tuple: truncated input")
	// ErrUnknownType reports a type code this package does not decode.
	ErrUnknownType = errors.New("tuple: unknown type code")
	// ErrTrailing reports elements or bytes left after the destinations of
	// UnpackExact are filled.
	ErrTrailing = errors.New("tuple: trailing data")
	// ErrMissing reports fewer elements than UnpackExact destinations.
	ErrMissing = errors.New("tuple: missing element")
	// ErrTypeMismatch reports an element whose type code does not match the
	// UnpackExact destination.
	ErrTypeMismatch = errors.New("tuple: type mismatch")
)

// Errors shared by packing and decoding.
var (
	// ErrRange reports an integer outside the range of its destination, or
	// one too large for the tuple layer (more than 255 bytes of magnitude).
	ErrRange = errors.New("tuple: integer out of range")
	// ErrBadDestination reports an UnpackExact destination that is nil or of
	// an unsupported type.
	ErrBadDestination = errors.New("tuple: unsupported destination")
	// ErrInvalidUTF8 reports a string that is not UTF-8: a string element
	// (code 0x02) being decoded, or a Go string being packed.
	ErrInvalidUTF8 = errors.New("tuple: invalid UTF-8 in string")
	// ErrVersionstampLength reports a versionstamp that is not 12 bytes.
	ErrVersionstampLength = errors.New("tuple: versionstamp must be 12 bytes")
)

// DecodeError is the error returned by Unpack and UnpackExact. It says where
// decoding failed; errors.Is matches the sentinel in Err.
type DecodeError struct {
	// Offset is the byte offset in the input where the failing element (or
	// the failing part of it) starts.
	Offset int
	// Index is the position of the failing top-level element, counting
	// from zero. A failure inside a nested tuple names the top-level tuple
	// holding it.
	Index int
	// Err is the cause, wrapping one of the package's sentinels.
	Err error
}

// Error returns "tuple: element INDEX at byte OFFSET: CAUSE".
func (e *DecodeError) Error() string {
	cause := strings.TrimPrefix(e.Err.Error(), "tuple: ")
	return fmt.Sprintf("tuple: element %d at byte %d: %s", e.Index, e.Offset, cause)
}

// Unwrap returns Err.
func (e *DecodeError) Unwrap() error { return e.Err }
