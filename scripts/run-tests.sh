#!/usr/bin/env bash
# Installs what is missing, builds Seam (Ninja + ccache, warnings as errors) and runs the whole test
# suite with CTest; then builds and runs it again under AddressSanitizer + UndefinedBehaviorSanitizer.
# While the second build compiles, the first build's Debian package is installed, run and removed
# (check-package.sh).
# Then every importer's libFuzzer target runs for a bounded time (scripts/run-fuzz.sh).
# This is the README's test command and what CI runs. SEAM_SKIP_ASAN=1 skips the sanitizer pass,
# SEAM_SKIP_PACKAGE=1 the package check, SEAM_SKIP_FUZZ=1 the fuzzers.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache keys on paths relative to the checkout, so a fresh clone elsewhere reuses earlier builds.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"

scripts/deps.sh

# The build folders of a full run take about 16 GiB (2026-12-06: dev 7.7, asan 6.2, fuzz 0.7, the
# remote tests' node modules 0.5). A disk that fills up half-way shows up as a linker crash (lld dies
# of SIGBUS when it cannot grow the output it maps), so check first; what is already built counts.
need_gib="${SEAM_NEED_DISK_GIB:-18}"
free_kib=$(df -Pk . | awk 'NR == 2 { print $4 }')
built_kib=$(du -sk build 2>/dev/null | cut -f1 || true)
if (( free_kib + ${built_kib:-0} < need_gib * 1024 * 1024 )); then
    echo "!! $(df -P . | awk 'NR == 2 { print $6 }') has $((free_kib / 1024 / 1024)) GiB free and" \
        "build/ holds $((${built_kib:-0} / 1024 / 1024)) GiB: a full test run needs about $need_gib GiB" \
        "(SEAM_NEED_DISK_GIB overrides)" >&2
    exit 1
fi

cmake --preset dev
cmake --build --preset dev
ctest --preset dev
# The Debian package of that build installs with apt, runs and removes (SEAM_SKIP_PACKAGE=1 skips).
# Packing, apt and dpkg's triggers mostly wait on the disk, so the check runs beside the sanitizer
# build; its output follows once it is done, and it is done before any test runs again.
package_pid=
if [[ "${SEAM_SKIP_PACKAGE:-0}" != 1 ]]; then
    scripts/check-package.sh build/dev > build/dev/check-package.log 2>&1 &
    package_pid=$!
fi
package_done() {
    [[ -n "$package_pid" ]] || return 0
    local status=0
    wait "$package_pid" || status=$?
    package_pid=
    cat build/dev/check-package.log
    [[ $status == 0 ]] || echo "!! scripts/check-package.sh failed (exit $status)"
    return $status
}
# A failing sanitizer build still waits for apt to finish (and shows why the package check failed).
trap 'package_done || true' EXIT

if [[ "${SEAM_SKIP_ASAN:-0}" != 1 ]]; then
    cmake --preset asan
    cmake --build --preset asan
fi
package_done
if [[ "${SEAM_SKIP_ASAN:-0}" != 1 ]]; then
    ctest --preset asan
fi

if [[ "${SEAM_SKIP_FUZZ:-0}" != 1 ]]; then
    scripts/run-fuzz.sh
fi
