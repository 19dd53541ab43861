#!/bin/sh
# Runs the side-by-side benchmarks and writes docs/BENCHMARKS.md and
# docs/benchmarks-failover.svg. Extra arguments go to the program, for
# example -trials 30 for a quicker run. Takes a few minutes on two cores.
set -eu
cd "$(dirname "$0")"
exec "${GO:-go}" run . -out ../docs "$@"
