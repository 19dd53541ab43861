package main

import (
	"errors"
	"fmt"
	"strings"
)

// Errors of the CLI. Messages carry no "fdbelect:" prefix: main adds it when
// it prints the error.
var (
	// errUsage marks a bad flag value or argument.
	errUsage = errors.New("usage")

	// errNotLeader is returned by resign when the named process does not
	// lead.
	errNotLeader = errors.New("not the leader")

	// errViolation is returned by demo and simulate when the invariant
	// checker found a violation.
	errViolation = errors.New("invariant violated")
)

// usageError returns an error wrapping errUsage with a formatted message.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// exitError ends the process with a chosen status, for run propagating its
// command's exit status. A nil err prints nothing.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// exitCode returns the process status for err: the code of an exitError,
// 2 for usage errors, 1 otherwise.
func exitCode(err error) int {
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, errUsage):
		return 2
	}
	return 1
}

// errorLine renders err on one line, or "" for an exitError that carries no
// message (the command's own output already said everything).
func errorLine(err error) string {
	var ee *exitError
	if errors.As(err, &ee) && ee.err == nil {
		return ""
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}
