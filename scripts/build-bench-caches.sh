#!/bin/sh
# Builds the large demo caches the analysis benchmarks read (bench_why: ~10k and ~250k page loads),
# once: a cache that exists is reused. The 250k one (~10M spans, several GiB) takes minutes to write.
#
# usage: scripts/build-bench-caches.sh [DIR] [SESSIONS,SESSIONS]
#   DIR defaults to build/bench-caches; sessions to 2000,50000 (~5 page loads a session).
# Then: build/dev/tests/bench/bench_why --keep DIR --sessions 2000,50000
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build/bench-caches}
sessions=${2:-2000,50000}
bench=$root/build/dev/tests/bench/bench_why
if [ ! -x "$bench" ]; then
    echo "building bench_why ..."
    nice -n 5 cmake --build "$root/build/dev" --target bench_why -j2
fi
mkdir -p "$dir"
nice -n 5 "$bench" --keep "$dir" --sessions "$sessions" --generate-only
ls -l "$dir"
