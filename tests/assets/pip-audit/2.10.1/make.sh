#!/bin/sh
# Regenerates the pip-audit 2.10.1 reports in this directory: `sh make.sh`.
# PYTHON must be an interpreter with pip-audit 2.10.1 installed (the gates venv).
# Exit codes go to exit-codes.txt, stderr to stderr.txt.
set -u
PYTHON=${PYTHON:-python}
CACHE=$(mktemp -d)
: > exit-codes.txt
: > stderr.txt
run() { # run <report> <pip-audit arguments...>: the report is written with -o
    out=$1; shift
    rm -f "$out"
    "$@" -o "$out" --progress-spinner off --cache-dir "$CACHE" > /dev/null 2> stderr.tmp
    echo "$out $?" >> exit-codes.txt
    sed "s|^|$out: |" stderr.tmp >> stderr.txt; rm -f stderr.tmp
}
AUDIT="$PYTHON -m pip_audit"
FAKE="$PYTHON fake_pypi.py"
# The real PyPI JSON API, which answers 404 from the machine that made these files:
run all-skipped.json $AUDIT -r project/requirements-vulnerable.txt --no-deps --disable-pip -f json
# The local stand-in for PyPI (fake_pypi.py), serving transcribed public advisories:
run vulnerable.json $FAKE -r project/requirements-vulnerable.txt --no-deps --disable-pip -f json
run vulnerable-bare.json $FAKE -r project/requirements-vulnerable.txt --no-deps --disable-pip -f json --aliases off --desc off
run clean.json $FAKE -r project/requirements-clean.txt --no-deps --disable-pip -f json
run no-dependencies.json $FAKE -r project/requirements-empty.txt --no-deps --disable-pip -f json
# OSV, whose host does not resolve here: pip-audit writes no report at all.
run osv-unreachable.json $AUDIT -r project/requirements-vulnerable.txt --no-deps --disable-pip -f json -s osv --timeout 5
rm -rf "$CACHE"
