package kvtest

import (
	"math"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

// op builds a history entry.
func op(client int, in linInput, out linOutput, call, ret int64) porcupine.Operation {
	return porcupine.Operation{ClientId: client, Input: in, Output: out, Call: call, Return: ret}
}

// saw returns an output that read vals (key 0 first).
func saw(vals ...int64) linOutput {
	var out linOutput
	copy(out.vals[:], vals)
	return out
}

var (
	unknown = linOutput{unknown: true}
	never   = int64(math.MaxInt64)
)

func TestLinStep(t *testing.T) {
	s := linState{5, 7}
	cases := []struct {
		name   string
		in     linInput
		out    linOutput
		wantOK bool
		want   linState
	}{
		{"read matches", linInput{kind: opRead, k1: 1}, saw(0, 7), true, s},
		{"read differs", linInput{kind: opRead, k1: 1}, saw(0, 8), false, s},
		{"read ignores other keys", linInput{kind: opRead, k1: 0}, saw(5, 99), true, s},
		{"read all matches", linInput{kind: opReadAll}, saw(5, 7), true, s},
		{"read all differs", linInput{kind: opReadAll}, saw(5, 0), false, s},
		{"write", linInput{kind: opWrite, k1: 0, value: 9}, saw(), true, linState{9, 7}},
		{"clear", linInput{kind: opClear, k1: 1}, saw(), true, linState{5}},
		{"incr", linInput{kind: opIncr, k1: 0, value: 2}, saw(5), true, linState{7, 7}},
		{"incr read stale", linInput{kind: opIncr, k1: 0, value: 2}, saw(4), false, s},
		{"incr unknown", linInput{kind: opIncr, k1: 0, value: 2}, unknown, true, linState{7, 7}},
		{"move", linInput{kind: opMove, k1: 0, k2: 1, value: 1}, saw(5, 7), true, linState{7, 6}},
		{"move read stale", linInput{kind: opMove, k1: 0, k2: 1, value: 1}, saw(5, 6), false, s},
		{"bad value", linInput{kind: opRead, k1: 0}, linOutput{bad: true, vals: s}, false, s},
	}
	for _, c := range cases {
		ok, got := linStep(s, c.in, c.out)
		if ok != c.wantOK || (ok && got != c.want) {
			t.Errorf("%s: got (%v, %v), want (%v, %v)", c.name, ok, got, c.wantOK, c.want)
		}
	}
}

func TestCheckHistories(t *testing.T) {
	write := func(v int64) linInput { return linInput{kind: opWrite, k1: 0, value: v} }
	read := linInput{kind: opRead, k1: 0}
	incr := linInput{kind: opIncr, k1: 0, value: 1}

	cases := []struct {
		name string
		ops  []porcupine.Operation
		want Verdict
	}{
		{"read after write", []porcupine.Operation{
			op(0, write(5), saw(), 0, 10), op(1, read, saw(5), 20, 30),
		}, Linearizable},
		{"stale read after write", []porcupine.Operation{
			op(0, write(5), saw(), 0, 10), op(1, read, saw(0), 20, 30),
		}, NotLinearizable},
		{"old value read during write", []porcupine.Operation{
			op(0, write(5), saw(), 0, 10), op(1, read, saw(0), 5, 15),
		}, Linearizable},
		{"unknown write never applied", []porcupine.Operation{
			op(0, write(5), unknown, 0, never), op(1, read, saw(0), 20, 30),
		}, Linearizable},
		{"unknown write applied late", []porcupine.Operation{
			op(0, write(5), unknown, 0, never),
			op(1, read, saw(0), 20, 30), op(1, read, saw(5), 40, 50),
		}, Linearizable},
		{"unknown write undone", []porcupine.Operation{
			op(0, write(5), unknown, 0, never),
			op(1, read, saw(5), 20, 30), op(1, read, saw(0), 40, 50),
		}, NotLinearizable},
		{"lost update", []porcupine.Operation{
			op(0, incr, saw(0), 0, 10), op(1, incr, saw(0), 20, 30),
		}, NotLinearizable},
		{"concurrent increments", []porcupine.Operation{
			op(0, incr, saw(0), 0, 30), op(1, incr, saw(1), 10, 20),
			op(2, linInput{kind: opReadAll}, saw(2), 40, 50),
		}, Linearizable},
	}
	for _, c := range cases {
		h := History{ops: c.ops}
		if got := h.Check(10 * time.Second); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestLinearOptionsValidate(t *testing.T) {
	if _, err := (LinearOptions{Keys: MaxLinearKeys + 1}).withDefaults(); err == nil {
		t.Errorf("Keys %d: got no error", MaxLinearKeys+1)
	}
	got, err := LinearOptions{}.withDefaults()
	want := LinearOptions{Clients: 4, Keys: 3, Ops: 100, Duration: 2 * time.Second}
	if err != nil || got != want {
		t.Errorf("defaults: got %+v, %v; want %+v", got, err, want)
	}
}
