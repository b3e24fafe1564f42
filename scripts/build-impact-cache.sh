#!/bin/sh
# Builds the caches bench_impact measures: the demo investigation at its usual density (~67 sessions a
# minute) with 2,000 sessions (~10k page loads, 30 min) and 51,000 sessions (~250k page loads, ~13 h,
# ~6.5 GB), then runs the bench on them. Needs a build with -DSEAM_BUILD_BENCH=ON.
#
# usage: scripts/build-impact-cache.sh [DIR]   (default DIR: build/bench-caches)
set -eu
cd "$(dirname "$0")/.."
DIR=${1:-build/bench-caches}
BENCH=${BENCH:-build/dev/tests/bench/bench_impact}
[ -x "$BENCH" ] || { echo "build bench_impact first (cmake -DSEAM_BUILD_BENCH=ON ...)" >&2; exit 2; }
mkdir -p "$DIR"
[ -f "$DIR/impact-10k.seam" ] || "$BENCH" --build "$DIR/impact-10k.seam" --sessions 2000
[ -f "$DIR/impact-250k.seam" ] || "$BENCH" --build "$DIR/impact-250k.seam" --sessions 51000
"$BENCH" --small "$DIR/impact-10k.seam" --large "$DIR/impact-250k.seam"
