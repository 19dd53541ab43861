package clock_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/clock"
)

var start = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func TestFakeFiresTimersInDeadlineOrder(t *testing.T) {
	f := clock.NewFake(start)
	late := f.NewTimer(3 * time.Second)
	early := f.NewTimer(time.Second)
	never := f.NewTimer(10 * time.Second)

	f.Advance(2 * time.Second)
	select {
	case at := <-early.C():
		if want := start.Add(time.Second); !at.Equal(want) {
			t.Errorf("early timer fired with %v; want %v", at, want)
		}
	default:
		t.Fatal("the 1s timer did not fire after 2s")
	}
	select {
	case <-late.C():
		t.Fatal("the 3s timer fired after 2s")
	default:
	}

	f.Advance(time.Second)
	if _, ok := <-late.C(); !ok {
		t.Fatal("the 3s timer's channel closed")
	}
	if !never.Stop() {
		t.Error("Stop of an armed timer reported false")
	}
	if never.Stop() {
		t.Error("a second Stop reported true")
	}
	if got := f.Timers(); got != 0 {
		t.Errorf("Timers() = %d after all fired or stopped; want 0", got)
	}
	if got, want := f.Mono(), 3*time.Second; got != want {
		t.Errorf("Mono() = %v; want %v", got, want)
	}
}

func TestFakeResetDiscardsAnUnreadValue(t *testing.T) {
	f := clock.NewFake(start)
	tm := f.NewTimer(time.Second)
	f.Advance(time.Second) // fired, value unread
	tm.Reset(time.Second)
	select {
	case <-tm.C():
		t.Fatal("Reset kept the value sent before it")
	default:
	}
	f.Advance(time.Second)
	select {
	case <-tm.C():
	default:
		t.Fatal("the reset timer did not fire")
	}

	tm.Reset(0)
	select {
	case <-tm.C():
	default:
		t.Fatal("Reset(0) did not fire at once")
	}
}

func TestFakeJumpWallLeavesMonoAlone(t *testing.T) {
	f := clock.NewFake(start)
	f.Advance(time.Second)
	f.JumpWall(-time.Hour)
	if got, want := f.Now(), start.Add(time.Second-time.Hour); !got.Equal(want) {
		t.Errorf("Now() = %v; want %v", got, want)
	}
	if got := f.Mono(); got != time.Second {
		t.Errorf("Mono() = %v after a wall jump; want 1s", got)
	}
}

func TestFakeWaitTimersAndSleep(t *testing.T) {
	f := clock.NewFake(start)
	done := make(chan error, 1)
	go func() { done <- clock.Sleep(context.Background(), f, time.Minute) }()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.WaitTimers(ctx, 1); err != nil {
		t.Fatalf("WaitTimers: %v", err)
	}
	f.Advance(time.Minute)
	if err := <-done; err != nil {
		t.Errorf("Sleep = %v; want nil", err)
	}

	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if err := clock.Sleep(cctx, f, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep with a cancelled context = %v; want context.Canceled", err)
	}
	if err := clock.Sleep(context.Background(), f, 0); err != nil {
		t.Errorf("Sleep(0) = %v; want nil", err)
	}
}

func TestRealClockMovesForward(t *testing.T) {
	r := clock.NewReal()
	m1 := r.Mono()
	tm := r.NewTimer(time.Millisecond)
	<-tm.C()
	if m2 := r.Mono(); m2 <= m1 {
		t.Errorf("Mono went from %v to %v across a timer", m1, m2)
	}
}
