package fdbkv

import (
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/fdbelect/fdbelect/kv"
)

// Errors returned by this package. Database errors are *kv.Error values
// carrying FoundationDB's code; these sentinels cover the rest.
var (
	// ErrNotBuilt is returned by Open, Transact and ReadTransact in a binary
	// built without the fdb build tag. Its message says how to build one
	// with FoundationDB support.
	ErrNotBuilt = errors.New("fdbkv: this binary was built without FoundationDB " +
		"support: install the FoundationDB client package 7.3.x (libfdb_c and " +
		"the foundationdb/fdb_c.h header, API version 730) and build with " +
		"-tags fdb, for example: go build -tags fdb ./cmd/fdbelect")

	// ErrClosed is returned by Transact and ReadTransact after Close.
	ErrClosed = errors.New("fdbkv: database closed")

	// ErrAPIVersion is returned by Open and Wrap when the process has
	// already selected a FoundationDB API version other than APIVersion.
	// The bindings allow one version per process.
	ErrAPIVersion = errors.New("fdbkv: FoundationDB API version conflict")

	// ErrInvalidArgument is returned for a nil context, a nil transaction
	// function or a zero database handle.
	ErrInvalidArgument = errors.New("fdbkv: invalid argument")
)

// PanicError is the error returned when the FoundationDB bindings panicked
// inside this package, with something other than a database error. No
// panic of the bindings leaves this package; this error carries it instead.
// (A panic raised by the caller's own transaction function is the caller's
// and is not recovered, except MustGet's, which becomes its error.)
type PanicError struct {
	// Value is what was passed to panic.
	Value any

	// Stack is the goroutine's stack where the panic was recovered.
	Stack []byte
}

// Error returns "fdbkv: recovered panic: VALUE".
func (e *PanicError) Error() string {
	return fmt.Sprintf("fdbkv: recovered panic: %v", e.Value)
}

// Unwrap returns the panic value when it is an error, so that errors.Is and
// errors.As see through a PanicError.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// recovered turns a value returned by recover into an error. A *kv.Error,
// possibly wrapped, comes back as it is; anything else becomes a
// *PanicError.
func recovered(p any) error {
	if err, ok := p.(error); ok {
		if _, isDB := kv.Code(err); isDB {
			return err
		}
	}
	return &PanicError{Value: p, Stack: debug.Stack()}
}
