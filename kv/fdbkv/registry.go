package fdbkv

import "sync"

// registry shares one database handle per cluster file among every DB that
// Open returns, and closes it when the last of them is closed, exactly once.
// H is fdb.Database in a build with -tags fdb; tests use a stand-in.
//
// All fields are guarded by mu, which is also held while open and close run,
// so that the bindings' own unsynchronized per-cluster-file cache is never
// entered from two goroutines through this package.
type registry[H any] struct {
	open  func(clusterFile string) (H, error)
	close func(H)

	mu      sync.Mutex
	handles map[string]*sharedHandle[H]
}

// sharedHandle is one open handle and how many DBs use it.
type sharedHandle[H any] struct {
	h    H
	refs int
}

// acquire returns the handle for clusterFile, opening it on first use.
func (r *registry[H]) acquire(clusterFile string) (H, error) {
	r.mu.Lock()
	defer r.mu.Unlock()

	if s, ok := r.handles[clusterFile]; ok {
		s.refs++
		return s.h, nil
	}
	h, err := r.open(clusterFile)
	if err != nil {
		var zero H
		return zero, err
	}
	if r.handles == nil {
		r.handles = make(map[string]*sharedHandle[H])
	}
	r.handles[clusterFile] = &sharedHandle[H]{h: h, refs: 1}
	return h, nil
}

// release gives back one reference to clusterFile's handle and closes the
// handle when it was the last. Each acquire must be matched by one release.
func (r *registry[H]) release(clusterFile string) {
	r.mu.Lock()
	defer r.mu.Unlock()

	s, ok := r.handles[clusterFile]
	if !ok {
		return
	}
	s.refs--
	if s.refs > 0 {
		return
	}
	delete(r.handles, clusterFile)
	r.close(s.h)
}

// refs returns how many DBs hold clusterFile's handle.
func (r *registry[H]) refs(clusterFile string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.handles[clusterFile]; ok {
		return s.refs
	}
	return 0
}
