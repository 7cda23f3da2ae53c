#!/bin/sh
# Regenerates the complexipy 8.3.0 reports (`sh make.sh` from here; COMPLEXIPY names the complexipy
# to run, by default the one on PATH; `pip install complexipy==8.3.0`). Run from project/ as the
# lint stage runs it:
#     complexipy <package> --isolated --quiet --ignore-complexity --max-complexity-allowed 0 \
#         --cache-dir <a temporary folder> --output-format sarif --output <report>
# (every function of cognitive complexity 1 or more is a SARIF result, with its lines; the
# stage's reader makes findings of those above 15)
# report.sarif: app/, whose broken.py does not parse (complexipy leaves it out and exits 1);
# clean.sarif: app/ without broken.py; empty.sarif: a folder with no Python file (no result);
# default.sarif: clean, with complexipy's own threshold (15): only the function above it.
# Exit codes go to exit-codes.txt.
set -u
COMPLEXIPY=${COMPLEXIPY:-complexipy}
HERE=$(pwd)
CACHE=$(mktemp -d)  # complexipy caches its results: not in project/
: > exit-codes.txt
run() { # run <report> <complexipy arguments...>
    out=$1; shift
    (cd project && "$COMPLEXIPY" "$@" --isolated --quiet --ignore-complexity \
        --cache-dir "$CACHE" --output-format sarif --output "$HERE/$out" > /dev/null 2>&1)
    echo "$out $?" >> exit-codes.txt
}
run report.sarif app --max-complexity-allowed 0
run clean.sarif app --exclude app/broken.py --max-complexity-allowed 0
run empty.sarif empty --max-complexity-allowed 0
run default.sarif app --exclude app/broken.py
"$COMPLEXIPY" --version > version.txt
rm -rf "$CACHE"
