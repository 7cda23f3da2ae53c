#!/bin/sh
# Regenerates the bandit 1.9.4 reports in this directory: `sh make.sh` (from here).
# Exit codes go to exit-codes.txt, stderr to stderr.txt. `generated_at` differs per run.
set -u
BANDIT=${BANDIT:-bandit}
: > exit-codes.txt
: > stderr.txt
run() { # run <report> <bandit arguments...>
    out=$1; shift
    rm -f "$out"
    $BANDIT "$@" -f json -o "$out" 2> stderr.tmp > /dev/null
    echo "$out $?" >> exit-codes.txt
    sed "s|^|$out: |" stderr.tmp >> stderr.txt; rm -f stderr.tmp
}
run clean.json -r project/clean
run findings.json -r project/findings
run findings-filtered.json -r project/findings -lll -iii
run syntax-error.json -r project/broken
run empty.json -r project/empty
run nonexistent.json -r project/nonexistent
