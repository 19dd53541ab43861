package fdbkv

// APIVersion is the FoundationDB API version this package selects and
// requires: 730, the API of the 7.3 client and of the bindings pinned in
// go.mod. A process can select one API version only; see Open.
const APIVersion = 730

// ClientVersion names the FoundationDB client package release line that a
// build with -tags fdb needs installed (libfdb_c and its header).
const ClientVersion = "7.3.x"
