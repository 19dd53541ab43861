package election

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics holds the Prometheus collectors of one or more Electors, labelled
// by candidate id. A nil *Metrics records nothing.
type Metrics struct {
	isLeader        *prometheus.GaugeVec
	ballot          *prometheus.GaugeVec
	transitions     *prometheus.CounterVec
	takeover        *prometheus.HistogramVec
	refreshFailures *prometheus.CounterVec
	cycleErrors     *prometheus.CounterVec
}

// NewMetrics creates the collectors and registers them with reg. Use
// prometheus.WrapRegistererWith to add labels such as the election's name.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	id := []string{"id"}
	m := &Metrics{
		isLeader: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "fdbelect_is_leader",
			Help: "1 while this candidate may act as leader, else 0.",
		}, id),
		ballot: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "fdbelect_ballot",
			Help: "Ballot (fencing token) of this candidate's latest claim or refresh.",
		}, id),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fdbelect_transitions_total",
			Help: "Leadership transitions of this candidate, by kind (elected, demoted).",
		}, []string{"id", "kind"}),
		takeover: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "fdbelect_takeover_seconds",
			Help: "Time from first seeing the record a claim replaced to the claim's commit.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 20,
				40},
		}, id),
		refreshFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fdbelect_refresh_failures_total",
			Help: "Lease refreshes that did not commit.",
		}, id),
		cycleErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fdbelect_cycle_errors_total",
			Help: "Election cycles that failed and were retried.",
		}, id),
	}
	for _, c := range []prometheus.Collector{m.isLeader, m.ballot, m.transitions,
		m.takeover, m.refreshFailures, m.cycleErrors} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) elected(id string, ballot uint64, takeover time.Duration) {
	if m == nil {
		return
	}
	m.isLeader.WithLabelValues(id).Set(1)
	m.ballot.WithLabelValues(id).Set(float64(ballot))
	m.transitions.WithLabelValues(id, "elected").Inc()
	if takeover > 0 {
		m.takeover.WithLabelValues(id).Observe(takeover.Seconds())
	}
}

func (m *Metrics) demoted(id string) {
	if m == nil {
		return
	}
	m.isLeader.WithLabelValues(id).Set(0)
	m.transitions.WithLabelValues(id, "demoted").Inc()
}

func (m *Metrics) setBallot(id string, ballot uint64) {
	if m != nil {
		m.ballot.WithLabelValues(id).Set(float64(ballot))
	}
}

func (m *Metrics) refreshFailed(id string) {
	if m != nil {
		m.refreshFailures.WithLabelValues(id).Inc()
	}
}

func (m *Metrics) cycleError(id string) {
	if m != nil {
		m.cycleErrors.WithLabelValues(id).Inc()
	}
}
