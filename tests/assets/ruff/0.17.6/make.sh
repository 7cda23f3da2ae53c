#!/bin/sh
# Regenerates every report in this directory with ruff 0.17.6: `sh make.sh` from here.
# The fixture project is copied to a fixed path, /tmp/gates-ruff-fixture, so the
# absolute paths ruff records do not depend on where this checkout lives
# (read the reports with ReadContext("/tmp/gates-ruff-fixture")).
# --isolated ignores any configuration file; --no-cache writes no .ruff_cache.
# Exit codes go to exit-codes.txt, stderr to stderr.txt.
set -u
RUFF=${RUFF:-ruff}
SELECT=E,F,W,S,B,SIM,UP,PTH
HERE=$(pwd)
FIXTURE=/tmp/gates-ruff-fixture
rm -rf "$FIXTURE" && cp -r project "$FIXTURE"
: > exit-codes.txt
: > stderr.txt
run() { # run <output> <command...>: stdout to <output>, in the fixture directory
    out=$1; shift
    (cd "$FIXTURE" && "$@") > "$HERE/$out" 2> "$HERE/stderr.tmp"
    echo "$out $?" >> exit-codes.txt
    sed "s|^|$out: |" stderr.tmp >> stderr.txt; rm -f stderr.tmp
}
CHECK="$RUFF check --isolated --no-cache"
run check-clean.json $CHECK --select $SELECT --output-format json clean
run check-findings.json $CHECK --select $SELECT --output-format json findings
run check-syntax-error.json $CHECK --select $SELECT --output-format json broken
run check-nonexistent.json $CHECK --select $SELECT --output-format json nonexistent
run check-empty.json $CHECK --select $SELECT --output-format json empty
# preview rules without a code (pytest-fixture-autouse): "code": null with a "name"
run check-preview-codeless.json $CHECK --preview --select ALL --output-format json preview
run show-files-findings.txt $CHECK --show-files findings
run show-files-broken.txt $CHECK --show-files broken
run show-files-nonexistent.txt $CHECK --show-files nonexistent
run show-files-empty.txt $CHECK --show-files empty
FORMAT="$RUFF format --isolated --no-cache --check --output-format json"
run format-clean.json $FORMAT clean
run format-unformatted.json $FORMAT unformatted
run format-syntax-error.json $FORMAT broken
rm -rf "$FIXTURE"
