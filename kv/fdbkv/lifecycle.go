package fdbkv

import "sync"

// lifecycle tracks the calls running on a DB so that Close can refuse new
// ones, wait for the running ones, and release the DB's resources exactly
// once, however many times it is called.
type lifecycle struct {
	mu     sync.Mutex
	closed bool           // guarded by mu
	active sync.WaitGroup // Add only under mu while !closed
}

// enter registers a running call; it fails with ErrClosed once close has
// begun. Every successful enter must be matched by one exit.
func (l *lifecycle) enter() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	l.active.Add(1)
	return nil
}

// exit ends a call registered by enter.
func (l *lifecycle) exit() { l.active.Done() }

// close refuses new calls, waits for the running ones and then runs
// release. Only the first call does this; later calls return at once.
func (l *lifecycle) close(release func()) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	l.mu.Unlock()

	l.active.Wait()
	release()
}
