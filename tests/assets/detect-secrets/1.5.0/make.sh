#!/bin/sh
# Regenerates the gates-secrets-json reports of detect-secrets 1.5.0 (`sh make.sh` from here, with
# gates and detect-secrets==1.5.0 installed; PYTHON picks the interpreter).
# Each case is copied to a fixed path, /tmp/gates-secrets-fixture, made a git repository (detect-
# secrets scans the files git tracks) and scanned from its root with gates' runner:
#     python -m gates.secrets_scan <paths> -o <report>
# Exit codes go to exit-codes.txt, stderr to stderr.txt.
set -u
PYTHON=${PYTHON:-python3}
HERE=$(pwd)
FIXTURE=/tmp/gates-secrets-fixture
: > exit-codes.txt
: > stderr.txt
run() { # run <report> <case> <track: yes|no> <paths...>
    out=$1; case=$2; track=$3; shift 3
    rm -rf "$FIXTURE" && cp -r "project/$case" "$FIXTURE"
    (cd "$FIXTURE" && git init -q && { [ "$track" = no ] || git add -A; } \
        && "$PYTHON" -m gates.secrets_scan "$@" -o "$HERE/$out") 2> stderr.tmp
    echo "$out $?" >> exit-codes.txt
    sed "s|^|$out: |" stderr.tmp >> stderr.txt; rm -f stderr.tmp
}
run findings.json findings yes .
run clean.json clean yes app
run untracked.json findings no .      # nothing tracked: detect-secrets scans no file
run nonexistent.json clean yes app nothere
rm -rf "$FIXTURE"
"$PYTHON" -c "from importlib import metadata; print(metadata.version('detect-secrets'))" > version.txt
