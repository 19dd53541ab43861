package election

import (
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/tuple"
)

// HandoffRequest asks the sitting leader to hand its lease to a candidate of
// higher priority. It is stored under ("handoff",) in the election's
// subspace, a name the 0.11.0 recipe never reads, as the tuple
// (requester_id string, priority i32, versionstamp, requested_at_unix_ns u64).
//
// Preemption in 0.11.0 lets the higher-priority candidate overwrite the
// leader record while the incumbent still believes it leads. The Elector
// instead writes a request and lets the incumbent hand over in one
// transaction, so there is no instant with two leaders.
type HandoffRequest struct {
	// RequesterID is the candidate that asks for leadership.
	RequesterID string

	// Priority is the requester's priority when it asked.
	Priority int32

	// Versionstamp is the requester's registration versionstamp, so the
	// incumbent hands over to that incarnation and no other.
	Versionstamp tuple.Versionstamp

	// RequestedAt is the requester's wall-clock time when it asked.
	RequestedAt time.Time
}

// HandoffKey returns the key of the handoff request record.
func (e *Election) HandoffKey() []byte {
	return e.ss.Pack(tuple.Tuple{"handoff"})
}

// EncodeHandoff returns the stored form of r.
func EncodeHandoff(r HandoffRequest) ([]byte, error) {
	if err := checkID(r.RequesterID); err != nil {
		return nil, err
	}
	if !stampComplete(r.Versionstamp) {
		return nil, fmt.Errorf("%w: handoff request needs a complete versionstamp",
			ErrInvalidArgument)
	}
	ns, err := unixNanos(r.RequestedAt)
	if err != nil {
		return nil, err
	}
	return tuple.Tuple{r.RequesterID, r.Priority, r.Versionstamp, ns}.PackErr()
}

// DecodeHandoff parses a stored handoff request strictly.
func DecodeHandoff(b []byte) (HandoffRequest, error) {
	var r HandoffRequest
	var ns uint64
	err := tuple.UnpackExact(b, &r.RequesterID, &r.Priority, &r.Versionstamp, &ns)
	if err != nil {
		return HandoffRequest{}, invalid("handoff request", err)
	}
	r.RequestedAt = fromUnixNanos(ns)
	return r, nil
}

// waitHandoff waits for f and decodes the handoff request it read, if any.
func waitHandoff(f kv.FutureValue) (*HandoffRequest, error) {
	b, err := f.Get()
	if b == nil || err != nil {
		return nil, err
	}
	r, err := DecodeHandoff(b)
	if err != nil {
		return nil, err
	}
	return &r, nil
}
