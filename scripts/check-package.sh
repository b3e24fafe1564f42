#!/usr/bin/env bash
# CI's package step (scripts/run-tests.sh): builds the Debian package from an already built tree,
# installs it on this machine with apt (dependencies from the package's own Depends), runs the
# installed /usr/bin/seam headless, validates the installed desktop entry and AppStream metainfo, and
# removes the package again. A minute or two: everything is compiled before it runs.
# Usage: scripts/check-package.sh [BUILD_DIR]   (default build/dev; needs root or sudo)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/dev}
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)

rm -f "$build"/seam_*.deb
cmake --build "$build" --target package
deb=$(ls "$build"/seam_*.deb)
echo "== $deb"
dpkg-deb --field "$deb" Package Version Depends

tmp=$(mktemp -d)
trap '"${sudo_cmd[@]}" apt-get remove -y -qq seam >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "./$deb"

/usr/bin/seam --version
QT_QPA_PLATFORM=offscreen /usr/bin/seam demo --db "$tmp/demo.seam" --sessions 60 --seed 1
/usr/bin/seam stats --db "$tmp/demo.seam" --json >/dev/null
desktop-file-validate /usr/share/applications/io.github.seam.Seam.desktop
appstreamcli validate --no-net /usr/share/metainfo/io.github.seam.Seam.metainfo.xml
for f in /usr/share/man/man1/seam.1.gz /usr/share/mime/packages/seam.xml \
    /usr/share/icons/hicolor/scalable/apps/seam.svg /usr/share/icons/hicolor/256x256/apps/seam.png; do
    [[ -s $f ]] || { echo "missing from the package: $f" >&2; exit 1; }
done
man -l /usr/share/man/man1/seam.1.gz 2>/dev/null | grep -q "seam import" || { echo "man page without commands" >&2; exit 1; }
"${sudo_cmd[@]}" apt-get remove -y -qq seam
[[ ! -e /usr/bin/seam ]] || { echo "/usr/bin/seam left after apt-get remove" >&2; exit 1; }
echo "== the package installs, runs and removes cleanly"
