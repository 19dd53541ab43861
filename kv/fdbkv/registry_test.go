package fdbkv

import (
	"errors"
	"testing"
)

// fakeHandle stands in for fdb.Database.
type fakeHandle struct {
	file   string
	closed int
}

func newTestRegistry(openErr *error) (*registry[*fakeHandle], *[]*fakeHandle) {
	var opened []*fakeHandle
	r := &registry[*fakeHandle]{
		open: func(file string) (*fakeHandle, error) {
			if *openErr != nil {
				return nil, *openErr
			}
			h := &fakeHandle{file: file}
			opened = append(opened, h)
			return h, nil
		},
		close: func(h *fakeHandle) { h.closed++ },
	}
	return r, &opened
}

func TestRegistrySharesAndClosesOnce(t *testing.T) {
	var openErr error
	r, opened := newTestRegistry(&openErr)

	a, err := r.acquire("a.cluster")
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.acquire("a.cluster")
	if err != nil {
		t.Fatal(err)
	}
	other, err := r.acquire("")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatal("two acquires of one cluster file got different handles")
	}
	if other == a {
		t.Fatal("different cluster files share a handle")
	}
	if got := len(*opened); got != 2 {
		t.Fatalf("opened %d handles, want 2", got)
	}
	if got := r.refs("a.cluster"); got != 2 {
		t.Fatalf("refs = %d, want 2", got)
	}

	r.release("a.cluster")
	if a.closed != 0 {
		t.Fatalf("handle closed while still held")
	}
	r.release("a.cluster")
	r.release("a.cluster") // one too many: no effect
	if a.closed != 1 {
		t.Fatalf("handle closed %d times, want 1", a.closed)
	}
	if other.closed != 0 {
		t.Fatalf("unrelated handle closed")
	}

	c, err := r.acquire("a.cluster")
	if err != nil {
		t.Fatal(err)
	}
	if c == a || c.closed != 0 {
		t.Fatal("acquire after the last release reused the closed handle")
	}
}

func TestRegistryOpenErrorNotCached(t *testing.T) {
	openErr := errors.New("no cluster file")
	r, opened := newTestRegistry(&openErr)
	if _, err := r.acquire("x"); !errors.Is(err, openErr) {
		t.Fatalf("acquire() = %v, want %v", err, openErr)
	}
	if got := r.refs("x"); got != 0 {
		t.Fatalf("refs after failed open = %d, want 0", got)
	}
	openErr = nil
	if _, err := r.acquire("x"); err != nil {
		t.Fatalf("acquire() after the cause was fixed = %v, want nil", err)
	}
	if got := len(*opened); got != 1 {
		t.Fatalf("opened %d handles, want 1", got)
	}
}

func TestLifecycle(t *testing.T) {
	var l lifecycle
	if err := l.enter(); err != nil {
		t.Fatalf("enter() = %v, want nil", err)
	}

	released := 0
	closed := make(chan struct{})
	go func() {
		l.close(func() { released++ })
		close(closed)
	}()

	// Wait until close has begun: then enter fails.
	for l.enter() == nil {
		l.exit()
	}
	select {
	case <-closed:
		t.Fatal("close returned while a call was still running")
	default:
	}
	l.exit()
	<-closed

	l.close(func() { released++ })
	if released != 1 {
		t.Fatalf("released %d times, want 1", released)
	}
	if err := l.enter(); !errors.Is(err, ErrClosed) {
		t.Fatalf("enter() after close = %v, want ErrClosed", err)
	}
}
