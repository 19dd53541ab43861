package election_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/clock"
	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
	"github.com/fdbelect/fdbelect/subspace"
	"github.com/fdbelect/fdbelect/tuple"
)

// Two incarnations under one id must never both count the same record as
// their own: these tests drive Machines through the interleavings that
// would let them.

type regEnv struct {
	t    *testing.T
	db   *memkv.DB
	el   *election.Election
	clk  *clock.Fake
	ctx  context.Context
	skew time.Duration
}

func newRegEnv(t *testing.T) *regEnv {
	e := &regEnv{t: t, db: memkv.New(memkv.Options{}), el: election.New(subspace.Sub("reg")),
		clk: clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
		ctx: context.Background(), skew: 100 * time.Millisecond}
	e.must(e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		return e.el.Initialize(tr, election.ConfigWithLease(time.Second))
	}))
	return e
}

func (e *regEnv) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *regEnv) read() election.Reading {
	return election.Reading{Mono: e.clk.Mono(), Wall: e.clk.Now()}
}

func (e *regEnv) machine(id string) *election.Machine {
	m, err := election.NewMachine(e.el, id, election.MachineOptions{MaxClockSkew: e.skew})
	e.must(err)
	return m
}

// commitRegistration commits m's registration and returns its versionstamp.
func (e *regEnv) commitRegistration(m *election.Machine) []byte {
	var f kv.FutureKey
	e.must(e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		f = tr.GetVersionstamp()
		return m.Register(tr, e.read())
	}))
	b, err := f.Get()
	e.must(err)
	return b
}

func (e *regEnv) load(m *election.Machine, committed []byte) error {
	return e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
		_, err := m.LoadRegistration(tr, committed)
		return err
	})
}

// cycle runs one committed cycle of m.
func (e *regEnv) cycle(m *election.Machine) election.Plan {
	var p election.Plan
	e.must(e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		var err error
		p, err = m.Cycle(tr, e.read, election.Request{})
		return err
	}))
	m.Finish(p, nil, e.read())
	return p
}

func TestRegistrationsInARowSupersedeTheFirst(t *testing.T) {
	e := newRegEnv(t)
	a1, a2 := e.machine("a"), e.machine("a")
	s1 := e.commitRegistration(a1)
	s2 := e.commitRegistration(a2)

	if err := e.load(a1, s1); !errors.Is(err, election.ErrSuperseded) {
		t.Fatalf("older incarnation's LoadRegistration = %v; want ErrSuperseded", err)
	}
	if !a1.Superseded() {
		t.Error("older incarnation not marked superseded")
	}
	e.must(e.load(a2, s2))
	if got, ok := a2.Registered(); !ok || string(got.Bytes()[:10]) != string(s2) {
		t.Errorf("newer incarnation adopted %v; want its own commit's versionstamp", got)
	}
}

func TestOldIncarnationHeartbeatCannotOverwriteANewRegistration(t *testing.T) {
	e := newRegEnv(t)
	b := e.machine("b")
	e.must(e.load(b, e.commitRegistration(b)))
	e.cycle(b) // b leads; a's cycles are follower heartbeats

	a1 := e.machine("a")
	e.must(e.load(a1, e.commitRegistration(a1)))

	// a1 starts a cycle and reads its record; a2 registers before it
	// commits.
	tr := e.db.CreateTransaction()
	if _, err := a1.Cycle(tr, e.read, election.Request{}); err != nil {
		t.Fatal(err)
	}
	a2 := e.machine("a")
	s2 := e.commitRegistration(a2)
	if err := tr.Commit(); !errors.Is(err, kv.ErrNotCommitted) {
		t.Fatalf("old incarnation's heartbeat commit = %v; want not_committed", err)
	}

	e.must(e.load(a2, s2))
	e.cycle(a1)
	if !a1.Superseded() {
		t.Error("old incarnation not superseded after seeing the new registration")
	}
	if a2.Superseded() {
		t.Error("the new incarnation was superseded")
	}
}

func TestMachineRefusesToWrapTheBallot(t *testing.T) {
	e := newRegEnv(t)
	m := e.machine("a")
	e.must(e.load(m, e.commitRegistration(m)))
	last := election.LeaderState{Ballot: math.MaxUint64, LeaderID: "old", Priority: 0,
		LeaseExpiry: e.clk.Now().Add(-time.Hour), Versionstamp: tuple.Versionstamp{
			TransactionVersion: [10]byte{9}}}
	b, err := election.EncodeLeader(last)
	e.must(err)
	e.must(e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		tr.Set(e.el.LeaderKey(), b)
		return nil
	}))

	err = e.db.Transact(e.ctx, func(tr kv.Transaction) error {
		_, err := m.Cycle(tr, e.read, election.Request{})
		return err
	})
	if !errors.Is(err, election.ErrInvalidState) {
		t.Fatalf("claim over ballot %d = %v; want ErrInvalidState", last.Ballot, err)
	}
}
