#!/bin/sh
# Regenerates every report in this directory from ./project (see README.md).
# Usage: sh make.sh [path-to-bin-dir-with-coverage-and-pytest]
set -eu
BIN=${1:-/root/gv/bin}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=/tmp/gates-cov-fixture          # fixed, so <source> in the XML is stable
rm -rf "$WORK" && cp -r "$HERE/project" "$WORK" && cd "$WORK"
export COVERAGE_FILE="$WORK/.coverage"
run() { "$BIN/coverage" run "$@" -m pytest -q -p no:cacheprovider checks >/dev/null; }

run --branch --source=calc
"$BIN/coverage" json -o "$HERE/branch.json"
"$BIN/coverage" xml -o "$HERE/branch.xml"

run --source=calc
"$BIN/coverage" json -o "$HERE/lines.json"
"$BIN/coverage" xml -o "$HERE/lines.xml"

run --branch --source=emptypkg
"$BIN/coverage" json -o "$HERE/empty.json"
"$BIN/coverage" xml -o "$HERE/empty.xml"

run --rcfile=multi.coveragerc --branch
"$BIN/coverage" xml --rcfile=multi.coveragerc -o "$HERE/multi-source.xml"

run --rcfile=relative.coveragerc --branch --source=calc
"$BIN/coverage" xml --rcfile=relative.coveragerc -o "$HERE/relative.xml"

"$BIN/pytest" -q -p no:cacheprovider --cov=calc --cov-branch \
    --cov-report=xml:"$HERE/pytest-cov.xml" checks >/dev/null
rm -rf "$WORK"
