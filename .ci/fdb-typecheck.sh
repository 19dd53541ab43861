#!/usr/bin/env bash
# Type-checks kv/fdbkv as built with -tags fdb, without FoundationDB.
#
# The FoundationDB Go bindings are cgo: compiling them needs the C header
# foundationdb/fdb_c.h, and linking needs libfdb_c, neither of which CI can
# install. kv/fdbkv/testdata/typecheck/include holds a stand-in header that
# declares what the bindings' cgo code uses, for compiling only. With it:
#
#   go vet -tags fdb     type-checks every tagged file, tests included (and the
#                        CLI built with the tag), runs the analyzers; it runs
#                        cgo but links nothing.
#   go build -tags fdb   compiles the package and the bindings. For a non-main
#                        package go build writes no binary and does not link:
#                        cgo's trial link against -lfdb_c fails quietly and the
#                        failure is only recorded for a later final link.
#
# What cannot run here: anything that links a binary or test binary
# (go test, go test -c, go test -exec /bin/true, go build ./cmd/...), since
# the final link needs the real libfdb_c. Those run where the FoundationDB
# client package is installed; see docs/FOUNDATIONDB.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# cgo needs a C compiler even to type-check; say so plainly when it is missing.
cc="$(go env CC)"
if ! command -v "${cc%% *}" >/dev/null 2>&1; then
	echo "fdb-typecheck: the C compiler '$cc' (go env CC) was not found;" \
		"cgo needs one to compile the FoundationDB bindings (install gcc)" >&2
	exit 1
fi

include="$PWD/kv/fdbkv/testdata/typecheck/include"
export CGO_ENABLED=1
export CGO_CFLAGS="${CGO_CFLAGS:+$CGO_CFLAGS }-I$include"

echo "== go vet -tags fdb ./kv/fdbkv/... ./cmd/... (the adapter and the CLI that uses it)"
go vet -tags fdb ./kv/fdbkv/... ./cmd/...

echo "== go build -tags fdb ./kv/fdbkv/... (compile only)"
go build -tags fdb ./kv/fdbkv/...

echo "== staticcheck -tags fdb ./kv/fdbkv/..."
go run "${STATICCHECK:-honnef.co/go/tools/cmd/staticcheck@v0.8.2}" -tags fdb ./kv/fdbkv/...
