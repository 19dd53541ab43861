package memkv

import "errors"

// ErrInvalidOptions is wrapped by the error Options.Validate returns.
var ErrInvalidOptions = errors.New("memkv: invalid options")
