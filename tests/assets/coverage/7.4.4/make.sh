#!/bin/sh
# Regenerates the meta.format 2 report with coverage 7.4.4 (see README.md).
# The fixture project is shared with ../7.17.4/project.
# Usage: sh make.sh [bin-dir-of-a-venv-with-coverage==7.4.4-and-pytest]
set -eu
BIN=${1:-/tmp/oldcov/bin}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=/tmp/gates-cov-fixture
rm -rf "$WORK" && cp -r "$HERE/../7.17.4/project" "$WORK" && cd "$WORK"
export COVERAGE_FILE="$WORK/.coverage"
"$BIN/coverage" run --branch --source=calc -m pytest -q -p no:cacheprovider checks >/dev/null
"$BIN/coverage" json -o "$HERE/branch.json"
"$BIN/coverage" run --source=calc -m pytest -q -p no:cacheprovider checks >/dev/null
"$BIN/coverage" json -o "$HERE/lines.json"
rm -rf "$WORK"
