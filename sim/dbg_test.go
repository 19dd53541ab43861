package sim_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/sim"
)

func TestDebugSeed(t *testing.T) {
	s := os.Getenv("DBG_SEED")
	if s == "" {
		t.Skip()
	}
	seed, _ := strconv.ParseInt(s, 10, 64)
	fl, _ := sim.ParseFlaw(os.Getenv("DBG_FLAW"))
	cfg := sim.FlawConfig(fl)
	cfg.Seed = seed
	if d := os.Getenv("DBG_DUR"); d != "" {
		cfg.Duration, _ = time.ParseDuration(d)
	}
	r, _ := sim.Run(cfg)
	from, _ := time.ParseDuration(os.Getenv("DBG_FROM"))
	to, _ := time.ParseDuration(os.Getenv("DBG_TO"))
	filt := os.Getenv("DBG_GREP")
	for _, e := range r.History {
		if e.At >= from && e.At <= to && (filt == "" || strings.Contains(e.String(), filt)) {
			t.Log(e)
		}
	}
	for _, v := range r.Violations {
		t.Log(v)
	}
}
