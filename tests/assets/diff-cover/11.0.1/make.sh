#!/bin/sh
# Recreates the git history of ./project in /tmp and regenerates every report
# in this directory (see README.md). Usage: sh make.sh [bin-dir]
set -eu
BIN=${1:-/root/gv/bin}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=/tmp/gates-diff-fixture          # fixed, so paths in the reports are stable
ELSEWHERE=/tmp/gates-diff-elsewhere   # a second checkout, as on another CI machine
rm -rf "$WORK" "$ELSEWHERE" && mkdir -p "$WORK" && cd "$WORK"
export GIT_AUTHOR_NAME=fixture GIT_AUTHOR_EMAIL=fixture@example.invalid
export GIT_COMMITTER_NAME=fixture GIT_COMMITTER_EMAIL=fixture@example.invalid
export GIT_AUTHOR_DATE=2025-01-01T00:00:00Z GIT_COMMITTER_DATE=2025-01-01T00:00:00Z
git init -q -b main
cp -r "$HERE/project/base/." . && git add -A && git commit -q -m base
git checkout -q -b docs main
cp -r "$HERE/project/docs/." . && git commit -q -am "docs only"
git checkout -q -b feature main
cp -r "$HERE/project/feature/." . && git add -A && git commit -q -m feature

measure() { # measure DIR: coverage.xml of the feature branch, measured in DIR
    (cd "$1" && "$BIN/coverage" run --branch --source=pkg -m pytest -q -p no:cacheprovider checks >/dev/null \
        && "$BIN/coverage" xml -q -o "$1/coverage.xml")
}
PAIRED="$HERE/../../git/2.39.5/paired-with-diff-cover"   # the git-numstat evidence of the same diffs
mkdir -p "$PAIRED"
numstat() { # numstat OUTPUT: what the stage writes for main...HEAD, in $WORK
    { echo "# git diff --numstat main...HEAD -- *.py"
      git -C "$WORK" diff --numstat main...HEAD -- '*.py'; } > "$PAIRED/$1"
}
diffcover() { # diffcover OUTPUT COVERAGE-XML ARGS...
    out=$1 xml=$2; shift 2
    "$BIN/diff-cover" "$xml" --format "json:$HERE/$out" "$@" >/dev/null
    echo "$out: diff-cover exit $?"
}
measure "$WORK"
diffcover feature.json "$WORK/coverage.xml" --compare-branch=main
numstat feature.txt
diffcover feature-committed.json "$WORK/coverage.xml" --compare-branch=main --ignore-staged --ignore-unstaged

# The same commit measured by pytest-cov in another checkout (another CI
# machine or container): `--cov=pkg` writes <source>$ELSEWHERE/pkg</source> and
# filenames relative to it ("core.py"), so no changed line of this repository matches.
git clone -q "$WORK" "$ELSEWHERE" && cd "$ELSEWHERE" && git checkout -q feature
"$BIN/pytest" -q -p no:cacheprovider --cov=pkg --cov-branch --cov-report=xml:"$ELSEWHERE/coverage.xml" checks >/dev/null
cd "$WORK"
diffcover wrong-paths.json "$ELSEWHERE/coverage.xml" --compare-branch=main

git checkout -q docs
diffcover docs-only.json "$WORK/coverage.xml" --compare-branch=main
numstat docs-only.txt

git checkout -q main
diffcover no-changes.json "$WORK/coverage.xml" --compare-branch=main
numstat no-changes.txt
cd / && rm -rf "$WORK" "$ELSEWHERE"
