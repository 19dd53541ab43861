package election_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/tuple"
)

// seedRecords adds the golden values and a few near misses to f's corpus.
func seedRecords(f *testing.F) {
	for _, b := range []string{
		"1902540be40018b2d05e0019037e11d6002727",
		"1507026e6f64652d310013fa1c17979d008a35e4000100ff00ff00ff00ff00ff00ff00ff0100ff0200ff0300",
		"152a020014140100ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00",
		"15031c17979cfe362a000033000000000000000100020003",
		"107fffffff1cffffffffffffffff33fefefefefefefefefefeffff",
		"", "00", "ff", "1c", "0263", "33ffffffffffffffffffff0000",
	} {
		f.Add(fromHex(b))
	}
}

func fromHex(s string) []byte {
	b := make([]byte, len(s)/2)
	for i := range b {
		b[i] = unhex(s[2*i])<<4 | unhex(s[2*i+1])
	}
	return b
}

func unhex(c byte) byte {
	if c >= 'a' {
		return c - 'a' + 10
	}
	return c - '0'
}

// wantTyped fails unless err is nil or an ErrInvalidState error.
func wantTyped(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, election.ErrInvalidState) {
		t.Fatalf("%s: untyped error %v", what, err)
	}
}

func FuzzDecodeConfig(f *testing.F) {
	seedRecords(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := election.DecodeConfig(b)
		wantTyped(t, "DecodeConfig", err)
		if err != nil {
			return
		}
		if c.Validate() != nil {
			t.Fatalf("decoded an invalid config %+v", c)
		}
		again, err := election.EncodeConfig(c)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", c, err)
		}
		if back, err := election.DecodeConfig(again); err != nil || back != c {
			t.Fatalf("round trip: %+v, %v; want %+v", back, err, c)
		}
	})
}

func FuzzDecodeLeader(f *testing.F) {
	seedRecords(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := election.DecodeLeader(b)
		wantTyped(t, "DecodeLeader", err)
		if err != nil {
			return
		}
		l.LeaseValid(t0)
		l.RemainingLease(t0)
		again, err := election.EncodeLeader(l)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", l, err)
		}
		back, err := election.DecodeLeader(again)
		if err != nil || !sameLeader(back, l) || back.Vacant() != l.Vacant() {
			t.Fatalf("round trip: %+v, %v; want %+v", back, err, l)
		}
	})
}

func FuzzDecodeCandidate(f *testing.F) {
	seedRecords(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := election.DecodeCandidate("p", b)
		wantTyped(t, "DecodeCandidate", err)
		if err != nil {
			return
		}
		c.Alive(t0, time.Second)
		again, err := election.EncodeCandidate(c)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", c, err)
		}
		back, err := election.DecodeCandidate("p", again)
		if err != nil || back.Priority != c.Priority || back.Versionstamp != c.Versionstamp ||
			!back.LastHeartbeat.Equal(c.LastHeartbeat) {
			t.Fatalf("round trip: %+v, %v; want %+v", back, err, c)
		}
	})
}

// FuzzCandidateKey stores arbitrary key suffixes and values in the candidate
// range and runs the scans and a cycle over them.
func FuzzCandidateKey(f *testing.F) {
	stamp := tuple.Versionstamp{TransactionVersion: [10]byte{9: 1}}
	good := tuple.Tuple{int32(1), uint64(t0.UnixNano()), stamp}.Pack()
	for _, s := range []string{"\x02b\x00", "\x02\x00", "\x15\x07", "\x02b\x00\x02c\x00",
		"\x02\xff\x00", "\x01b\x00", "\x02b"} {
		f.Add([]byte(s), good)
	}
	f.Add([]byte("\x02b\x00"), []byte("\x14"))

	e := testElection()
	prefix := e.CandidatesRange().Begin
	prefix = prefix[:len(prefix)-1]
	f.Fuzz(func(t *testing.T, suffix, value []byte) {
		key := append(bytes.Clone(prefix), suffix...)
		r := e.CandidatesRange()
		if bytes.Compare(key, r.Begin) < 0 || bytes.Compare(key, r.End) >= 0 ||
			len(key) > election.MaxKeySize || len(value) > 100_000 {
			return
		}
		db := memkv.New(memkv.Options{})
		ctx := context.Background()
		err := db.Transact(ctx, func(tr kv.Transaction) error {
			if err := e.Initialize(tr, testConfig); err != nil {
				return err
			}
			tr.Set(key, value)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		err = db.Transact(ctx, func(tr kv.Transaction) error {
			list, err := e.ListCandidates(tr, t0)
			wantTyped(t, "ListCandidates", err)
			for _, c := range list {
				if k, err := e.CandidateKey(c.ProcessID); err != nil || !bytes.Equal(k, key) {
					t.Fatalf("listed %q whose key %x is not the stored %x", c.ProcessID, k, key)
				}
			}
			if len(list) > 0 {
				_, err = e.RunCycle(tr, list[0].ProcessID, 0, t0)
				wantTyped(t, "RunCycle", err)
			}
			_, err = e.EvictDeadCandidates(tr, t0.Add(time.Hour))
			wantTyped(t, "EvictDeadCandidates", err)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
