package kvtest

import (
	"context"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// Opener gives one subtest its database and the key prefix the subtest may
// use. Every key the suite reads or writes starts with prefix, and no other
// subtest is handed the same prefix. An Opener may register t.Cleanup
// functions, for example to clear the prefix on a shared cluster.
type Opener func(t *testing.T) (db kv.Database, prefix []byte)

// subtestTimeout bounds every subtest, so that a hung commit or a watch that
// never fires fails the subtest instead of the whole test binary.
const subtestTimeout = 30 * time.Second

// check is one item of the suite.
type check struct {
	name string
	run  func(e *env)
}

// checks returns every item of the suite, grouped by the checklist item
// each group covers.
func checks() []check {
	var all []check
	for _, group := range [][]check{
		versionChecks(),
		readChecks(),
		conflictChecks(),
		limitChecks(),
		atomicChecks(),
		versionstampChecks(),
		rangeChecks(),
		watchChecks(),
		retryChecks(),
	} {
		all = append(all, group...)
	}
	return all
}

// Run runs the whole conformance suite against the databases open returns,
// one subtest per behaviour, each with a database and prefix of its own.
func Run(t *testing.T, open Opener) {
	t.Helper()
	for _, c := range checks() {
		t.Run(c.name, func(t *testing.T) {
			db, prefix := open(t)
			ctx, cancel := context.WithTimeout(context.Background(), subtestTimeout)
			t.Cleanup(cancel)
			c.run(&env{t: t, db: db, prefix: append([]byte(nil), prefix...), ctx: ctx})
		})
	}
}
