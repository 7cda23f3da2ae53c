#!/bin/sh
# Regenerates the semgrep 1.185.0 reports (`sh make.sh` from here; SEMGREP names the semgrep to run,
# by default the one on PATH). Each case is copied to a fixed path, /tmp/gates-semgrep-fixture/project,
# and scanned from there, offline, as the security stage runs it:
#     semgrep scan --metrics=off --disable-version-check --config <rules> --json --time --verbose \
#         --output <report> app
# The rules are gates' own pack (gates/data/semgrep, copied to /tmp/gates-semgrep-fixture/pack: outside
# the project, as an installed gates' is) or one of rules/. Exit codes go to exit-codes.txt, standard
# error's summary and error lines to stderr.txt (--verbose makes the rest long, with timings).
set -u
SEMGREP=${SEMGREP:-semgrep}
HERE=$(pwd)
PACK=$HERE/../../../../gates/data/semgrep
FIXTURE=/tmp/gates-semgrep-fixture
: > exit-codes.txt
: > stderr.txt
run() { # run <report> <case> <rules: pack|rules/NAME> [more semgrep options...]
    out=$1; case=$2; rules=$3; shift 3
    rm -rf "$FIXTURE" && mkdir -p "$FIXTURE"
    cp -r "project/$case" "$FIXTURE/project"
    if [ "$rules" = pack ]; then cp -r "$PACK" "$FIXTURE/pack"; else cp -r "$rules" "$FIXTURE/pack"; fi
    (cd "$FIXTURE/project" && "$SEMGREP" scan --metrics=off --disable-version-check \
        --config "$FIXTURE/pack" --json --time --verbose --output "$HERE/$out" "$@" app) 2> stderr.tmp
    echo "$out $?" >> exit-codes.txt
    grep -E "^Ran |[Ee]rror|failed|Invalid" stderr.tmp | grep -v "^\[" | sed "s|^|$out: |" >> stderr.txt; rm -f stderr.tmp
}
run findings.json findings pack
run clean.json clean pack
run unparsable.json unparsable pack
run no-files.json nofiles pack
run broken-rule.json findings rules/broken
run no-rules.json findings rules/empty
run too-big.json findings pack --max-target-bytes 300
run missing-path.json clean pack nothere
rm -rf "$FIXTURE"
"$SEMGREP" --version > version.txt
