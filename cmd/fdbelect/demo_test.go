package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/election"
	"github.com/fdbelect/fdbelect/tuple"
)

func TestDemoJSON(t *testing.T) {
	h := newHarness(t)
	out, stderr, err := h.run(context.Background(), "demo", "--electors", "3",
		"--duration", "3s", "--lease", "400ms", "--seed", "5", "--json")
	if err != nil {
		t.Fatalf("demo: %v\nstderr:\n%s", err, stderr)
	}

	var s demoSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("summary is not JSON: %v\n%s", err, out)
	}
	if !s.Verdict.OK || len(s.Verdict.Violations) != 0 {
		t.Errorf("verdict = %+v, want ok", s.Verdict)
	}
	if s.Electors != 3 || s.Seed != 5 || !s.Chaos || s.LeaseMS != 400 {
		t.Errorf("summary header = %+v", s)
	}
	if len(s.Changes) < 2 || s.Changes[0].Cause != causeStart {
		t.Errorf("changes = %+v, want a start and at least one takeover", s.Changes)
	}
	if _, ok := s.Takeover[causeCrashed]; !ok {
		t.Errorf("no takeover after a crash in %+v", s.Takeover)
	}
	if s.Commits == 0 || s.Fenced == 0 {
		t.Errorf("commits %d, fenced writes %d: the checker saw nothing", s.Commits, s.Fenced)
	}
	for _, want := range []string{"chaos: crash", "elected"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("narration on stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(out+stderr, "\x1b[") {
		t.Errorf("escape codes written to a pipe")
	}
}

func TestDemoText(t *testing.T) {
	h := newHarness(t)
	out, _, err := h.run(context.Background(), "demo", "--electors", "2",
		"--duration", "700ms", "--lease", "300ms", "--chaos=false")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"e1 elected", "Leadership changes", "verdict: OK"} {
		if !strings.Contains(out, want) && !strings.Contains(out, strings.Replace(want,
			"e1", "e2", 1)) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

func TestDemoLiveView(t *testing.T) {
	h := newHarness(t)
	a := h.app()
	a.isTerminal = func(io.Writer) bool { return true }
	err := a.execute(context.Background(), []string{"demo", "--electors", "2",
		"--duration", "500ms", "--lease", "300ms", "--chaos=false"})
	if err != nil {
		t.Fatal(err)
	}
	out := h.stdout.String()
	for _, want := range []string{ansiClearDown, "\x1b[", "recent events:", "leader: e",
		"<- leads", "verdict: OK"} {
		if !strings.Contains(out, want) {
			t.Errorf("live output lacks %q", want)
		}
	}
}

func TestDemoServesMetrics(t *testing.T) {
	h := newHarness(t)
	a := h.app()
	done := make(chan error, 1)
	go func() {
		done <- a.execute(context.Background(), []string{"demo", "--electors", "2",
			"--duration", "1500ms", "--lease", "300ms", "--chaos=false",
			"--metrics-addr", ":0"})
	}()
	var url string
	waitFor(t, "the metrics address", 5*time.Second, func() bool {
		_, rest, ok := strings.Cut(h.stderr.String(), "serving metrics on ")
		url, _, _ = strings.Cut(rest, "\n")
		return ok && strings.HasSuffix(url, "/metrics")
	})
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("metrics served on %s, want loopback", url)
	}
	var body string
	waitFor(t, "a leader in the metrics", 5*time.Second, func() bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body = string(b)
		return strings.Contains(body, "fdbelect_is_leader{id=")
	})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestLoopbackAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{":9100", "127.0.0.1:9100"},
		{":0", "127.0.0.1:0"},
		{"0.0.0.0:9100", "0.0.0.0:9100"},
		{"[::1]:80", "[::1]:80"},
	}
	for _, tt := range tests {
		got, err := loopbackAddr(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("loopbackAddr(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := loopbackAddr("9100"); err == nil {
		t.Errorf("loopbackAddr(\"9100\") succeeded, want an error")
	}
}

func TestDemoCheckCatchesOverlap(t *testing.T) {
	el := election.New(electionSubspace("demo"))
	start := time.Now()
	k := newDemoCheck(el, election.ConfigWithLease(time.Second), 100*time.Millisecond, start)
	var a, b tuple.Versionstamp
	a.TransactionVersion[9], b.TransactionVersion[9] = 1, 2
	k.belief("e1", a, 1, start, start.Add(time.Second))
	k.belief("e2", b, 2, start.Add(500*time.Millisecond), start.Add(2*time.Second))

	_, v := k.verdict()
	if v.OK || len(v.Violations) == 0 || !strings.Contains(v.Violations[0], "single-leader") {
		t.Fatalf("verdict = %+v, want a single-leader violation", v)
	}

	var out strings.Builder
	printSummary(&out, demoSummary{Verdict: v, Takeover: map[string]takeoverStats{}})
	if !strings.Contains(out.String(), "VIOLATION") {
		t.Errorf("summary does not report the violation:\n%s", out.String())
	}
}

func TestStats(t *testing.T) {
	var gaps []time.Duration
	for i := 1; i <= 100; i++ {
		gaps = append(gaps, time.Duration(i)*time.Millisecond)
	}
	got := stats(gaps)
	want := takeoverStats{Count: 100, P50MS: 50, P99MS: 99, MaxMS: 100}
	if got != want {
		t.Errorf("stats(1..100ms) = %+v, want %+v", got, want)
	}
	if got := stats([]time.Duration{3 * time.Millisecond}); got.P50MS != 3 || got.P99MS != 3 {
		t.Errorf("stats of one gap = %+v", got)
	}
}

func TestCauseOfGroupsDemotionReasons(t *testing.T) {
	cases := map[string]string{
		causeCrash:                causeCrashed,
		"resigned":                causeResign,
		"handed over to hi1":      causeHandoff,
		"paused past its lease":   causePause,
		"record taken over by e2": causeOther,
		"lease deadline passed":   causeOther,
		"leader record vacated":   causeOther,
	}
	for reason, want := range cases {
		if got := causeOf(reason); got != want {
			t.Errorf("causeOf(%q) = %q; want %q", reason, got, want)
		}
	}
}
