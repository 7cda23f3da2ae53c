#!/bin/sh
# Regenerates every report in this directory from ./project (see README.md).
# Usage: sh make.sh [bin-dir-with-pytest]
# BIN needs pytest 9.2.0, pytest-rerunfailures 16.6.1 and pytest-reportlog 1.0.0.
# pytest's exit status is not checked: the run fails on purpose.
set -u
BIN=${1:-/work/venvs/junit-rec-16.6.1/bin}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=/tmp/gates-rerunfailures-fixture  # fixed, so paths in the reports are stable
: >"$HERE/summaries.txt"
junit() { # junit OUTPUT FAMILY ARGS...: a fresh copy (attempts start at 1), the JUnit XML, the report-log, the summary line
    out=$1 family=$2; shift 2
    log="${out%.xml}.reportlog.jsonl"
    rm -rf "$WORK" && cp -r "$HERE/project" "$WORK" && cd "$WORK" || exit 1
    "$BIN/pytest" -q -p no:cacheprovider -o junit_family="$family" --junitxml="$HERE/$out" \
        --report-log="$HERE/$log" "$@" >"$WORK/stdout.txt" 2>&1
    code=$?
    printf '%s\t%s\t%s\n' "$out" "$code" "$(tail -n 1 "$WORK/stdout.txt")" >>"$HERE/summaries.txt"
    echo "$out: pytest exit $code: $(tail -n 1 "$WORK/stdout.txt")"
    cd "$HERE" && rm -rf "$WORK"
}
junit reruns.xml xunit2 --reruns 2 reruns
junit reruns-xunit1.xml xunit1 --reruns 2 reruns
