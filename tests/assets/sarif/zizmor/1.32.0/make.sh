#!/bin/sh
# Regenerates the zizmor 1.32.0 SARIF logs in this directory, offline: `sh make.sh`
# from here (the `zizmor` on PATH, or ZIZMOR=/path/to/zizmor sh make.sh).
# Each fixture (project/, project-unparsable/) is copied in turn to a fixed path,
# /tmp/gates-sarif-zizmor; zizmor runs there on workflow files named one by one
# (the fixtures keep them in workflows/, not .github/workflows/, so no directory is
# collected), with --offline (no online audit, no network) and --no-config.
# RUST_BACKTRACE=0 keeps backtraces out of stderr. Nothing in the logs varies between runs.
# Exit codes go to exit-codes.txt, stderr to stderr.txt.
set -u
ZIZMOR=${ZIZMOR:-zizmor}
HERE=$(pwd)
FIXTURE=/tmp/gates-sarif-zizmor
export RUST_BACKTRACE=0
: > exit-codes.txt
: > stderr.txt
run() { # run <fixture> <output> <workflow files...>: in a fresh copy of <fixture>
    project=$1 out=$2; shift 2
    rm -rf "$FIXTURE" && cp -r "$project" "$FIXTURE"
    (cd "$FIXTURE" && $ZIZMOR --offline --no-config --format sarif "$@") > "$out" 2> stderr.tmp
    echo "$out $?" >> exit-codes.txt
    sed "s|^|$out: |" stderr.tmp >> stderr.txt; rm -f stderr.tmp
}
run project findings.sarif workflows/ci.yml
run project clean.sarif workflows/clean.yml
run project-unparsable unparsable-skipped.sarif workflows/bad.yml workflows/clean.yml
rm -rf "$FIXTURE"
