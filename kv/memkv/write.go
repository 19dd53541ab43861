package memkv

import (
	"bytes"
	"encoding/binary"

	"github.com/fdbelect/fdbelect/kv"
)

// fail records the first write error; every later call and the commit
// report it, as FoundationDB's client does for errors of calls that return
// nothing.
func (t *Txn) fail(code int) {
	if t.deferred == nil {
		t.deferred = kv.NewError(code)
	}
}

// writable checks a key about to be written and reports whether to go on.
func (t *Txn) writable(key []byte) bool {
	if t.usable() != nil {
		return false
	}
	switch {
	case systemKey(key):
		t.fail(kv.CodeKeyOutsideLegalRange)
	case len(key) > maxKeySize:
		t.fail(kv.CodeKeyTooLarge)
	default:
		return true
	}
	return false
}

// Set writes value at key.
func (t *Txn) Set(key, value []byte) {
	if !t.writable(key) {
		return
	}
	if len(value) > maxValueSize {
		t.fail(kv.CodeValueTooLarge)
		return
	}
	e := t.upsert(key)
	e.base, e.val, e.ops = baseSet, t.copyBytes(value), nil
	t.size += len(key) + len(value)
}

// Clear removes key. A key longer than the key size limit cannot exist, so
// clearing one does nothing, as in FoundationDB.
func (t *Txn) Clear(key []byte) {
	if t.usable() != nil {
		return
	}
	if systemKey(key) {
		t.fail(kv.CodeKeyOutsideLegalRange)
		return
	}
	if len(key) > maxKeySize {
		return
	}
	e := t.upsert(key)
	e.base, e.val, e.ops = baseAbsent, nil, nil
	t.size += len(key)
}

// ClearRange removes every key in [r.Begin, r.End). An inverted range
// fails the transaction with inverted_range (2005).
func (t *Txn) ClearRange(r kv.Range) {
	if t.usable() != nil {
		return
	}
	switch c := bytes.Compare(r.Begin, r.End); {
	case c > 0:
		t.fail(kv.CodeInvertedRange)
		return
	case bytes.Compare(r.End, []byte{0xff}) > 0:
		t.fail(kv.CodeKeyOutsideLegalRange)
		return
	case c == 0:
		return
	}

	r = kv.Range{Begin: t.copyBytes(r.Begin), End: t.copyBytes(r.End)}
	t.writes.ascendRange(r.Begin, r.End, func(e *wentry) bool {
		e.base, e.val, e.ops = baseAbsent, nil, nil
		return true
	})
	t.addClear(r)
	t.size += 2 * (len(r.Begin) + len(r.End))
}

// atomic queues an atomic operation on key.
func (t *Txn) atomic(kind opKind, key, param []byte) {
	if !t.writable(key) {
		return
	}
	if len(param) > maxValueSize {
		t.fail(kv.CodeValueTooLarge)
		return
	}
	e := t.upsert(key)
	e.ops = append(e.ops, atomicOp{kind: kind, param: t.copyBytes(param)})
	t.size += len(key) + len(param)
}

// Add adds param to the stored value as little-endian integers.
func (t *Txn) Add(key, param []byte) { t.atomic(opAdd, key, param) }

// BitAnd stores the bitwise AND of the stored value and param.
func (t *Txn) BitAnd(key, param []byte) { t.atomic(opAnd, key, param) }

// BitOr stores the bitwise OR of the stored value and param.
func (t *Txn) BitOr(key, param []byte) { t.atomic(opOr, key, param) }

// BitXor stores the bitwise XOR of the stored value and param.
func (t *Txn) BitXor(key, param []byte) { t.atomic(opXor, key, param) }

// AppendIfFits appends param unless the value would exceed the size limit.
func (t *Txn) AppendIfFits(key, param []byte) { t.atomic(opAppendIfFits, key, param) }

// Max stores the larger of the stored value and param (little-endian).
func (t *Txn) Max(key, param []byte) { t.atomic(opMax, key, param) }

// Min stores the smaller of the stored value and param (little-endian).
func (t *Txn) Min(key, param []byte) { t.atomic(opMin, key, param) }

// ByteMax stores the lexicographically larger of the stored value and param.
func (t *Txn) ByteMax(key, param []byte) { t.atomic(opByteMax, key, param) }

// ByteMin stores the lexicographically smaller of the stored value and param.
func (t *Txn) ByteMin(key, param []byte) { t.atomic(opByteMin, key, param) }

