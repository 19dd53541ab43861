package election_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/kv/memkv"
)

func TestMetricsFollowLeadership(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	metrics, err := election.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := election.NewMetrics(reg); err == nil {
		t.Error("registering the collectors twice succeeded; want an error")
	}

	c := newCluster(t, testLease, memkv.Options{})
	a := c.start("a", election.ElectorOptions{Metrics: metrics})
	c.waitFor("a to lead", a.e.IsLeader)
	b := c.start("b", election.ElectorOptions{Metrics: metrics})
	c.waitFor("b to follow", func() bool { _, ok := b.e.Leader(); return ok })

	if got := series(t, reg, "fdbelect_is_leader", "a"); got != 1 {
		t.Errorf("is_leader{a} = %v; want 1", got)
	}
	tok, _ := a.e.Token()
	if got := series(t, reg, "fdbelect_ballot", "a"); got < 1 || got > float64(tok) {
		t.Errorf("ballot{a} = %v; want between 1 and the token %d", got, tok)
	}

	a.gate.dead.Store(true) // a crashes; b takes over after a lease
	c.waitFor("b to lead", b.e.IsLeader)
	c.waitFor("a's demotion to be counted", func() bool {
		return series(t, reg, "fdbelect_is_leader", "a") == 0
	})
	c.stopMember(a)
	c.stopMember(b)

	if n := testutil.CollectAndCount(reg, "fdbelect_takeover_seconds"); n == 0 {
		t.Error("no takeover time observed after a failover")
	}
	if n := testutil.CollectAndCount(reg, "fdbelect_cycle_errors_total"); n == 0 {
		t.Error("the crashed elector's failing cycles were not counted")
	}
}

// series returns the value of the gauge or counter name labelled id=id.
func series(t *testing.T, reg *prometheus.Registry, name, id string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			if f.GetName() != name || len(m.GetLabel()) != 1 || m.GetLabel()[0].GetValue() != id {
				continue
			}
			if g := m.GetGauge(); g != nil {
				return g.GetValue()
			}
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("no series %s{id=%q}", name, id)
	return 0
}
