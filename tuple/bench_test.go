package tuple_test

import (
	"testing"

	"github.com/fdbelect/fdbelect/tuple"
)

// leaderRecord has the shape of the election's leader record.
var leaderRecord = tuple.Tuple{
	uint64(12345), "node-7.example:4500", int32(10), uint64(1_700_000_000_000_000_000),
	testStamp.Bytes(),
}

func BenchmarkPackLeaderRecord(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		leaderRecord.Pack()
	}
}

func BenchmarkUnpackLeaderRecord(b *testing.B) {
	p := leaderRecord.Pack()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tuple.Unpack(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnpackExactLeaderRecord(b *testing.B) {
	p := leaderRecord.Pack()
	var ballot, expiry uint64
	var id string
	var priority int32
	var vs []byte
	b.ReportAllocs()
	for b.Loop() {
		if err := tuple.UnpackExact(p, &ballot, &id, &priority, &expiry, &vs); err != nil {
			b.Fatal(err)
		}
	}
}
