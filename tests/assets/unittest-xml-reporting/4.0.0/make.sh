#!/bin/sh
# Regenerates every report in this directory from ./project (see README.md).
# Usage: sh make.sh [bin-dir]
# BIN needs unittest-xml-reporting 4.0.0, coverage 7.17.5 and gates (nothing else: see README.md).
# The exit status is not checked: several runs fail or run nothing on purpose.
set -u
BIN=${1:-/work/venvs/junit-unittest/bin}  # made with: python3.11 -m venv DIR && DIR/bin/pip install unittest-xml-reporting==4.0.0 coverage==7.17.5 /path/to/gates
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=/tmp/gates-unittest-fixture      # fixed, so paths in the reports are stable
rm -rf "$WORK" && cp -r "$HERE/project" "$WORK" && cd "$WORK" || exit 1
: >"$HERE/summaries.txt"
run() { # run OUTPUT FOLDER [RUNNER]: the JUnit XML, and unittest's "Ran N tests" and result lines
    out=$1 folder=$2 runner=${3:-gates.unittest_junit}
    # as the unit stage runs it (gates/testrunner.py), with unittest's own -p for these fixtures
    "$BIN/coverage" run --data-file="$WORK/.coverage" -m "$runner" --output-file "$HERE/$out" \
        discover -s "$folder" -t . -p 'check*.py' >"$WORK/stdout.txt" 2>&1
    code=$?
    ran=$(grep -E '^Ran [0-9]+ tests?' "$WORK/stdout.txt")
    result=$(grep -E '^(OK|FAILED|NO TESTS RAN)' "$WORK/stdout.txt")
    printf '%s\t%s\t%s\t%s\n' "$out" "$code" "$ran" "$result" >>"$HERE/summaries.txt"
    echo "$out: exit $code: $ran: $result"
}
run passing.xml passing
run mixed.xml mixed
run no-tests.xml empty
run repeated.xml repeated
run repeated-xmlrunner.xml repeated xmlrunner   # unittest-xml-reporting's own runner, for comparison
rm -rf "$WORK"
