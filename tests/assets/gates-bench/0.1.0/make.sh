#!/bin/sh
# Records the raw rounds of real `gates bench` runs, so that tests of the benchmark decision
# run on recorded samples and never on the machine's load: `sh make.sh` from this directory,
# with an interpreter that has gates installed: PYTHON=/path/to/venv/bin/python sh make.sh.
# Each case copies project/ to /tmp/gates-bench-rec, commits it on `main` (the base), commits
# one change to work.py on `feature`, and runs there
#   gates bench --install= --constraints <gates' tool pins> --benchmark-time 0.03 -- benchmarks
# (base and head alternate, each in its own environment with pytest-benchmark at the pin,
# 10 to 20 rounds, CPU time). The commits have a fixed author, committer and date, so their
# ids are the same on every machine. Kept of each run: .gates/benchmark/ (manifest.json and
# round-NN/{base,head}.json) as <case>/, and gates bench's stderr as <case>.log.
# `slower-loaded` runs while two busy loops (one per core of a 2-core machine) take the CPU.
# Timings, datetime and machine_info differ with every run and machine, and so may the
# outcomes: README.md says what the stored runs show.
set -u
PYTHON=${PYTHON:-python3}
HERE=$(pwd)
WORK=/tmp/gates-bench-rec
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=gates GIT_AUTHOR_EMAIL=gates@example.invalid
export GIT_COMMITTER_NAME=gates GIT_COMMITTER_EMAIL=gates@example.invalid
export GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
unset GATES_BASE PYTEST_ADDOPTS COVERAGE_PROCESS_START
CONSTRAINTS=$("$PYTHON" -c 'from gates.pins import bundled; print(bundled())') || exit 1
: > exit-codes.txt
record() { # record <case> <old> <new>: head is the base with work.py's first <old> made <new>
    name=$1
    rm -rf "$WORK" "$HERE/$name" && cp -r project "$WORK" || exit 1
    (cd "$WORK" && git init -q -b main && git add -A && git commit -q -m base \
        && git checkout -q -b feature \
        && "$PYTHON" -c 'import sys; p = "work.py"; t = open(p).read(); open(p, "w").write(t.replace(sys.argv[1], sys.argv[2], 1))' "$2" "$3" \
        && git commit -q -am change) || exit 1
    (cd "$WORK" && "$PYTHON" -m gates bench --install= --constraints "$CONSTRAINTS" \
        --benchmark-time 0.03 -- benchmarks) 2> "$HERE/$name.log"
    echo "$name exit $? base $(git -C "$WORK" rev-parse main) head $(git -C "$WORK" rev-parse feature)" >> exit-codes.txt
    sed -i "s|$WORK|<project>|g; s|$HERE|<here>|g" "$HERE/$name.log"
    cp -r "$WORK/.gates/benchmark" "$HERE/$name"
}
record slower "STEPS = 3000" "STEPS = 4200"
record identical "STEPS = 3000
" "STEPS = 3000  # the same work
"
"$PYTHON" -c 'while True: pass' & LOOP1=$!
"$PYTHON" -c 'while True: pass' & LOOP2=$!
record slower-loaded "STEPS = 3000" "STEPS = 4200"
kill "$LOOP1" "$LOOP2"
rm -rf "$WORK"
