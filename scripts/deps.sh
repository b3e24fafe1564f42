#!/usr/bin/env bash
# Installs what Seam needs to build, test and run on Debian 12, skipping what is already there.
# Usage: scripts/deps.sh [--gui]   (--gui adds Xvfb and friends for machines without a display)
set -euo pipefail

packages=(
    build-essential cmake ninja-build ccache pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libqt6sql6-sqlite libgl-dev
    libsqlite3-dev sqlite3 zlib1g-dev libprotobuf-dev protobuf-compiler rapidjson-dev
    clang libclang-rt-14-dev lld
)
# The package step (scripts/check-package.sh): CPack's dpkg-shlibdeps needs `file`; the installed
# desktop entry and metainfo are validated.
packages+=(file dpkg-dev desktop-file-utils appstream)
# pdftoppm / pdftotext: the report tests read the PDF's text (skipped without them).
packages+=(poppler-utils)
# qpdf --check: the report test checks that the PDF made reproducible is still well formed.
packages+=(qpdf)
# The end-to-end tests (tests/e2e): headless Chromium, and Node.js with npm unless some other install
# (nodesource, nvm) already provides them.
packages+=(chromium)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# The remote back-end tests (tests/importers/remote): a real Prometheus (promtool fills it) and curl.
packages+=(prometheus curl)
if [[ "${1:-}" == "--gui" ]]; then
    packages+=(xvfb xauth imagemagick fonts-dejavu-core)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "Installing: ${missing[*]}"
    sudo_cmd=()
    [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
