#!/usr/bin/env bash
# Writes the seam(1) man page (troff) from the binary's own help: `seam --help` for the synopsis and
# `seam COMMAND --help` for each command it lists, so the page cannot drift from the program.
# Usage: scripts/make-manpage.sh path/to/seam OUTPUT.1   (run by packaging/CMakeLists.txt)
set -euo pipefail
seam=$1
out=$2
export QT_QPA_PLATFORM=offscreen LC_ALL=C.UTF-8

# troff: backslashes escaped, a leading . or ' would be a request, hyphens are minus signs in options.
escape() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/" -e 's/-/\\-/g'; }

version=$("$seam" --version | awk '{print $2}')
help=$("$seam" --help)
summary=$(head -n1 <<<"$help" | sed -e 's/^Seam [^:]*: *//')
# Commands: the first word after "seam" on the usage lines, when it is a word (not an option or PATH).
mapfile -t commands < <(grep -oE '^  seam [a-z][a-z-]*' <<<"$help" | awk '{print $2}' | awk '!seen[$0]++')

{
    echo ".TH SEAM 1 \"\" \"seam $version\" \"User Commands\""
    echo ".SH NAME"
    echo "seam \\- $(escape <<<"$summary")"
    echo ".SH SYNOPSIS"
    echo ".B seam"
    echo "[\\fIPATH\\fR...]"
    echo ".br"
    echo ".B seam"
    echo "\\fICOMMAND\\fR \\fB\\-\\-db\\fR \\fICACHE\\fR [\\fIOPTIONS\\fR]"
    echo ".SH DESCRIPTION"
    echo "Seam is a desktop investigation workstation for browser Real User Monitoring and backend"
    echo "traces. Without a command it opens the window: an investigation file (.seam) opens, other"
    echo "files are imported into a new investigation. The commands below work without a display."
    echo ".PP"
    echo ".nf"
    tail -n +2 <<<"$help" | escape
    echo ".fi"
    echo ".SH COMMANDS"
    for command in "${commands[@]}"; do
        echo ".SS seam $command"
        echo ".nf"
        "$seam" "$command" --help | escape
        echo ".fi"
    done
    echo ".SH EXIT STATUS"
    echo ".TP"
    echo ".B 0"
    echo "done"
    echo ".TP"
    echo ".B 1"
    echo "done, but some input was rejected (or the import was interrupted; what was committed is kept)"
    echo ".TP"
    echo ".B 2"
    echo "usage error or fatal error, also a file that is not a Seam investigation"
    echo ".SH FILES"
    echo ".TP"
    echo ".I ~/.local/share/seam/"
    echo "investigations created by the window (imports, live mode, the demo)"
    echo ".TP"
    echo ".I ~/.config/seam/seam.conf"
    echo "window settings and recent investigations"
} >"$out"
