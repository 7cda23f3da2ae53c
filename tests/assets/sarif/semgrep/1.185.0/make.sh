#!/bin/sh
# Regenerates the semgrep 1.185.0 SARIF logs in this directory, offline: `sh make.sh`
# from here (the `semgrep` on PATH, or SEMGREP=/path/to/semgrep sh make.sh).
# project/, rules.yml and bad-rule.yml are copied to a fixed path,
# /tmp/gates-sarif-semgrep, and semgrep runs there with a local rules file only
# (no registry), no metrics and no version check. The rules files must sit in the
# working directory: semgrep prefixes a rule id with the rules file's directory,
# relative to the working directory (`--config ../x/rules.yml` gives `x.no-eval`).
# HOME is a throwaway directory, so no semgrep login (which would change the
# `fingerprints`) or user settings play a part. Nothing in the logs varies between runs.
# Exit codes go to exit-codes.txt, stderr to stderr.txt.
set -u
SEMGREP=${SEMGREP:-semgrep}
HERE=$(pwd)
FIXTURE=/tmp/gates-sarif-semgrep
SEMGREP_HOME=/tmp/gates-sarif-semgrep-home
rm -rf "$FIXTURE" "$SEMGREP_HOME" && mkdir "$SEMGREP_HOME" && cp -r project "$FIXTURE"
cp rules.yml bad-rule.yml "$FIXTURE"
unset SEMGREP_APP_TOKEN
: > exit-codes.txt
: > stderr.txt
run() { # run <output> <semgrep scan arguments...>: in the fixture directory
    out=$1; shift
    (cd "$FIXTURE" && HOME="$SEMGREP_HOME" $SEMGREP scan --metrics=off --disable-version-check \
        --sarif --output "$HERE/$out" "$@") > /dev/null 2> stderr.tmp
    echo "$out $?" >> exit-codes.txt
    sed "s|$HERE/||g; s|^|$out: |" stderr.tmp >> stderr.txt; rm -f stderr.tmp
}
run findings.sarif --config rules.yml src
run rule-parse-error.sarif --config bad-rule.yml src
run missing-target.sarif --config rules.yml src/missing.py
rm -rf "$FIXTURE" "$SEMGREP_HOME"
