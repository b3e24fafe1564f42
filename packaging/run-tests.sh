#!/usr/bin/env bash
# Installs what is missing, builds Seam (Ninja + ccache, warnings as errors) and runs the whole test
# suite with CTest. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/deps.sh
cmake --preset dev
cmake --build --preset dev
ctest --preset dev
