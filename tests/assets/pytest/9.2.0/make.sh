#!/bin/sh
# Regenerates every report in this directory from ./project (see README.md).
# Usage: sh make.sh [bin-dir-with-pytest]
# BIN needs pytest 9.2.0 and pytest-reportlog 1.0.0 (nothing else: see README.md).
# pytest's exit status is not checked: several runs fail, error or collect nothing on purpose.
set -u
BIN=${1:-/work/venvs/junit-rec/bin}   # made with: python3 -m venv DIR && DIR/bin/pip install pytest==9.2.0 pytest-reportlog==1.0.0
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=/tmp/gates-pytest-fixture       # fixed, so paths in the reports are stable
rm -rf "$WORK" && cp -r "$HERE/project" "$WORK" && cd "$WORK" || exit 1
# kept as .txt so that no linter or type checker of the gates repository trips on it
mv collection_error/check_syntax_error.py.txt collection_error/check_syntax_error.py
: >"$HERE/summaries.txt"
junit() { # junit OUTPUT FAMILY ARGS...: the JUnit XML, the report-log next to it, the summary line
    out=$1 family=$2; shift 2
    log="${out%.xml}.reportlog.jsonl"
    "$BIN/pytest" -q -p no:cacheprovider -o junit_family="$family" --junitxml="$HERE/$out" \
        --report-log="$HERE/$log" "$@" >"$WORK/stdout.txt" 2>&1
    code=$?
    printf '%s\t%s\t%s\n' "$out" "$code" "$(tail -n 1 "$WORK/stdout.txt")" >>"$HERE/summaries.txt"
    echo "$out: pytest exit $code: $(tail -n 1 "$WORK/stdout.txt")"
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
junit subtests-passing.xml xunit2 subtests_passing
junit subtests.xml xunit2 subtests
junit subtests-xunit1.xml xunit1 subtests
rm -rf "$WORK"
