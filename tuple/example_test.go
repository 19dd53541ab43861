package tuple_test

import (
	"errors"
	"fmt"

	"github.com/fdbelect/fdbelect/tuple"
)

func ExampleTuple_Pack() {
	key := tuple.Tuple{"election", "leader", 42}.Pack()
	fmt.Printf("% x\n", key)

	t, err := tuple.Unpack(key)
	fmt.Println(t, err)
	fmt.Printf("%T\n", t[2])
	// Output:
	// 02 65 6c 65 63 74 69 6f 6e 00 02 6c 65 61 64 65 72 00 15 2a
	// [election leader 42] <nil>
	// int64
}

func ExampleTuple_PackWithVersionstamp() {
	// A candidate record as written at registration: the database replaces
	// the ten 0xFF bytes found at the offset given by the last four bytes.
	value, err := tuple.Tuple{
		int32(0), uint64(1_700_000_000_000_000_000), tuple.IncompleteVersionstamp(0),
	}.PackWithVersionstamp(nil)
	fmt.Printf("% x %v\n", value, err)
	// Output:
	// 14 1c 17 97 9c fe 36 2a 00 00 33 ff ff ff ff ff ff ff ff ff ff 00 00 0b 00 00 00 <nil>
}

func ExampleUnpack() {
	_, err := tuple.Unpack([]byte{0x02, 'h', 'i'})
	fmt.Println(err)

	var de *tuple.DecodeError
	fmt.Println(errors.Is(err, tuple.ErrTruncated), errors.As(err, &de) && de.Offset == 0)
	// Output:
	// tuple: element 0 at byte 0: truncated input: string (0x02) has no terminating 0x00
	// true true
}

func ExampleUnpackExact() {
	config := tuple.Tuple{uint64(10e9), uint64(3e9), uint64(15e9), true, true}.Pack()

	var lease, heartbeat, timeout uint64
	var enabled, preemption bool
	err := tuple.UnpackExact(config, &lease, &heartbeat, &timeout, &enabled, &preemption)
	fmt.Println(lease, heartbeat, timeout, enabled, preemption, err)

	// A record with a field more than expected is refused, not truncated.
	var ballot uint64
	err = tuple.UnpackExact(tuple.Tuple{uint64(1), "extra"}.Pack(), &ballot)
	fmt.Println(err)
	// Output:
	// 10000000000 3000000000 15000000000 true true <nil>
	// tuple: element 1 at byte 2: trailing data: 7 bytes remain after the last destination
}
