#!/bin/sh
# Regenerates the `ruff format --check` text reports of ruff 0.15.12 (`sh make.sh [bin-dir]`).
# Before ruff 0.16, `ruff format --output-format json` is preview-only: the lint stage of a
# project that locks such a ruff records the plain-text stdout (format `ruff-format-text`).
# Each case runs from a copy of project/<case> at a fixed path, so the relative paths
# ruff prints do not depend on this checkout. Exit codes: exit-codes.txt; stderr: stderr.txt.
set -u
BIN=${1:-/tmp/ruff-0.15.12/bin}
HERE=$(pwd)
: > exit-codes.txt
: > stderr.txt
for case in unformatted clean syntax empty; do
    rm -rf /tmp/gates-ruff-text && cp -r "project/$case" /tmp/gates-ruff-text
    (cd /tmp/gates-ruff-text && "$BIN/ruff" format --check --no-cache .) > "format-$case.txt" 2> stderr.tmp
    echo "format-$case.txt $?" >> exit-codes.txt
    sed "s|^|format-$case.txt: |" stderr.tmp >> stderr.txt; rm -f stderr.tmp
done
rm -rf /tmp/gates-ruff-text
"$BIN/ruff" --version > version.txt
