package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fdbelect/fdbelect/election"
)

// metricsServer serves the Prometheus metrics of electors over HTTP.
type metricsServer struct {
	metrics *election.Metrics
	srv     *http.Server
	done    chan struct{}
	addr    string
}

// loopbackAddr returns addr with the loopback host when it names none, so
// that ":9100" serves 127.0.0.1:9100 and nothing is exposed by accident.
func loopbackAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", usageError("--metrics-addr %q: want HOST:PORT or :PORT", addr)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// startMetrics listens on addr (loopback when it names no host), serves
// /metrics on a registry of its own, and tells stderr where.
func startMetrics(addr string, stderr io.Writer) (*metricsServer, error) {
	addr, err := loopbackAddr(addr)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	m, err := election.NewMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}

	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	s := &metricsServer{
		metrics: m,
		srv:     &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second},
		done:    make(chan struct{}),
		addr:    ln.Addr().String(),
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(stderr, "fdbelect: metrics: %v\n", err)
		}
	}()
	fmt.Fprintf(stderr, "fdbelect: serving metrics on http://%s/metrics\n", s.addr)
	return s, nil
}

// close stops the server and waits for it; it is safe on a nil server.
func (s *metricsServer) close() {
	if s == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.srv.Close()
	}
	<-s.done
}

// electorMetrics returns the metrics to give electors, nil without a server.
func (s *metricsServer) electorMetrics() *election.Metrics {
	if s == nil {
		return nil
	}
	return s.metrics
}
