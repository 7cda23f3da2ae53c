#!/bin/sh
# Regenerates the baseline corpus (`sh make.sh` from here, in an environment with ruff 0.17.6,
# bandit 1.9.4 and mypy 2.4.1 on the PATH, Python 3.11):
#   1. the real tools' reports of project/before/;
#   2. the edited trees project/<case>/ (make.py edits; ruff format for the reformatted ones);
#      kept as project/<case>.patch, `git diff -M` against before/, once labelled (step 5);
#   3. the real tools' reports of each case;
#   4. the expected label of each finding, project/expected/<case>.json (make.py expected);
#   5. each edited tree replaced by its patch (the tests apply it to before/ with `git apply`).
# Each tree is copied to a fixed path, /tmp/gates-corpus, so the paths the tools record do
# not depend on this checkout. The reports go next to the other recorded reports of each tool:
#   ../ruff/0.17.6/check-corpus-<case>.json   ruff check --isolated --select $SELECT --output-format json .
#   ../bandit/1.9.4/corpus-<case>.json        bandit -r . -f json
#   ../mypy/2.4.1/corpus-<case>.jsonl         mypy --strict -O json shop tenacity
# Exit codes go to exit-codes.txt (every tool finds something: ruff 1, bandit 1, mypy 1).
set -eu
PYTHON=${PYTHON:-python3}
RUFF=${RUFF:-ruff}
BANDIT=${BANDIT:-bandit}
MYPY=${MYPY:-mypy}
SELECT=E,W,F,B,S,UP,SIM,PTH,ARG,BLE,C4,EM,FBT,N,PL,RET,RUF,TRY,ERA,A,D101,D103,ANN001
HERE=$(pwd)
FIXED=/tmp/gates-corpus
: > exit-codes.txt
record() { # record <case>: the three reports of project/<case>
    case=$1
    rm -rf "$FIXED" && cp -r "project/$case" "$FIXED"
    set +e
    (cd "$FIXED" && "$RUFF" check --isolated --no-cache --select "$SELECT" --output-format json .) \
        > "../ruff/0.17.6/check-corpus-$case.json" 2> /dev/null
    echo "ruff $case $?" >> exit-codes.txt
    (cd "$FIXED" && "$BANDIT" -q -r . -f json -o "$HERE/../bandit/1.9.4/corpus-$case.json") 2> /dev/null
    echo "bandit $case $?" >> exit-codes.txt
    (cd "$FIXED" && "$MYPY" --strict --no-incremental --cache-dir=/dev/null -O json shop tenacity) \
        > "../mypy/2.4.1/corpus-$case.jsonl" 2> /dev/null
    echo "mypy $case $?" >> exit-codes.txt
    set -e
}
record before
"$PYTHON" make.py edits
rm -rf project/reformatted project/reformatted-narrow
cp -r project/before project/reformatted
"$RUFF" format --isolated --no-cache --quiet project/reformatted
cp -r project/before project/reformatted-narrow
"$RUFF" format --isolated --no-cache --quiet --line-length 60 project/reformatted-narrow
for case in inserted reformatted reformatted-narrow moved renamed duplicated edited; do
    record "$case"
done
rm -rf "$FIXED"
"$PYTHON" make.py expected
patch() { # patch <case>: project/<case>/ as a patch against project/before/, the tree removed
    work=$(mktemp -d)
    cp -r project/before/. "$work"
    git -C "$work" init -q && git -C "$work" add -A
    git -C "$work" -c user.name=corpus -c user.email=corpus@example.invalid \
        commit -q --no-gpg-sign -m before
    find "$work" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
    cp -r "project/$1/." "$work" && git -C "$work" add -A
    git -C "$work" diff --cached -M --binary > "project/$1.patch"
    rm -rf "$work" "project/$1"
}
for case in inserted reformatted reformatted-narrow moved renamed duplicated edited; do
    patch "$case"
done
