package election_test

import (
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// BenchmarkRunCycle measures one leader's cycle on the embedded engine.
func BenchmarkRunCycle(b *testing.B) {
	h := newHarness(b, testConfig)
	h.register("a", 0, t0)
	now := t0
	for b.Loop() {
		now = now.Add(time.Millisecond)
		err := h.tx(func(tr kv.Transaction) error {
			_, err := h.e.RunCycle(tr, "a", 0, now)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
