package fdbkv

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fdbelect/fdbelect/kv"
)

func TestRecovered(t *testing.T) {
	dbErr := kv.NewError(kv.CodeNotCommitted)
	wrapped := fmt.Errorf("reading the leader: %w", dbErr)
	tests := []struct {
		name      string
		value     any
		wantSame  bool // returned as it is
		wantPanic bool // wrapped in a *PanicError
		wantIs    error
	}{
		{name: "kv error", value: dbErr, wantSame: true, wantIs: kv.ErrNotCommitted},
		{name: "wrapped kv error", value: wrapped, wantSame: true, wantIs: kv.ErrNotCommitted},
		{name: "plain error", value: errPlain, wantPanic: true, wantIs: errPlain},
		{name: "string", value: "boom", wantPanic: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := recovered(tc.value)
			if tc.wantSame && err != tc.value {
				t.Errorf("recovered(%v) = %v, want the value itself", tc.value, err)
			}
			var pe *PanicError
			if got := errors.As(err, &pe); got != tc.wantPanic {
				t.Errorf("recovered(%v) is a PanicError: %v, want %v", tc.value, got, tc.wantPanic)
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("recovered(%v) = %v, want it to match %v", tc.value, err, tc.wantIs)
			}
		})
	}
}

func TestErrorMessagesArePrefixed(t *testing.T) {
	for _, err := range []error{
		ErrNotBuilt, ErrClosed, ErrAPIVersion, ErrInvalidArgument,
		&PanicError{Value: "x"},
		contextError(errPlain, false), contextError(errPlain, true),
	} {
		if !strings.HasPrefix(err.Error(), "fdbkv: ") {
			t.Errorf("error %q lacks the fdbkv: prefix", err)
		}
	}
}
