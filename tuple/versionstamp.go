package tuple

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// UUID is a 16-byte universally unique identifier, encoded as type 0x30.
type UUID [16]byte

// String returns u in the canonical 8-4-4-4-12 hexadecimal form.
func (u UUID) String() string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Versionstamp is FoundationDB's 12-byte versionstamp (type 0x33): the
// 10-byte commit version the database assigns, followed by a user version
// that orders several versionstamps written by one transaction.
type Versionstamp struct {
	TransactionVersion [10]byte
	UserVersion        uint16
}

// incompleteVersion is the placeholder the database replaces at commit.
var incompleteVersion = [10]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// IncompleteVersionstamp returns a versionstamp whose transaction version is
// ten 0xFF bytes: a placeholder for PackWithVersionstamp.
func IncompleteVersionstamp(userVersion uint16) Versionstamp {
	return Versionstamp{TransactionVersion: incompleteVersion, UserVersion: userVersion}
}

// IsComplete reports whether v holds a real transaction version, that is,
// anything but ten 0xFF bytes.
func (v Versionstamp) IsComplete() bool {
	return v.TransactionVersion != incompleteVersion
}

// Bytes returns the 12-byte form: the transaction version followed by the
// user version in big-endian order.
func (v Versionstamp) Bytes() []byte {
	b := make([]byte, 12)
	copy(b, v.TransactionVersion[:])
	binary.BigEndian.PutUint16(b[10:], v.UserVersion)
	return b
}

// VersionstampFromBytes parses the 12-byte form returned by Bytes. Any other
// length is an error wrapping ErrVersionstampLength.
func VersionstampFromBytes(b []byte) (Versionstamp, error) {
	var v Versionstamp
	if len(b) != 12 {
		return v, fmt.Errorf("%w, got %d", ErrVersionstampLength, len(b))
	}
	copy(v.TransactionVersion[:], b)
	v.UserVersion = binary.BigEndian.Uint16(b[10:])
	return v, nil
}

// String returns the transaction version in hexadecimal, a colon and the
// user version in decimal, for example "0000000000000001ff00:3".
func (v Versionstamp) String() string {
	return fmt.Sprintf("%x:%d", v.TransactionVersion[:], v.UserVersion)
}
