#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for a bounded time from a seed corpus
# (the demo's telemetry in every encoding, plus the public sample files). A crash, a sanitizer report,
# a timeout or an out-of-memory is a failure; the input that caused it is kept in build/fuzz/findings.
#   SEAM_FUZZ_SECONDS   time per target (default 12)
#   SEAM_FUZZ_JOBS      targets run at once (default nproc)
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache keys on paths relative to the checkout, so a fresh clone elsewhere reuses earlier builds.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"

seconds="${SEAM_FUZZ_SECONDS:-12}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

bin=build/fuzz/tests/fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin/make_fuzz_seeds" "$work/seeds"
# Each format's target also starts from the sample files of that format: the public ones written by
# other projects (when ../shared is there) and the project's own test fixtures.
public=../shared/fixtures/public
# A missing seed folder is a mistake (a renamed folder once left a fuzzer without its samples, unnoticed),
# except under ../shared, which only the dev machine has.
seed_from() { # seed_from FORMAT DIR...
    local format=$1
    shift
    mkdir -p "$work/seeds/$format"
    for dir in "$@"; do
        if [[ ! -d "$dir" ]]; then
            if [[ "$dir" == "$public"/* && ! -d "$public" ]]; then
                continue
            fi
            echo "run-fuzz.sh: seed folder $dir (for $format) does not exist" >&2
            exit 1
        fi
        find "$dir" -maxdepth 1 -type f ! -name '*.md' -exec cp {} "$work/seeds/$format/" \;
    done
}
seed_from otlp-json "$public/otlp"
seed_from har "$public/har" tests/data/har
seed_from datadog-rum "$public/datadog-rum" tests/data/datadog-rum
seed_from faro "$public/faro" tests/data/faro
seed_from jaeger-json "$public/jaeger" tests/data/jaeger
seed_from zipkin-json "$public/zipkin" tests/data/zipkin
for format in otlp-json har datadog-rum faro jaeger-json zipkin-json; do
    cp "$work/seeds/$format"/* "$work/seeds/auto/" 2>/dev/null || true
done
# The remote readers: hand-written answers in each server's format (tests/fuzz/seeds), the recorded
# Jaeger api/v3 snapshot, and for Tempo the demo's OTLP protobuf traces (a TraceByIDResponse is
# wire-compatible with them).
seed_from remote-clickhouse-rows tests/fuzz/seeds/clickhouse-rows
seed_from remote-prometheus tests/fuzz/seeds/prometheus
seed_from remote-tempo-search tests/fuzz/seeds/tempo-search
seed_from remote-jaeger-v3 tests/fuzz/seeds/jaeger "$public/jaeger"
mkdir -p "$work/seeds/remote-tempo"
cp "$work/seeds/otlp-protobuf-traces"/* "$work/seeds/remote-tempo/"
# fuzz_detect (detection alone) starts from everything detection may meet.
seed_from detect "$work/seeds/auto"

mkdir -p build/fuzz/findings
# One target is one process on one core for a fixed wall time, so targets run side by side, one per core
# (SEAM_FUZZ_JOBS, default nproc): each still gets its SEAM_FUZZ_SECONDS of a whole core, and the step
# takes half the time on two cores. Each target's lines are kept and printed in order at the end.
fuzz_one() { # fuzz_one TARGET: its report on stdout; exit status 1 on a problem
    local target=$1 name format corpus seeds regressions
    name=$(basename "$target")
    format=${name#fuzz_}
    format=${format//_/-}
    corpus="$work/corpus/$format"
    mkdir -p "$corpus"
    seeds="$work/seeds/$format"
    [[ -d "$seeds" ]] || seeds="$work/seeds/auto"
    # Inputs that once found a bug run first, every time.
    regressions=(tests/fuzz/regressions/"$format"-*)
    if [[ -e "${regressions[0]}" ]] && ! ASAN_OPTIONS=detect_leaks=0 \
        UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$PWD/tests/fuzz/ubsan.supp" \
        "$target" "${regressions[@]}" > "$work/$name-regressions.log" 2>&1; then
        echo "!! $name fails on a regression input"
        tail -n 40 "$work/$name-regressions.log"
        return 1
    fi
    echo "== $name: ${seconds}s"
    if ! ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
        UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$PWD/tests/fuzz/ubsan.supp" \
        "$target" "$corpus" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=262144 -print_final_stats=1 -artifact_prefix="build/fuzz/findings/$name-" \
        > "$work/$name.log" 2>&1; then
        echo "!! $name found a problem; input kept in build/fuzz/findings/"
        tail -n 40 "$work/$name.log"
        return 1
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov:" "$work/$name.log" | tail -n 3
}

parallel="${SEAM_FUZZ_JOBS:-$(nproc)}"
names=()
for target in "$bin"/fuzz_*; do
    [[ -f "$target" && -x "$target" ]] || continue
    name=$(basename "$target")
    names+=("$name")
    while (($(jobs -rp | wc -l) >= parallel)); do
        wait -n || true
    done
    (fuzz_one "$target" > "$work/$name.out" 2>&1 || touch "$work/$name.failed") &
done
wait
status=0
for name in "${names[@]}"; do
    cat "$work/$name.out"
    [[ ! -e "$work/$name.failed" ]] || status=1
done
exit $status
