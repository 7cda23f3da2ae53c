#!/bin/sh
# Regenerates every real report in this directory with ruff 0.17.6.
# Run it from this directory: `sh make.sh`. The reports record absolute paths,
# so the tests assume this checkout lives at /work/main (as when they were made).
# --isolated ignores the repository's pyproject.toml (which excludes tests/assets);
# --no-cache keeps .ruff_cache out of the tree. Exit codes go to exit-codes.txt.
set -u
RUFF=${RUFF:-ruff}
SELECT=E,F,W,S,B,SIM,UP,PTH
: > exit-codes.txt
: > stderr.txt
run() { # run <output> <command...>: stdout to <output>, stderr and exit code logged
    out=$1; shift
    "$@" > "$out" 2> stderr.tmp; code=$?
    echo "$out $code" >> exit-codes.txt
    sed "s|^|$out: |" stderr.tmp >> stderr.txt; rm -f stderr.tmp
}
run check-clean.json $RUFF check --isolated --no-cache --select $SELECT --output-format json project/clean
run check-findings.json $RUFF check --isolated --no-cache --select $SELECT --output-format json project/findings
run check-syntax-error.json $RUFF check --isolated --no-cache --select $SELECT --output-format json project/broken
run check-nonexistent.json $RUFF check --isolated --no-cache --select $SELECT --output-format json project/nonexistent
run check-empty.json $RUFF check --isolated --no-cache --select $SELECT --output-format json project/empty
run show-files-findings.txt $RUFF check --isolated --no-cache --show-files project/findings
run show-files-broken.txt $RUFF check --isolated --no-cache --show-files project/broken
run show-files-nonexistent.txt $RUFF check --isolated --no-cache --show-files project/nonexistent
run show-files-empty.txt $RUFF check --isolated --no-cache --show-files project/empty
# What a stage writes when it prefixes ruff's listing with the command (see README).
run show-files-empty-header.txt sh -c "echo '# ruff check --show-files project/empty'; $RUFF check --isolated --no-cache --show-files project/empty"
run format-clean.json $RUFF format --isolated --no-cache --check --output-format json project/clean
run format-unformatted.json $RUFF format --isolated --no-cache --check --output-format json project/unformatted
run format-syntax-error.json $RUFF format --isolated --no-cache --check --output-format json project/broken
