#!/bin/sh
# Regenerates every report in this directory from ./project (see README.md).
# Usage: sh make.sh [bin-dir-with-pytest-and-mypy]
# pytest's exit status is not checked: several runs fail, error or collect nothing on purpose.
set -u
BIN=${1:-/root/gv/bin}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=/tmp/gates-pytest-fixture       # fixed, so paths in the reports are stable
rm -rf "$WORK" && cp -r "$HERE/project" "$WORK" && cd "$WORK" || exit 1
# kept as .txt so that no linter or type checker of the gates repository trips on it
mv collection_error/check_syntax_error.py.txt collection_error/check_syntax_error.py
junit() { # junit OUTPUT FAMILY ARGS...
    out=$1 family=$2; shift 2
    "$BIN/pytest" -q -p no:cacheprovider -o junit_family="$family" --junitxml="$HERE/$out" "$@" >/dev/null
    echo "$out: pytest exit $?"
}
junit passing.xml xunit2 passing
junit passing-xunit1.xml xunit1 passing
junit failing.xml xunit2 failing
junit failing-xunit1.xml xunit1 failing
junit fixture-error.xml xunit2 fixture_error
junit collection-error.xml xunit2 collection_error
junit collection-error-xunit1.xml xunit1 collection_error
junit all-skipped.xml xunit2 all_skipped
junit no-tests.xml xunit2 no_tests
junit xfail.xml xunit2 xfail
junit odd-ids.xml xunit2 odd_ids
junit hostile.xml xunit2 -o junit_logging=all hostile
rm -rf "$WORK"
