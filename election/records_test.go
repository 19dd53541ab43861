package election_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/subspace"
	"github.com/fdbelect/fdbelect/tuple"
)

// t0 is 1 700 000 000 s after 1970, the instant of DESIGN's worked examples.
var t0 = time.Unix(1_700_000_000, 0).UTC()

// maxTime is the last instant the records can store: 2^64-1 ns after 1970.
var maxTime = time.Unix(18_446_744_073, 709_551_615).UTC()

var (
	testStamp  = tuple.Versionstamp{TransactionVersion: [10]byte{7: 1, 9: 2}, UserVersion: 3}
	nonASCIIID = "nœud-é✓"
)

func testElection() *election.Election {
	return election.New(subspace.Sub("election"))
}

// readGolden returns the named hex values of testdata/records.golden.
func readGolden(t *testing.T) map[string][]byte {
	t.Helper()
	f, err := os.Open("testdata/records.golden")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	golden := make(map[string][]byte)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, hexBytes, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("golden line %q has no value", line)
		}
		b, err := hex.DecodeString(hexBytes)
		if err != nil {
			t.Fatalf("golden %s: %v", name, err)
		}
		golden[name] = b
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return golden
}

func mustKey(t *testing.T, e *election.Election, id string) []byte {
	t.Helper()
	k, err := e.CandidateKey(id)
	if err != nil {
		t.Fatalf("CandidateKey(%q): %v", id, err)
	}
	return k
}

func TestGoldenKeys(t *testing.T) {
	golden := readGolden(t)
	e := testElection()
	r := e.CandidatesRange()

	tests := []struct {
		name string
		got  []byte
	}{
		{"subspace", e.Subspace().Bytes()},
		{"key/config", e.ConfigKey()},
		{"key/leader", e.LeaderKey()},
		{"key/candidate/a", mustKey(t, e, "a")},
		{"key/candidate/nul", mustKey(t, e, "a\x00b")},
		{"key/candidate/nonascii", mustKey(t, e, nonASCIIID)},
		{"range/candidates/begin", r.Begin},
		{"range/candidates/end", r.End},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, ok := golden[tt.name]
			if !ok {
				t.Fatalf("no golden value %q", tt.name)
			}
			if !bytes.Equal(tt.got, want) {
				t.Errorf("got  %x\nwant %x", tt.got, want)
			}
		})
	}
}

func TestGoldenConfig(t *testing.T) {
	golden := readGolden(t)
	tests := []struct {
		name string
		cfg  election.Config
	}{
		{"config/default", election.DefaultConfig()},
		{"config/lease-3s-disabled-nopreempt", election.Config{
			LeaseDuration: 3 * time.Second, HeartbeatInterval: time.Second,
			CandidateTimeout: 4500 * time.Millisecond,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := golden[tt.name]
			got, err := election.EncodeConfig(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("EncodeConfig: got  %x\nwant %x", got, want)
			}
			back, err := election.DecodeConfig(want)
			if err != nil {
				t.Fatal(err)
			}
			if back != tt.cfg {
				t.Errorf("DecodeConfig: got %+v, want %+v", back, tt.cfg)
			}
		})
	}
}

func TestGoldenLeader(t *testing.T) {
	golden := readGolden(t)
	tests := []struct {
		name   string
		leader election.LeaderState
		vacant bool
	}{
		{"leader/worked", election.LeaderState{
			Ballot: 7, LeaderID: "node-1", Priority: -5,
			LeaseExpiry: t0.Add(10 * time.Second), Versionstamp: testStamp,
		}, false},
		{"leader/vacant", election.LeaderState{
			Ballot: 42, LeaseExpiry: time.Unix(0, 0).UTC(),
		}, true},
		{"leader/max-ballot-nul-id", election.LeaderState{
			Ballot: math.MaxUint64, LeaderID: "a\x00b", Priority: math.MaxInt32,
			LeaseExpiry: t0, Versionstamp: testStamp,
		}, false},
		{"leader/min-priority-nonascii", election.LeaderState{
			Ballot: 1, LeaderID: nonASCIIID, Priority: math.MinInt32, LeaseExpiry: maxTime,
			Versionstamp: tuple.Versionstamp{
				TransactionVersion: [10]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, UserVersion: 0x0b0c,
			},
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := golden[tt.name]
			got, err := election.EncodeLeader(tt.leader)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("EncodeLeader: got  %x\nwant %x", got, want)
			}
			back, err := election.DecodeLeader(want)
			if err != nil {
				t.Fatal(err)
			}
			if !sameLeader(back, tt.leader) {
				t.Errorf("DecodeLeader: got %+v, want %+v", back, tt.leader)
			}
			if back.Vacant() != tt.vacant {
				t.Errorf("Vacant() = %v, want %v", back.Vacant(), tt.vacant)
			}
		})
	}
}

