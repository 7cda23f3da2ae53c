#!/bin/sh
# Regenerates the ruff 0.17.6 SARIF logs in this directory: `sh make.sh` from here
# (with the gates virtualenv's `ruff` on PATH, or RUFF=/path/to/ruff sh make.sh).
# project/ is copied to a fixed path, /tmp/gates-sarif-ruff, because ruff writes
# absolute file:// URIs (read the logs with ReadContext("/tmp/gates-sarif-ruff")).
# --isolated ignores any configuration file; --no-cache writes no .ruff_cache.
# Exit codes go to exit-codes.txt, stderr to stderr.txt. Nothing here varies between runs.
set -u
RUFF=${RUFF:-ruff}
HERE=$(pwd)
FIXTURE=/tmp/gates-sarif-ruff
rm -rf "$FIXTURE" && cp -r project "$FIXTURE"
: > exit-codes.txt
: > stderr.txt
run() { # run <output> <command...>: stdout to <output>, in the fixture directory
    out=$1; shift
    (cd "$FIXTURE" && "$@") > "$HERE/$out" 2> "$HERE/stderr.tmp"
    echo "$out $?" >> exit-codes.txt
    sed "s|^|$out: |" stderr.tmp >> stderr.txt; rm -f stderr.tmp
}
CHECK="$RUFF check --isolated --no-cache --select S,F --output-format sarif"
run findings.sarif $CHECK src
run clean.sarif $CHECK src/pkg/clean.py
rm -rf "$FIXTURE"
