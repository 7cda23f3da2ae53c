#!/bin/sh
# Regenerates the pytest-benchmark 5.3.1 reports in this directory: `sh make.sh` from here
# (with the gates virtualenv's `pytest` on PATH, or PYTEST=/path/to/pytest sh make.sh).
# project/ is copied twice to fixed paths whose names pytest-benchmark records as
# commit_info.project: /tmp/gates-pb, a git checkout with one commit made with a fixed
# author, committer and date (so its id is always 3e4d0ccba8c26b8429532e40315d4e7ef7e14630),
# and /tmp/gates-pb-nogit, outside any checkout (commit_info.id "unversioned").
# Timings, `datetime`, `machine_info` and the JUnit report's times, addresses and
# site-packages paths differ with every run and machine.
# Exit codes go to exit-codes.txt, stderr to stderr.txt (this directory's path removed).
set -u
PYTEST=${PYTEST:-pytest}
HERE=$(pwd)
GIT=/tmp/gates-pb
NOGIT=/tmp/gates-pb-nogit
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=gates GIT_AUTHOR_EMAIL=gates@example.invalid
export GIT_COMMITTER_NAME=gates GIT_COMMITTER_EMAIL=gates@example.invalid
export GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
rm -rf "$GIT" "$NOGIT" && cp -r project "$GIT" && cp -r project "$NOGIT"
(cd "$GIT" && git init -q -b master && git add bench_three.py bench_failing.py \
    && git commit -q -m fixture) || exit 1
: > exit-codes.txt
: > stderr.txt
run() { # run <name> <directory> <pytest arguments...>: in <directory>, stdout dropped
    name=$1 dir=$2; shift 2
    (cd "$dir" && "$PYTEST" -q -p no:cacheprovider \
        --benchmark-min-rounds=20 --benchmark-max-time=0.000001 "$@") > /dev/null 2> stderr.tmp
    echo "$name $?" >> exit-codes.txt
    sed "s|$HERE/||g; s|^|$name: |" stderr.tmp >> stderr.txt; rm -f stderr.tmp
}
run three.json "$GIT" --benchmark-json="$HERE/three.json" bench_three.py
# --benchmark-save writes .benchmarks/<machine id>/0001_<name>.json under the working directory
run saved-without-data.json "$GIT" --benchmark-save=nodata bench_three.py
cp "$GIT"/.benchmarks/*/0001_nodata.json saved-without-data.json
run saved-with-data.json "$GIT" --benchmark-save=withdata --benchmark-save-data bench_three.py
cp "$GIT"/.benchmarks/*/0002_withdata.json saved-with-data.json
run one-fails.json "$GIT" --benchmark-json="$HERE/one-fails.json" \
    --junitxml="$HERE/one-fails.junit.xml" bench_failing.py
run unversioned.json "$NOGIT" --benchmark-json="$HERE/unversioned.json" bench_three.py
rm -rf "$GIT" "$NOGIT"
