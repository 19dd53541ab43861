package subspace

import "errors"

// ErrNotInSubspace reports a key that does not start with the subspace's
// prefix.
var ErrNotInSubspace = errors.New("subspace: key not in subspace")
