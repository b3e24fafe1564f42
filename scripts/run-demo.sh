#!/usr/bin/env bash
# Installs what is missing, builds Seam and opens it on the bundled demo investigation.
# Without a display (a bare server), it runs under Xvfb and saves a screenshot instead.
set -euo pipefail
cd "$(dirname "$0")/.."

gui=()
[[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]] && gui=(--gui)
scripts/deps.sh "${gui[@]}"
cmake --preset dev
cmake --build --preset dev --target seam

if ((${#gui[@]})); then
    shot="$PWD/build/demo-screenshot.png"
    echo "No display: running Seam under Xvfb for 25 s; screenshot -> $shot"
    xvfb-run -a -s "-screen 0 1920x1080x24" bash -c "
        ./build/dev/app/seam --demo & pid=\$!
        sleep 25; import -window root '$shot'; kill \$pid" || true
    echo "Screenshot saved to $shot"
else
    exec ./build/dev/app/seam --demo
fi