func sameLeader(a, b election.LeaderState) bool {
	return a.Ballot == b.Ballot && a.LeaderID == b.LeaderID && a.Priority == b.Priority &&
		a.LeaseExpiry.Equal(b.LeaseExpiry) && a.Versionstamp == b.Versionstamp
}

func TestGoldenCandidate(t *testing.T) {
	golden := readGolden(t)
	tests := []struct {
		name string
		cand election.Candidate
	}{
		{"candidate/worked", election.Candidate{
			ProcessID: "a", Priority: 3, LastHeartbeat: t0, Versionstamp: testStamp,
		}},
		{"candidate/negative", election.Candidate{
			ProcessID: "a\x00b", Priority: -1, LastHeartbeat: t0.Add(1), Versionstamp: testStamp,
		}},
		{"candidate/max-time", election.Candidate{
			ProcessID: nonASCIIID, Priority: math.MinInt32, LastHeartbeat: maxTime,
			Versionstamp: tuple.Versionstamp{
				TransactionVersion: [10]byte{
					0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe,
				},
				UserVersion: 0xffff,
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := golden[tt.name]
			got, err := election.EncodeCandidate(tt.cand)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("EncodeCandidate: got  %x\nwant %x", got, want)
			}
			back, err := election.DecodeCandidate(tt.cand.ProcessID, want)
			if err != nil {
				t.Fatal(err)
			}
			if back.ProcessID != tt.cand.ProcessID || back.Priority != tt.cand.Priority ||
				!back.LastHeartbeat.Equal(tt.cand.LastHeartbeat) ||
				back.Versionstamp != tt.cand.Versionstamp {
				t.Errorf("DecodeCandidate: got %+v, want %+v", back, tt.cand)
			}
		})
	}
}

func TestGoldenRegistrationParam(t *testing.T) {
	golden := readGolden(t)
	tests := []struct {
		name     string
		priority int32
		now      time.Time
	}{
		{"register/worked", 0, t0},
		{"register/negative", -1, t0},
		{"register/max", math.MaxInt32, maxTime},
		{"register/min-epoch", math.MinInt32, time.Unix(0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := golden[tt.name]
			got, err := election.RegistrationParam(tt.priority, tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got  %x\nwant %x", got, want)
			}
		})
	}
}

