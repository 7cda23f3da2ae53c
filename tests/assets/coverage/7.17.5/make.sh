#!/bin/sh
# Regenerates every report in this directory from ./project (see README.md).
# Usage: sh make.sh [bin-dir-with-python-coverage-and-pytest]  (default: where `coverage` is)
set -eu
BIN=${1:-$(dirname "$(command -v coverage)")}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=/tmp/gates-cov-fixture          # fixed, so <source> in the XML is stable
rm -rf "$WORK" && cp -r "$HERE/project" "$WORK" && cd "$WORK"
export COVERAGE_FILE="$WORK/.coverage"
tests() { "$BIN/coverage" run "$@" -m pytest -q -p no:cacheprovider checks >/dev/null; }

# The stage's shape: .coveragerc (branch, parallel, include, precision 2), its shard combined
tests
"$BIN/coverage" combine -q
"$BIN/coverage" report --format=text >"$HERE/branch.txt"
"$BIN/coverage" json -q -o "$HERE/branch.json"
"$BIN/coverage" xml -q -o "$HERE/branch.xml"

# Statements only, coverage.py's default precision (0), the Missing column
rm -f .coverage .coverage.*
tests --rcfile=lines.coveragerc
"$BIN/coverage" report --rcfile=lines.coveragerc --format=text >"$HERE/lines.txt"
"$BIN/coverage" json --rcfile=lines.coveragerc -q -o "$HERE/lines.json"

# pytest-cov on the same tests: the plugin imported before it starts is lost
rm -f .coverage .coverage.*
"$BIN/python" -m pytest -q -p no:cacheprovider --cov=edge --cov-branch \
    --cov-config=lines.coveragerc --cov-report=json:"$HERE/pytest-cov.json" checks >/dev/null
rm -rf "$WORK"
