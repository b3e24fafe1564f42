#!/bin/sh
# Builds every large cache the benchmarks read, once: a cache that exists is reused, so running it
# again costs nothing. Then prints the commands that measure them.
#
#   demo caches   DIR/why-<N>.seam, the demo investigation with N sessions at its usual density (~67
#                 sessions a minute: 2,000 sessions = 30 min, ~9.8k page loads, 419k spans; 50,000 =
#                 12.5 h, ~254k page loads, 10.8M spans, ~2.7 GB (schema v11+), about 12 minutes to write on 2
#                 cores). Read by bench_why, bench_impact, bench_clicktoviews and bench_anomalies.
#   table caches  DIR/pageloads-<N>.seam, N page loads and their sessions only (1M: ~400 MiB, ~1-2 min).
#                 Read by bench_pageloadtable.
#
# usage: scripts/build-bench-caches.sh [-d DIR] [-s SESSIONS,...] [-p PAGELOADS,...] [-n]
#   -d DIR        where the caches go (default build/bench-caches)
#   -s LIST       demo sizes in sessions (default 2000,50000); "-s ''" builds none
#   -p LIST       page-load table sizes (default 10000,1000000); "-p ''" builds none
#   -n            print what would be built and the bench commands, build nothing
# Needs the dev build (cmake --preset dev); the bench programs it lacks are built first.
# Legacy form, still accepted: scripts/build-bench-caches.sh DIR [SESSIONS,...]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/build/bench-caches
sessions=2000,50000
pageloads=10000,1000000
dry=0
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    dir=$1
    shift
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
        sessions=$1
        shift
    fi
fi
while getopts d:s:p:nh opt; do
    case $opt in
    d) dir=$OPTARG ;;
    s) sessions=$OPTARG ;;
    p) pageloads=$OPTARG ;;
    n) dry=1 ;;
    *)
        sed -n '2,19p' "$0"
        exit 2
        ;;
    esac
done
bench=$root/build/dev/tests/bench

need() {
    if [ ! -x "$bench/$1" ]; then
        echo "building $1 ..."
        nice -n 5 cmake --build "$root/build/dev" --target "$1" -j2
    fi
}

# Comma-separated list -> words.
words() { echo "$1" | tr ',' ' '; }

missing() {
    for n in $(words "$2"); do
        [ -f "$dir/$1-$n.seam" ] || echo "$dir/$1-$n.seam"
    done
}

echo "caches in $dir"
todo=$(
    missing why "$sessions"
    missing pageloads "$pageloads"
)
if [ -n "$todo" ]; then
    echo "to build:"
    echo "$todo" | sed 's/^/  /'
else
    echo "all present"
fi
if [ "$dry" = 0 ]; then
    mkdir -p "$dir"
    if [ -n "$(missing why "$sessions")" ]; then
        need bench_why
        nice -n 5 "$bench/bench_why" --keep "$dir" --sessions "$sessions" --generate-only
    fi
    if [ -n "$(missing pageloads "$pageloads")" ]; then
        need bench_pageloadtable
        nice -n 5 "$bench/bench_pageloadtable" --keep "$dir" --reuse --generate-only --sizes "$pageloads"
    fi
    ls -l "$dir"
fi

small=$(words "$sessions" | awk '{print $1}')
large=$(words "$sessions" | awk '{print $NF}')
cat <<EOF

measure (each prints its figures; the machine should be otherwise idle):
  $bench/bench_why --keep $dir --sessions $sessions
  $bench/bench_impact --small $dir/why-$small.seam --large $dir/why-$large.seam
  $bench/bench_clicktoviews --keep $dir --sizes 10000 --cache $dir/why-$large.seam
  $bench/bench_anomalies --cache $dir/why-$large.seam
  $bench/bench_pageloadtable --keep $dir --reuse --sizes $pageloads
EOF
