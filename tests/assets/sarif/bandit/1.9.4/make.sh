#!/bin/sh
# Regenerates the bandit 1.9.4 SARIF logs in this directory: `sh make.sh` from here
# (bandit installed with its `sarif` extra: `pip install 'bandit[sarif]==1.9.4'`; the
# `bandit` on PATH, or BANDIT=/path/to/bandit sh make.sh).
# Each fixture (project/, project-broken/) is copied in turn to a fixed path,
# /tmp/gates-sarif-bandit, and bandit runs there, so its URIs are relative (src/...).
# `endTimeUtc` changes with every run.
# Exit codes go to exit-codes.txt, stderr to stderr.txt (this directory's path removed).
set -u
BANDIT=${BANDIT:-bandit}
HERE=$(pwd)
FIXTURE=/tmp/gates-sarif-bandit
: > exit-codes.txt
: > stderr.txt
run() { # run <fixture> <output> <bandit arguments...>: in a fresh copy of <fixture>
    project=$1 out=$2; shift 2
    rm -rf "$FIXTURE" && cp -r "$project" "$FIXTURE"
    rm -f "$out"
    (cd "$FIXTURE" && $BANDIT "$@" -f sarif -o "$HERE/$out") > /dev/null 2> stderr.tmp
    echo "$out $?" >> exit-codes.txt
    sed "s|$HERE/||g; s|^|$out: |" stderr.tmp >> stderr.txt; rm -f stderr.tmp
}
run project findings.sarif -r src
run project clean.sarif -r src/pkg/clean.py
run project-broken parse-error.sarif -r src
rm -rf "$FIXTURE"
