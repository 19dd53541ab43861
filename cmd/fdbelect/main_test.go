package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness runs commands against one embedded database.
type harness struct {
	t      *testing.T
	db     *memkv.DB
	el     *election.Election
	sigs   chan os.Signal
	stdout *syncBuffer
	stderr *syncBuffer
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return &harness{
		t:    t,
		db:   memkv.New(memkv.Options{}),
		el:   election.New(electionSubspace("test")),
		sigs: make(chan os.Signal, 4),
	}
}

// app returns an app on the harness's database with fresh output buffers.
func (h *harness) app() *app {
	h.stdout, h.stderr = &syncBuffer{}, &syncBuffer{}
	a := newApp(h.stdout, h.stderr)
	a.open = func(string) (kv.Database, func(), error) { return h.db, func() {}, nil }
	a.signals = func() (<-chan os.Signal, func()) { return h.sigs, func() {} }
	a.isTerminal = func(io.Writer) bool { return false }
	return a
}

// run runs one command line on the election "test" and returns its
// output and error.
func (h *harness) run(ctx context.Context, args ...string) (string, string, error) {
	h.t.Helper()
	a := h.app()
	err := a.execute(ctx, append([]string{"--election", "test"}, args...))
	return h.stdout.String(), h.stderr.String(), err
}

// mustRun runs a command that must succeed and returns its stdout.
func (h *harness) mustRun(args ...string) string {
	h.t.Helper()
	out, stderr, err := h.run(context.Background(), args...)
	if err != nil {
		h.t.Fatalf("fdbelect %s: %v (stderr %q)", strings.Join(args, " "), err, stderr)
	}
	return out
}

// initialize stores cfg as the test election's config.
func (h *harness) initialize(cfg election.Config) {
	h.t.Helper()
	h.tx(func(tr kv.Transaction) error { return h.el.Initialize(tr, cfg) })
}

// tx commits fn or fails the test.
func (h *harness) tx(fn func(kv.Transaction) error) {
	h.t.Helper()
	if err := h.db.Transact(context.Background(), fn); err != nil {
		h.t.Fatal(err)
	}
}

// register registers id with its heartbeat at hb, in a transaction of its
// own as the recipe requires.
func (h *harness) register(id string, prio int32, hb time.Time) {
	h.t.Helper()
	h.tx(func(tr kv.Transaction) error { return h.el.RegisterCandidate(tr, id, prio, hb) })
}

// claim makes the registered candidate id the leader.
func (h *harness) claim(id string) *election.LeaderState {
	h.t.Helper()
	var l *election.LeaderState
	h.tx(func(tr kv.Transaction) error {
		var err error
		l, err = h.el.TryClaimLeadership(tr, id, 0, time.Now())
		return err
	})
	if l == nil {
		h.t.Fatalf("%s could not claim", id)
	}
	return l
}

// leader returns the stored leader record.
func (h *harness) leader() *election.LeaderState {
	h.t.Helper()
	var l *election.LeaderState
	err := h.db.ReadTransact(context.Background(), func(tr kv.ReadTransaction) error {
		var err error
		l, err = h.el.LeaderRecord(tr)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return l
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