// CompareAndClear clears key if its stored value equals param.
func (t *Txn) CompareAndClear(key, param []byte) { t.atomic(opCompareAndClear, key, param) }

// stampOffset splits the trailing little-endian offset off b and checks
// that ten bytes fit there, failing with client_invalid_operation (2000)
// otherwise, as FoundationDB does.
func (t *Txn) stampOffset(b []byte) ([]byte, int, bool) {
	if len(b) < 4 {
		t.fail(kv.CodeClientInvalidOperation)
		return nil, 0, false
	}
	body := b[:len(b)-4]
	pos := int64(int32(binary.LittleEndian.Uint32(b[len(b)-4:])))
	if pos < 0 || pos+10 > int64(len(body)) {
		t.fail(kv.CodeClientInvalidOperation)
		return nil, 0, false
	}
	return body, int(pos), true
}

// SetVersionstampedKey writes param at key with the commit's versionstamp
// at the offset held in key's last four bytes. Until the commit, reads of
// the keys it may produce fail with accessed_unreadable (1036).
func (t *Txn) SetVersionstampedKey(key, param []byte) {
	if t.usable() != nil {
		return
	}
	body, pos, ok := t.stampOffset(key)
	if !ok || !t.writable(body) {
		return
	}
	if len(param) > maxValueSize {
		t.fail(kv.CodeValueTooLarge)
		return
	}

	body = t.copyBytes(body)
	t.vsKeys = append(t.vsKeys, vsKey{key: body, pos: pos, param: t.copyBytes(param)})

	// The key will hold a version above the read version (or any, if none
	// was taken yet), so that span is what this transaction cannot read.
	var low [10]byte
	if t.hasRV {
		low = stamp(t.rv + 1)
	}
	begin := substitute(body, pos, &low)
	endStamp := [10]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	end := keyAfter(substitute(body, pos, &endStamp))
	t.unreadable = append(t.unreadable, kv.Range{Begin: begin, End: end})
	t.size += 3*len(body) + len(param)
}

// SetVersionstampedValue writes at key param with the commit's
// versionstamp at the offset held in its last four bytes. Reading key in
// this transaction afterwards fails with accessed_unreadable (1036).
func (t *Txn) SetVersionstampedValue(key, param []byte) {
	if !t.writable(key) {
		return
	}
	body, pos, ok := t.stampOffset(param)
	if !ok {
		return
	}
	if len(body) > maxValueSize {
		t.fail(kv.CodeValueTooLarge)
		return
	}
	e := t.upsert(key)
	e.base, e.val, e.pos, e.ops = baseStamp, t.copyBytes(body), pos, nil
	t.size += len(key) + len(body)
}

// checkRange validates an explicit conflict range.
func (t *Txn) checkRange(r kv.Range) error {
	if err := t.usable(); err != nil {
		return err
	}
	if bytes.Compare(r.Begin, r.End) > 0 {
		return kv.NewError(kv.CodeInvertedRange)
	}
	if bytes.Compare(r.End, []byte{0xff}) > 0 {
		return kv.NewError(kv.CodeKeyOutsideLegalRange)
	}
	return nil
}

// AddReadConflictKey adds key to the read conflict set.
func (t *Txn) AddReadConflictKey(key []byte) error {
	return t.AddReadConflictRange(kv.Range{Begin: key, End: keyAfter(key)})
}

// AddReadConflictRange adds [r.Begin, r.End) to the read conflict set.
func (t *Txn) AddReadConflictRange(r kv.Range) error {
	if err := t.checkRange(r); err != nil {
		return err
	}
	if bytes.Equal(r.Begin, r.End) {
		return nil
	}
	t.readVersion()
	t.addReadConflict(r, true)
	return nil
}

// AddWriteConflictKey adds key to the write conflict set.
func (t *Txn) AddWriteConflictKey(key []byte) error {
	return t.AddWriteConflictRange(kv.Range{Begin: key, End: keyAfter(key)})
}

// AddWriteConflictRange adds [r.Begin, r.End) to the write conflict set.
func (t *Txn) AddWriteConflictRange(r kv.Range) error {
	if err := t.checkRange(r); err != nil {
		return err
	}
	if bytes.Equal(r.Begin, r.End) {
		return nil
	}
	t.writeConf = append(t.writeConf, kv.Range{
		Begin: t.copyBytes(r.Begin),
		End:   t.copyBytes(r.End),
	})
	t.size += len(r.Begin) + len(r.End)
	return nil
}
