package election

import (
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	"github.com/fdbelect/fdbelect/tuple"
)

// Limits that keep every key and value acceptable to FoundationDB and to a
// 0.11.0 reader.
const (
	// MaxKeySize is FoundationDB's key size limit; a candidate key, which
	// holds the process id, must not exceed it.
	MaxKeySize = 10000

	maxUnixSec  = math.MaxUint64 / uint64(time.Second)
	maxUnixNsec = math.MaxUint64 % uint64(time.Second)
)

// epoch is the zero of the on-disk clock, the expiry of a vacant record.
var epoch = time.Unix(0, 0).UTC()

// unixNanos converts t to the unsigned nanoseconds since 1970 that the records
// store. It refuses instants before 1970 and after the year 2554, which do not
// fit; it does not use UnixNano, whose result is undefined after 2262.
func unixNanos(t time.Time) (uint64, error) {
	sec, nsec := t.Unix(), uint64(t.Nanosecond())
	if sec < 0 {
		return 0, fmt.Errorf("%w: time %v is before 1970", ErrInvalidArgument, t)
	}
	if s := uint64(sec); s > maxUnixSec || (s == maxUnixSec && nsec > maxUnixNsec) {
		return 0, fmt.Errorf("%w: time %v is after 2554", ErrInvalidArgument, t)
	}
	return uint64(sec)*uint64(time.Second) + nsec, nil
}

// fromUnixNanos is the inverse of unixNanos. The result is in UTC.
func fromUnixNanos(ns uint64) time.Time {
	sec := ns / uint64(time.Second)
	return time.Unix(int64(sec), int64(ns%uint64(time.Second))).UTC()
}

// checkID reports whether id can name a process: not empty and valid UTF-8,
// because 0.11.0 decodes ids strictly as strings. The key size limit is
// checked where the key is built.
func checkID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty process id", ErrInvalidArgument)
	}
	if !utf8.ValidString(id) {
		return fmt.Errorf("%w: process id %q is not valid UTF-8", ErrInvalidArgument, id)
	}
	return nil
}

// stampComplete reports whether v carries a commit version rather than the
// placeholder of a pending versionstamped write.
func stampComplete(v tuple.Versionstamp) bool {
	return v.IsComplete()
}

// invalid wraps a decoding failure of the named record as ErrInvalidState,
// keeping the tuple layer's error in the chain.
func invalid(record string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrInvalidState, record, err)
}
