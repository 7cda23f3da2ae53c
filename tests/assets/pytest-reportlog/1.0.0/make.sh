#!/bin/sh
# Regenerates every report in this directory from ./project (see README.md).
# Usage: sh make.sh [bin-dir-with-pytest]
# BIN needs pytest 9.2.0 and pytest-reportlog 1.0.0. pytest's exit status is recorded, not checked.
set -u
BIN=${1:-/work/venvs/history/bin}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=/tmp/gates-reportlog-fixture  # fixed, so paths in the reports are stable
: >"$HERE/summaries.txt"
run() { # run OUTPUT ARGS...: pytest's report-log into OUTPUT, its exit code and summary line
    out=$1; shift
    "$BIN/python" -m pytest -q -p no:cacheprovider --report-log="$HERE/$out" "$@" >"$WORK/stdout.txt" 2>&1
    code=$?
    printf '%s\t%s\t%s\n' "$out" "$code" "$(tail -n 1 "$WORK/stdout.txt")" >>"$HERE/summaries.txt"
    echo "$out: pytest exit $code: $(tail -n 1 "$WORK/stdout.txt")"
}
rm -rf "$WORK" && cp -r "$HERE/project" "$WORK" && cd "$WORK" || exit 1
run outcomes.jsonl checks
# the failed tests again, in a fresh process, as the test stages rerun them: the counter persists
run rerun.jsonl checks/check_outcomes.py::check_fails checks/check_outcomes.py::check_fails_first_run_only checks/check_outcomes.py::check_setup_error checks/check_outcomes.py::check_teardown_error
run nothing.jsonl checks -k no_such_test
cd "$HERE" && rm -rf "$WORK"
