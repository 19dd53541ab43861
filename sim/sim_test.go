package sim_test

import (
	"testing"

	"github.com/fdbelect/fdbelect/sim"
)

func TestRunDefault(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		cfg := sim.DefaultConfig()
		cfg.Seed = seed
		r, err := sim.Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range r.Violations {
			t.Errorf("seed %d: %v\n%s", seed, v, r.Excerpt(v, 8))
		}
		t.Logf("seed %d: %+v", seed, r.Stats)
	}
}
