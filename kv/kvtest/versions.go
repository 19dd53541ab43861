package kvtest

import (
	"encoding/binary"
	"errors"
	"os"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// versionChecks cover checklist item 1: read versions and commit versions.
func versionChecks() []check {
	return []check{
		{"Versions/ReadVersionCoversCommits", testReadVersionCoversCommits},
		{"Versions/CommitAboveReadVersion", testCommitAboveReadVersion},
		{"Versions/TransactionTooOld", testTransactionTooOld},
	}
}

// stamped commits fn and returns the versionstamp of its commit.
func (e *env) stamped(fn func(tr kv.Transaction) error) []byte {
	e.t.Helper()
	var fut kv.FutureKey
	e.commit(func(tr kv.Transaction) error {
		fut = tr.GetVersionstamp()
		return fn(tr)
	})
	vs, err := fut.Get()
	if err != nil {
		e.t.Fatalf("GetVersionstamp after commit: %v", err)
	}
	if len(vs) != 10 {
		e.t.Fatalf("versionstamp %x has %d bytes, want 10", vs, len(vs))
	}
	return vs
}

// stampVersion returns the commit version held in a versionstamp's first
// eight bytes.
func stampVersion(vs []byte) int64 {
	return int64(binary.BigEndian.Uint64(vs[:8]))
}

// readVersion returns the read version of a fresh read-only transaction.
func (e *env) readVersion() int64 {
	e.t.Helper()
	var rv int64
	err := e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
		var err error
		rv, err = tr.GetReadVersion().Get()
		return err
	})
	if err != nil {
		e.t.Fatalf("GetReadVersion: %v", err)
	}
	return rv
}

// testReadVersionCoversCommits checks that a read version taken after a
// commit returned is at least that commit's version, and that read versions
// never go backwards.
func testReadVersionCoversCommits(e *env) {
	var last int64
	for i := range 5 {
		vs := e.stamped(func(tr kv.Transaction) error {
			tr.Set(e.key("v"), be64(int64(i)))
			return nil
		})
		cv := stampVersion(vs)

		rv := e.readVersion()
		if rv < cv {
			e.t.Errorf("commit %d: read version %d is below the earlier commit version %d", i, rv,
				cv)
		}
		if rv < last {
			e.t.Errorf("commit %d: read version %d is below the earlier read version %d", i, rv,
				last)
		}
		last = rv
	}
}

// testCommitAboveReadVersion checks that a transaction commits at a version
// above the read version it read at.
func testCommitAboveReadVersion(e *env) {
	e.set("base", "1")
	for i := range 3 {
		var rv int64
		vs := e.stamped(func(tr kv.Transaction) error {
			if _, err := tr.Get(e.key("base")).Get(); err != nil {
				return err
			}
			var err error
			if rv, err = tr.GetReadVersion().Get(); err != nil {
				return err
			}
			tr.Set(e.key("base"), be64(int64(i)))
			return nil
		})
		if cv := stampVersion(vs); cv <= rv {
			e.t.Errorf("attempt %d: commit version %d is not above read version %d", i, cv, rv)
		}
	}
}

// SlowEnv names the environment variable that enables the suite's slow
// subtests: set it to any non-empty value to run them.
const SlowEnv = "KVTEST_SLOW"

// tooOldWait is how long a transaction is held open to leave FoundationDB's
// five-second window of readable versions, with a margin.
const tooOldWait = 6 * time.Second

// testTransactionTooOld checks that a transaction held open past the
// five-second window fails with transaction_too_old (1007), in its next
// read of the database or in its commit. It sleeps six seconds, so it runs
// only when SlowEnv is set.
func testTransactionTooOld(e *env) {
	if os.Getenv(SlowEnv) == "" {
		e.t.Skipf("sleeps %v; set %s=1 to run it", tooOldWait, SlowEnv)
	}
	e.set("k", "1")
	h := e.hold(getter(e.key("k")), func(tr kv.Transaction) error {
		time.Sleep(tooOldWait)
		// A key not read before, so that no cache of the client answers.
		if _, err := tr.Get(e.key("other")).Get(); err != nil {
			return err
		}
		tr.Set(e.key("k"), []byte("late"))
		return nil
	})
	err := h.commit()
	if !errors.Is(err, kv.ErrTransactionTooOld) {
		e.t.Errorf("transaction held open for %v: got %v, want transaction_too_old (1007)",
			tooOldWait, err)
	}
	if v := e.get(e.key("k")); string(v) != "1" {
		e.t.Errorf("too-old transaction wrote k: got %s, want 31", show(v))
	}
}