func TestCandidateKeyLimits(t *testing.T) {
	e := testElection()
	overhead := len(mustKey(t, e, "x")) - 1
	fits := strings.Repeat("x", election.MaxKeySize-overhead)

	tests := []struct {
		name    string
		id      string
		wantErr bool
	}{
		{"empty", "", true},
		{"invalid UTF-8", "a\xffb", true},
		{"just fits", fits, false},
		{"one byte too long", fits + "x", true},
		{"NUL escape pushes it over", fits[1:] + "\x00", true},
		{"NUL escape fits", fits[2:] + "\x00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := e.CandidateKey(tt.id)
			if tt.wantErr {
				if !errors.Is(err, election.ErrInvalidArgument) {
					t.Fatalf("err = %v, want ErrInvalidArgument", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(key) > election.MaxKeySize {
				t.Errorf("key of %d bytes, above %d", len(key), election.MaxKeySize)
			}
		})
	}
}

func TestDecodeRejectsWrongShapes(t *testing.T) {
	pack := func(elems ...any) []byte { return tuple.Tuple(elems).Pack() }
	sec := uint64(time.Second)
	tests := []struct {
		name   string
		decode func([]byte) error
		b      []byte
	}{
		{"config empty", decodeConfig, nil},
		{"config missing element", decodeConfig, pack(10*sec, 3*sec, 15*sec, true)},
		{"config trailing element", decodeConfig, pack(10*sec, 3*sec, 15*sec, true, true, 1)},
		{"config int for bool", decodeConfig, pack(10*sec, 3*sec, 15*sec, 1, true)},
		{"config negative duration", decodeConfig, pack(-1, 3*sec, 15*sec, true, true)},
		{"config duration past int64", decodeConfig,
			pack(uint64(math.MaxUint64), 3*sec, 15*sec, true, true)},
		{"config zero heartbeat", decodeConfig, pack(10*sec, 0, 15*sec, true, true)},
		{"config heartbeat above lease", decodeConfig, pack(sec, 3*sec, 15*sec, true, true)},
		{"config trailing garbage", decodeConfig,
			append(pack(10*sec, 3*sec, 15*sec, true, true), 0x99)},
		{"leader versionstamp element instead of bytes", decodeLeader,
			pack(uint64(1), "a", 0, 5*sec, testStamp)},
		{"leader 11-byte versionstamp", decodeLeader,
			pack(uint64(1), "a", 0, 5*sec, make([]byte, 11))},
		{"leader 13-byte versionstamp", decodeLeader,
			pack(uint64(1), "a", 0, 5*sec, make([]byte, 13))},
		{"leader priority past i32", decodeLeader,
			pack(uint64(1), "a", int64(math.MaxInt32)+1, 5*sec, make([]byte, 12))},
		{"leader negative ballot", decodeLeader, pack(-1, "a", 0, 5*sec, make([]byte, 12))},
		{"leader bytes for id", decodeLeader,
			pack(uint64(1), []byte("a"), 0, 5*sec, make([]byte, 12))},
		{"leader id not UTF-8", decodeLeader,
			[]byte{0x15, 0x01, 0x02, 0xff, 0x00, 0x14, 0x14, 0x01, 0x00}},
		{"candidate bytes for versionstamp", decodeCandidate, pack(0, 5*sec, make([]byte, 12))},
		{"candidate incomplete versionstamp", decodeCandidate,
			[]byte{0x14, 0x14, 0x33, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				0x00, 0x00}},
		{"candidate negative heartbeat", decodeCandidate, pack(0, -5, testStamp)},
		{"candidate trailing", decodeCandidate, pack(0, 5*sec, testStamp, nil)},
		{"candidate truncated versionstamp", decodeCandidate, pack(0, 5*sec, testStamp)[:12]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.decode(tt.b)
			if !errors.Is(err, election.ErrInvalidState) {
				t.Errorf("err = %v, want ErrInvalidState", err)
			}
		})
	}
}

func decodeConfig(b []byte) error { _, err := election.DecodeConfig(b); return err }
func decodeLeader(b []byte) error { _, err := election.DecodeLeader(b); return err }
func decodeCandidate(b []byte) error {
	_, err := election.DecodeCandidate("a", b)
	return err
}

func TestEncodeRejectsBadInput(t *testing.T) {
	before1970 := time.Unix(-1, 0)
	after2554 := maxTime.Add(1)
	tests := []struct {
		name string
		err  error
	}{
		{"config zero", encodeErr(election.EncodeConfig(election.Config{}))},
		{"leader time before 1970", encodeErr(election.EncodeLeader(election.LeaderState{
			LeaderID: "a", LeaseExpiry: before1970}))},
		{"leader time after 2554", encodeErr(election.EncodeLeader(election.LeaderState{
			LeaderID: "a", LeaseExpiry: after2554}))},
		{"leader id not UTF-8", encodeErr(election.EncodeLeader(election.LeaderState{
			LeaderID: "\xff", LeaseExpiry: t0}))},
		{"candidate incomplete versionstamp", encodeErr(election.EncodeCandidate(
			election.Candidate{ProcessID: "a", LastHeartbeat: t0,
				Versionstamp: tuple.IncompleteVersionstamp(0)}))},
		{"candidate zero time", encodeErr(election.EncodeCandidate(election.Candidate{
			ProcessID: "a", Versionstamp: testStamp}))},
		{"registration before 1970", encodeErr(election.RegistrationParam(0, before1970))},
		{"registration after 2554", encodeErr(election.RegistrationParam(0, after2554))},
		{"decode candidate empty id", encodeErr(election.DecodeCandidate("",
			tuple.Tuple{0, uint64(0), testStamp}.Pack()))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, election.ErrInvalidArgument) {
				t.Errorf("err = %v, want ErrInvalidArgument", tt.err)
			}
		})
	}
}

func encodeErr[T any](_ T, err error) error { return err }

func TestLeaseAndLiveness(t *testing.T) {
	l := election.LeaderState{Ballot: 1, LeaderID: "a", LeaseExpiry: t0}
	vacant := election.LeaderState{Ballot: 1, LeaseExpiry: time.Unix(0, 0)}
	c := election.Candidate{ProcessID: "a", LastHeartbeat: t0}
	timeout := 15 * time.Second

	tests := []struct {
		name      string
		got, want any
	}{
		{"valid 1ns before expiry", l.LeaseValid(t0.Add(-1)), true},
		{"invalid at expiry", l.LeaseValid(t0), false},
		{"remaining before expiry", l.RemainingLease(t0.Add(-time.Second)), time.Second},
		{"remaining at expiry", l.RemainingLease(t0), time.Duration(0)},
		{"remaining after expiry", l.RemainingLease(t0.Add(time.Hour)), time.Duration(0)},
		{"vacant never valid", vacant.LeaseValid(time.Unix(0, 0).Add(-time.Hour)), false},
		{"vacant", vacant.Vacant(), true},
		{"named record not vacant", l.Vacant(), false},
		{"empty id with a live expiry is not vacant",
			election.LeaderState{LeaseExpiry: t0}.Vacant(), false},
		{"alive just before timeout", c.Alive(t0.Add(timeout-1), timeout), true},
		{"dead at timeout", c.Alive(t0.Add(timeout), timeout), false},
		{"future heartbeat alive", c.Alive(t0.Add(-time.Hour), timeout), true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}
