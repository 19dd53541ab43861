package election

import (
	"fmt"

	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/tuple"
)

// Two records, under tuple names the 0.11.0 recipe never reads, make a
// resignation safe to act on at once:
//
//   - ("resigned",) holds (ballot u64): the ballot of a vacant record that
//     its holder wrote itself, after it had stopped acting as leader. A
//     vacancy with this mark may be claimed at once. A vacancy without it
//     (ResignLeadership called by another process, or a 0.11.0 process
//     clearing the record) may have been written while the holder still
//     believed it led, so an Elector waits a whole lease before claiming it.
//   - ("resign",) holds (leader_id string): a request that the named leader
//     resign. The leader watches it and resigns itself, with the mark, so
//     an operator's resignation hands over within a commit.

// ResignedKey returns the key of the self-resignation mark.
func (e *Election) ResignedKey() []byte { return e.ss.Pack(tuple.Tuple{"resigned"}) }

// ResignRequestKey returns the key of the resignation request.
func (e *Election) ResignRequestKey() []byte { return e.ss.Pack(tuple.Tuple{"resign"}) }

// RequestResignation asks the leader id to resign. A running Elector that
// leads as id resigns within one commit of seeing the request; nothing
// happens if id does not lead. The request is removed by the leader that
// honours it, or by the next one to see it.
func (e *Election) RequestResignation(tr kv.Transaction, id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	b, err := tuple.Tuple{id}.PackErr()
	if err != nil {
		return err
	}
	tr.Set(e.ResignRequestKey(), b)
	return nil
}

// markResigned writes the self-resignation mark for ballot.
func (e *Election) markResigned(tr kv.Transaction, ballot uint64) {
	tr.Set(e.ResignedKey(), tuple.Tuple{ballot}.Pack())
}

// waitResigned waits for f and decodes the self-resignation mark.
func waitResigned(f kv.FutureValue) (ballot uint64, ok bool, err error) {
	b, err := f.Get()
	if b == nil || err != nil {
		return 0, false, err
	}
	if err := tuple.UnpackExact(b, &ballot); err != nil {
		return 0, false, invalid("resignation mark", err)
	}
	return ballot, true, nil
}

// waitResignRequest waits for f and decodes the resignation request.
func waitResignRequest(f kv.FutureValue) (string, error) {
	b, err := f.Get()
	if b == nil || err != nil {
		return "", err
	}
	var id string
	if err := tuple.UnpackExact(b, &id); err != nil {
		return "", invalid("resignation request", err)
	}
	if id == "" {
		return "", fmt.Errorf("%w: resignation request names no process", ErrInvalidState)
	}
	return id, nil
}
