#!/bin/sh
# The caches bench_impact measures are the demo caches of scripts/build-bench-caches.sh (one script
# builds every large cache); this builds the two bench_impact compares and runs it on them.
#
# usage: scripts/build-impact-cache.sh [DIR]   (default DIR: build/bench-caches)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build/bench-caches}
"$root/scripts/build-bench-caches.sh" -d "$dir" -s 2000,50000 -p ''
bench=$root/build/dev/tests/bench/bench_impact
[ -x "$bench" ] || nice -n 5 cmake --build "$root/build/dev" --target bench_impact -j2
"$bench" --small "$dir/why-2000.seam" --large "$dir/why-50000.seam"
