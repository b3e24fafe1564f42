#!/usr/bin/env bash
# The full proof that the Debian package installs on a fresh Debian 12: builds a minimal bookworm root
# with mmdebstrap (variant apt: nothing but apt and the essential packages, no Qt) into a folder,
# installs build/dev/seam_*.deb there with apt, which must find every dependency from the package's
# Depends alone, and runs the installed seam headless in it. Needs root (or sudo), network access to a
# Debian mirror and a few hundred MB in /tmp; not part of CI (scripts/check-package.sh is).
# Usage: scripts/check-deb-install.sh [path/to/seam_*.deb] [MIRROR]
set -euo pipefail
cd "$(dirname "$0")/.."
deb=${1:-$(ls build/dev/seam_*.deb 2>/dev/null | head -n1)}
mirror=${2:-http://deb.debian.org/debian}
[[ -f ${deb:-} ]] || { echo "no package: cmake --build build/dev --target package first" >&2; exit 2; }
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
command -v mmdebstrap >/dev/null || DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq mmdebstrap

root=$(mktemp -d /tmp/seam-debroot.XXXXXX)
trap '"${sudo_cmd[@]}" rm -rf "$root"' EXIT
echo "== a clean bookworm root in $root, then apt install ./$(basename "$deb")"
"${sudo_cmd[@]}" mmdebstrap --variant=apt --mode=root bookworm "$root" "$mirror" \
    --customize-hook="copy-in '$(realpath "$deb")' /tmp" \
    --customize-hook='chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/'"$(basename "$deb")" \
    --customize-hook='chroot "$1" seam --version' \
    --customize-hook='chroot "$1" env QT_QPA_PLATFORM=offscreen seam demo --db /tmp/demo.seam --sessions 60' \
    --customize-hook='chroot "$1" seam stats --db /tmp/demo.seam --json' \
    --customize-hook='chroot "$1" test -s /usr/share/applications/io.github.seam.Seam.desktop' \
    --customize-hook='chroot "$1" test -s /usr/share/man/man1/seam.1.gz' \
    --customize-hook='chroot "$1" sh -c "ls /usr/lib/*/qt6/plugins/platforms/libqxcb.so"'
echo "== seam installs and runs on a clean Debian 12"
