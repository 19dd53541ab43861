package subspace_test

import (
	"fmt"

	"github.com/fdbelect/fdbelect/subspace"
	"github.com/fdbelect/fdbelect/tuple"
)

func Example() {
	election := subspace.Sub("election")
	candidates := election.Sub("candidates")

	key := candidates.Pack(tuple.Tuple{"node-a"})
	fmt.Printf("% x\n", key)

	var id string
	err := candidates.UnpackExact(key, &id)
	fmt.Println(id, err)

	begin, end := candidates.Range()
	fmt.Printf("% x\n% x\n", begin, end)
	fmt.Println(candidates)
	// Output:
	// 02 65 6c 65 63 74 69 6f 6e 00 02 63 61 6e 64 69 64 61 74 65 73 00 02 6e 6f 64 65 2d 61 00
	// node-a <nil>
	// 02 65 6c 65 63 74 69 6f 6e 00 02 63 61 6e 64 69 64 61 74 65 73 00 00
	// 02 65 6c 65 63 74 69 6f 6e 00 02 63 61 6e 64 69 64 61 74 65 73 00 ff
	// Subspace("\x02election\x00\x02candidates\x00")
}

func ExampleSubspace_Unpack() {
	election := subspace.Sub("election")

	t, err := election.Unpack(election.Pack(tuple.Tuple{"leader"}))
	fmt.Println(t, err)

	_, err = election.Unpack(subspace.Sub("other").Pack(tuple.Tuple{"leader"}))
	fmt.Println(err)
	// Output:
	// [leader] <nil>
	// subspace: key not in subspace: \x02other\x00\x02leader\x00
}

func ExampleSubspace_PackWithVersionstamp() {
	history := subspace.Sub("election", "history")
	key, err := history.PackWithVersionstamp(tuple.Tuple{tuple.IncompleteVersionstamp(0)})
	if err != nil {
		fmt.Println(err)
		return
	}

	// The prefix, the versionstamp element, and the little-endian offset
	// (20) of its ten 0xFF bytes.
	n := len(history.Bytes())
	fmt.Printf("% x\n% x\n% x\n", key[:n], key[n:len(key)-4], key[len(key)-4:])
	// Output:
	// 02 65 6c 65 63 74 69 6f 6e 00 02 68 69 73 74 6f 72 79 00
	// 33 ff ff ff ff ff ff ff ff ff ff 00 00
	// 14 00 00 00
}
