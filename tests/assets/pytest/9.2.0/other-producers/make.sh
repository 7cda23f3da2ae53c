#!/bin/sh
# Regenerates the mypy JUnit reports (see ../README.md). Usage: sh make.sh [bin-dir]
# bad.py / good.py are stored as .py.txt so the gates repository's own mypy run skips them.
set -u
BIN=${1:-/root/gv/bin}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=/tmp/gates-mypy-junit-fixture
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
cp "$HERE/bad.py.txt" bad.py && cp "$HERE/good.py.txt" good.py
"$BIN/mypy" --no-incremental --junit-xml "$HERE/mypy-2.4.1-errors.xml" bad.py good.py >/dev/null; echo "errors: mypy exit $?"
"$BIN/mypy" --no-incremental --junit-xml "$HERE/mypy-2.4.1-clean.xml" good.py >/dev/null; echo "clean: mypy exit $?"
"$BIN/mypy" --no-incremental --junit-xml "$HERE/mypy-2.4.1-per-file.xml" --junit-format per_file bad.py good.py >/dev/null; echo "per-file: mypy exit $?"
cd / && rm -rf "$WORK"
