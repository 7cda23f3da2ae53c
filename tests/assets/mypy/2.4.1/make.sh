#!/bin/sh
# Regenerates the mypy 2.4.1 reports in this directory: `sh make.sh` (from here).
# mypy.ini (strict, no cache) keeps the repository's own configuration out.
# Each case writes mypy's stdout (`-O json`) to <case>.jsonl and its
# `--linecount-report` to linecount-<case>.txt. Exit codes: exit-codes.txt.
set -u
MYPY=${MYPY:-mypy}
: > exit-codes.txt
: > stderr.txt
run() { # run <case> <config> <mypy arguments...>
    case=$1; config=$2; shift 2
    rm -rf lc
    $MYPY --config-file "$config" -O json --linecount-report lc "$@" > "$case.jsonl" 2> stderr.tmp
    echo "$case.jsonl $?" >> exit-codes.txt
    sed "s|^|$case.jsonl: |" stderr.tmp >> stderr.txt; rm -f stderr.tmp
    if [ -f lc/linecount.txt ]; then mv lc/linecount.txt "linecount-$case.txt"; fi
    rm -rf lc
}
run clean mypy.ini --explicit-package-bases project/clean/pkg
run errors mypy.ini project/errors/app.py
run syntax-error mypy.ini project/syntax/bad.py project/syntax/good.py
run crash crash.ini project/crash/boom.py project/crash/calm.py
run duplicate-module mypy.ini project/dup/a/m.py project/dup/b/m.py
run nonexistent mypy.ini project/nonexistent.py
run empty mypy.ini project/empty
