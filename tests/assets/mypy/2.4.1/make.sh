#!/bin/sh
# Regenerates the mypy 2.4.1 reports in this directory: `sh make.sh` from here.
# project/, mypy.ini and crash.ini are copied to a fixed path, /tmp/gates-mypy-fixture,
# so the absolute paths of --show-absolute-path do not depend on this checkout.
# mypy.ini (strict, no cache) keeps any other mypy configuration out.
# Each case writes mypy's stdout (`-O json`) to <case>.jsonl and its
# `--linecount-report` to linecount-<case>.txt. Exit codes: exit-codes.txt.
set -u
MYPY=${MYPY:-mypy}
HERE=$(pwd)
FIXTURE=/tmp/gates-mypy-fixture
rm -rf "$FIXTURE" && mkdir "$FIXTURE" && cp -r project mypy.ini crash.ini unused-section.ini "$FIXTURE"
: > exit-codes.txt
: > stderr.txt
run() { # run <case> <linecount?> <config> <mypy arguments...>
    case=$1; keep=$2; config=$3; shift 3
    (cd "$FIXTURE" && rm -rf lc && $MYPY --config-file "$config" -O json --linecount-report lc "$@") \
        > "$case.jsonl" 2> stderr.tmp
    echo "$case.jsonl $?" >> exit-codes.txt
    sed "s|^|$case.jsonl: |" stderr.tmp >> stderr.txt; rm -f stderr.tmp
    if [ "$keep" = yes ] && [ -f "$FIXTURE/lc/linecount.txt" ]; then
        cp "$FIXTURE/lc/linecount.txt" "linecount-$case.txt"
    fi
}
MYPYPATH=project/clean run clean yes mypy.ini --explicit-package-bases project/clean/pkg project/clean/total.py
MYPYPATH=project/errors run errors yes mypy.ini project/errors/app.py project/errors/lib.py
MYPYPATH=project/errors run errors-absolute no mypy.ini --show-absolute-path project/errors/app.py project/errors/lib.py
run syntax-error yes mypy.ini project/syntax/bad.py project/syntax/good.py
run crash yes crash.ini project/crash/boom.py project/crash/calm.py
run duplicate-module yes mypy.ini project/dup/a/m.py project/dup/b/m.py
run nonexistent yes mypy.ini project/nonexistent.py
run empty yes mypy.ini project/empty
# warn_unused_configs: mypy prints a plain-text note on stdout before its JSON (more-itertools)
MYPYPATH=project/errors run unused-section no unused-section.ini project/errors/app.py project/errors/lib.py
rm -rf "$FIXTURE"
