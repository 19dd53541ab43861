package main

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
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
